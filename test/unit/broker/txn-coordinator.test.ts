import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { LogManager } from '../../../broker/log/log-manager.js'
import { ErrorCode } from '../../../protocol/errors.js'
import { OffsetStore } from '../../../broker/group/offsets.js'
import { TransactionCoordinator } from '../../../broker/txn/transaction-coordinator.js'
import type { TransactionHandlers } from '../../../broker/server/context.js'
import { batch, decodeBatches, readable } from './log-test-batches.js'

let clock = 1_000_000
const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

async function setup(dataDir?: string) {
  const logs = new LogManager({ dataDir })
  await logs.open()
  if (!logs.hasTopic('out')) logs.createTopic('out', 2, {})
  const offsets = new OffsetStore()
  const coordinator = new TransactionCoordinator({ logs, offsets, now: () => clock })
  const handlers: TransactionHandlers = coordinator // the server routes the five APIs through this shape
  return { logs, offsets, coordinator, handlers }
}

const init = (c: TransactionCoordinator, transactionalId: string | null, extra: object = {}, v = 4) =>
  c.initProducerId({ transactionalId, transactionTimeoutMs: 60_000, ...extra }, v)
const addParts = (c: TransactionCoordinator, id: string, pid: number, epoch: number, parts: [string, number[]][], v = 3) =>
  c.addPartitionsToTxn({ v3AndBelowTransactionalId: id, v3AndBelowProducerId: pid, v3AndBelowProducerEpoch: epoch, v3AndBelowTopics: parts.map(([name, partitions]) => ({ name, partitions })) }, v)
const produce = async (logs: LogManager, partition: number, pid: number, epoch: number, seq: number, value: string) =>
  logs.partition('out', partition)!.append(await batch({ records: [{ key: 'k', value }], producerId: pid, producerEpoch: epoch, firstSequence: seq, transactional: true }), clock)
const codes = (r: { resultsByTopicV3AndBelow?: { resultsByPartition: { partitionErrorCode: number }[] }[] }) =>
  r.resultsByTopicV3AndBelow!.flatMap((t) => t.resultsByPartition.map((p) => p.partitionErrorCode))

describe('InitProducerId', () => {
  it('gives idempotent producers fresh ids at epoch 0 and transactional ids a bumped epoch on the same id', async () => {
    const { coordinator: c } = await setup()
    const a = init(c, null)
    const b = init(c, null)
    expect([a.errorCode, a.producerEpoch, b.producerEpoch]).toEqual([0, 0, 0])
    expect(b.producerId).not.toBe(a.producerId)
    const t1 = init(c, 'app-0_1')
    expect(t1).toMatchObject({ errorCode: 0, producerEpoch: 0 })
    const t2 = init(c, 'app-0_1')
    expect(t2).toMatchObject({ errorCode: 0, producerId: t1.producerId, producerEpoch: 1 })
  })

  it('validates the transactional id and timeout', async () => {
    const { coordinator: c } = await setup()
    expect(init(c, '').errorCode).toBe(ErrorCode.INVALID_REQUEST)
    expect(c.initProducerId({ transactionalId: 'x', transactionTimeoutMs: 0 }).errorCode).toBe(ErrorCode.INVALID_TRANSACTION_TIMEOUT)
    expect(c.initProducerId({ transactionalId: 'x', transactionTimeoutMs: 900_001 }).errorCode).toBe(ErrorCode.INVALID_TRANSACTION_TIMEOUT)
  })

  it('fences a producer with an open transaction: aborts it, answers CONCURRENT_TRANSACTIONS, then a newer epoch', async () => {
    const { coordinator: c, logs } = await setup()
    const old = init(c, 'tx')
    expect(codes(addParts(c, 'tx', old.producerId, 0, [['out', [0]]]))).toEqual([0])
    expect((await produce(logs, 0, old.producerId, 0, 0, 'zombie')).errorCode).toBe(0)
    expect(logs.partition('out', 0)!.lastStableOffset).toBe(0)

    expect(init(c, 'tx').errorCode).toBe(ErrorCode.CONCURRENT_TRANSACTIONS)
    const fresh = init(c, 'tx')
    expect(fresh).toMatchObject({ errorCode: 0, producerId: old.producerId, producerEpoch: 2 })
    const p0 = logs.partition('out', 0)!
    expect(p0.lastStableOffset).toBe(2)
    expect(p0.read(0, 1 << 20, 1).abortedTransactions).toEqual([{ producerId: BigInt(old.producerId), firstOffset: 0n }])

    // the old producer is fenced everywhere
    expect((await produce(logs, 0, old.producerId, 0, 1, 'late')).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH)
    expect((await produce(logs, 1, old.producerId, 0, 0, 'late')).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH)
    expect(codes(addParts(c, 'tx', old.producerId, 0, [['out', [1]]], 3))).toEqual([ErrorCode.PRODUCER_FENCED])
    expect(codes(addParts(c, 'tx', old.producerId, 0, [['out', [1]]], 1))).toEqual([ErrorCode.INVALID_PRODUCER_EPOCH])
    expect(c.endTxn({ transactionalId: 'tx', producerId: old.producerId, producerEpoch: 0, committed: true }, 3).errorCode).toBe(ErrorCode.PRODUCER_FENCED)
    expect(c.endTxn({ transactionalId: 'tx', producerId: old.producerId, producerEpoch: 0, committed: true }, 1).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH)
    expect(c.addOffsetsToTxn({ transactionalId: 'tx', producerId: old.producerId, producerEpoch: 0, groupId: 'g' }, 0).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH)
    expect(init(c, 'tx', { producerId: old.producerId, producerEpoch: 0 }, 4).errorCode).toBe(ErrorCode.PRODUCER_FENCED)
  })
})

describe('a transaction from AddPartitionsToTxn to EndTxn', () => {
  it('commits records and offsets together: markers on every partition, offsets visible only then', async () => {
    const { coordinator: c, logs, offsets } = await setup()
    const { producerId: pid, producerEpoch: epoch } = init(c, 'app-1')
    expect(codes(addParts(c, 'app-1', pid, epoch, [['out', [0, 1]]]))).toEqual([0, 0])
    await produce(logs, 0, pid, epoch, 0, 'a')
    await produce(logs, 1, pid, epoch, 0, 'b')
    expect(c.addOffsetsToTxn({ transactionalId: 'app-1', producerId: pid, producerEpoch: epoch, groupId: 'app' }).errorCode).toBe(0)
    const commit = c.txnOffsetCommit({
      transactionalId: 'app-1', groupId: 'app', producerId: pid, producerEpoch: epoch,
      topics: [{ name: 'out', partitions: [{ partitionIndex: 0, committedOffset: 42, committedMetadata: null }, { partitionIndex: 9, committedOffset: 1, committedMetadata: null }] }],
    })
    expect(commit.topics[0].partitions.map((p) => p.errorCode)).toEqual([0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION])
    expect(offsets.get('app', 'out', 0)).toBeUndefined()
    expect(c.describe('app-1')).toMatchObject({ state: 'Ongoing', groups: ['app'] })

    expect(c.endTxn({ transactionalId: 'app-1', producerId: pid, producerEpoch: epoch, committed: true }).errorCode).toBe(0)
    expect(offsets.get('app', 'out', 0)?.offset).toBe(42)
    for (const p of [0, 1]) {
      const log = logs.partition('out', p)!
      expect(log.lastStableOffset).toBe(2)
      const batches = await decodeBatches(log.read(0, 1 << 20, 1).records)
      expect(batches.map((b) => b.isControlBatch)).toEqual([false, true])
      expect(log.read(0, 1 << 20, 1).abortedTransactions).toEqual([])
    }
    // a retried commit succeeds, an abort after commit is invalid
    expect(c.endTxn({ transactionalId: 'app-1', producerId: pid, producerEpoch: epoch, committed: true }).errorCode).toBe(0)
    expect(c.endTxn({ transactionalId: 'app-1', producerId: pid, producerEpoch: epoch, committed: false }).errorCode).toBe(ErrorCode.INVALID_TXN_STATE)
  })

  it('aborts: records reported aborted to read_committed readers, pending offsets dropped', async () => {
    const { coordinator: c, logs, offsets } = await setup()
    const { producerId: pid } = init(c, 'a')
    addParts(c, 'a', pid, 0, [['out', [0]]])
    await produce(logs, 0, pid, 0, 0, 'x')
    c.addOffsetsToTxn({ transactionalId: 'a', producerId: pid, producerEpoch: 0, groupId: 'g' })
    c.txnOffsetCommit({ transactionalId: 'a', groupId: 'g', producerId: pid, producerEpoch: 0, topics: [{ name: 'out', partitions: [{ partitionIndex: 0, committedOffset: 5, committedMetadata: 'm' }] }] })
    expect(c.endTxn({ transactionalId: 'a', producerId: pid, producerEpoch: 0, committed: false }).errorCode).toBe(0)
    expect(offsets.get('g', 'out', 0)).toBeUndefined()
    const r = logs.partition('out', 0)!.read(0, 1 << 20, 1)
    expect(r.abortedTransactions).toEqual([{ producerId: BigInt(pid), firstOffset: 0n }])
    expect(await readable(r.records)).toEqual([[0, 'k', 'x']]) // the client filters it using the aborted list
  })

  it('rejects a transactional produce to a partition not added to the transaction', async () => {
    const { coordinator: c, logs } = await setup()
    const { producerId: pid } = init(c, 'p')
    addParts(c, 'p', pid, 0, [['out', [0]]])
    expect((await produce(logs, 1, pid, 0, 0, 'x')).errorCode).toBe(ErrorCode.INVALID_TXN_STATE)
    expect((await produce(logs, 0, pid, 0, 0, 'x')).errorCode).toBe(0)
    expect((await produce(logs, 1, 999, 0, 0, 'x')).errorCode).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING)
  })

  it('answers Kafka errors for unknown ids, wrong producer ids, unknown partitions and empty transactions', async () => {
    const { coordinator: c } = await setup()
    const { producerId: pid } = init(c, 'e')
    expect(codes(addParts(c, 'nope', pid, 0, [['out', [0]]]))).toEqual([ErrorCode.INVALID_PRODUCER_ID_MAPPING])
    expect(codes(addParts(c, 'e', pid + 1, 0, [['out', [0]]]))).toEqual([ErrorCode.INVALID_PRODUCER_ID_MAPPING])
    expect(codes(addParts(c, 'e', pid, 0, [['out', [0, 7]], ['missing', [0]]]))).toEqual([
      ErrorCode.OPERATION_NOT_ATTEMPTED, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    ])
    expect(c.endTxn({ transactionalId: 'e', producerId: pid, producerEpoch: 0, committed: true }).errorCode).toBe(ErrorCode.INVALID_TXN_STATE)
    const noGroup = c.txnOffsetCommit({ transactionalId: 'e', groupId: 'g', producerId: pid, producerEpoch: 0, topics: [{ name: 'out', partitions: [{ partitionIndex: 0, committedOffset: 1, committedMetadata: null }] }] })
    expect(noGroup.topics[0].partitions[0].errorCode).toBe(ErrorCode.INVALID_TXN_STATE)
  })

  it('fences stale group members on TxnOffsetCommit v3+ through the group check (KIP-447)', async () => {
    const logs = new LogManager({})
    await logs.open()
    logs.createTopic('out', 1, {})
    const offsets = new OffsetStore()
    const calls: unknown[][] = []
    const c = new TransactionCoordinator({
      logs, offsets, validateGroupMember: (...args) => { calls.push(args); return args[2] === 5 ? 0 : 22 /* ILLEGAL_GENERATION */ },
    })
    const { producerId: pid } = init(c, 'k447')
    c.addOffsetsToTxn({ transactionalId: 'k447', producerId: pid, producerEpoch: 0, groupId: 'g' })
    const commit = (generationId: number, memberId: string) => c.txnOffsetCommit({
      transactionalId: 'k447', groupId: 'g', producerId: pid, producerEpoch: 0, generationId, memberId, groupInstanceId: null,
      topics: [{ name: 'out', partitions: [{ partitionIndex: 0, committedOffset: 3, committedMetadata: null }] }],
    }).topics[0].partitions[0].errorCode
    expect(commit(4, 'm-1')).toBe(22)
    expect(commit(5, 'm-1')).toBe(0)
    expect(commit(-1, '')).toBe(0) // v0-2 carry no group metadata: not checked, as in Kafka
    expect(calls).toEqual([['g', 'm-1', 4, null], ['g', 'm-1', 5, null]])
  })

  it('supports the batched v4 form, including verify-only checks', async () => {
    const { coordinator: c } = await setup()
    const { producerId: pid } = init(c, 'v4')
    const add = c.addPartitionsToTxn({ transactions: [{ transactionalId: 'v4', producerId: pid, producerEpoch: 0, verifyOnly: false, topics: [{ name: 'out', partitions: [0] }] }] }, 4)
    expect(add.resultsByTransaction![0].topicResults[0].resultsByPartition[0].partitionErrorCode).toBe(0)
    const verify = c.addPartitionsToTxn({ transactions: [{ transactionalId: 'v4', producerId: pid, producerEpoch: 0, verifyOnly: true, topics: [{ name: 'out', partitions: [0, 1] }] }] }, 4)
    expect(verify.resultsByTransaction![0].topicResults[0].resultsByPartition.map((p) => p.partitionErrorCode)).toEqual([0, ErrorCode.INVALID_TXN_STATE])
  })
})

describe('timeouts and restarts', () => {
  it('aborts a transaction past its timeout and fences its producer', async () => {
    const { coordinator: c, logs } = await setup()
    const { producerId: pid } = c.initProducerId({ transactionalId: 'slow', transactionTimeoutMs: 1000 })
    addParts(c, 'slow', pid, 0, [['out', [0]]])
    await produce(logs, 0, pid, 0, 0, 'x')
    c.tick(clock + 999)
    expect(c.describe('slow')!.state).toBe('Ongoing')
    c.tick(clock + 1001)
    expect(c.describe('slow')).toMatchObject({ state: 'CompleteAbort', producerEpoch: 1 })
    expect(logs.partition('out', 0)!.lastStableOffset).toBe(2)
    expect(c.endTxn({ transactionalId: 'slow', producerId: pid, producerEpoch: 0, committed: true }, 3).errorCode).toBe(ErrorCode.PRODUCER_FENCED)
  })

  it('keeps producer ids and epochs across a restart; a new instance fences a transaction left open', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kstreams-txn-'))
    dirs.push(dataDir)
    const first = await setup(dataDir)
    const t = init(first.coordinator, 'keep')
    const idem = init(first.coordinator, null)
    addParts(first.coordinator, 'keep', t.producerId, 0, [['out', [1]]])
    await produce(first.logs, 1, t.producerId, 0, 0, 'in-flight')
    await first.logs.close()

    const second = await setup(dataDir)
    expect(second.coordinator.describe('keep')).toMatchObject({ state: 'Ongoing', producerEpoch: 0 })
    // As in Kafka: the open transaction is aborted with a bumped epoch, and the retry gets the next one.
    expect(init(second.coordinator, 'keep').errorCode).toBe(ErrorCode.CONCURRENT_TRANSACTIONS)
    const again = init(second.coordinator, 'keep')
    expect(again).toMatchObject({ errorCode: 0, producerId: t.producerId, producerEpoch: 2 })
    const other = init(second.coordinator, null)
    expect(other.producerId).toBeGreaterThan(Math.max(t.producerId, idem.producerId))
    const p1 = second.logs.partition('out', 1)!
    expect(p1.lastStableOffset).toBe(p1.logEndOffset)
    expect(p1.read(0, 1 << 20, 1).abortedTransactions).toEqual([{ producerId: BigInt(t.producerId), firstOffset: 0n }])
    await second.logs.close()
  })
})
