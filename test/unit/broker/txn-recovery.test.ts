// The coordinators' state on disk: what a restart of the broker (clean, or a crash that skips every
// close) gives back. Kafka's rules: an ongoing transaction stays ongoing with its partitions and
// pending offsets; a prepared one is completed; a coordinator-initiated abort bumps the epoch so the
// producer is fenced instead of silently beginning a new transaction.
import { appendFileSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { LogManager } from '../../../broker/log/log-manager.js'
import { ErrorCode } from '../../../protocol/errors.js'
import { OffsetStore } from '../../../broker/group/offsets.js'
import { TransactionCoordinator } from '../../../broker/txn/transaction-coordinator.js'
import { TxnStateFile } from '../../../broker/txn/txn-state-file.js'
import { batch, decodeBatches } from './log-test-batches.js'

const clock = 1_000_000
const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'kstreams-txn-recovery-'))
  dirs.push(d)
  return d
}

interface Broker { logs: LogManager; offsets: OffsetStore; c: TransactionCoordinator }

async function start(dataDir: string): Promise<Broker> {
  const logs = new LogManager({ dataDir })
  await logs.open()
  if (!logs.hasTopic('out')) logs.createTopic('out', 2, {})
  const offsets = new OffsetStore(join(dataDir, 'consumer-offsets.log'))
  offsets.loadSync()
  const c = new TransactionCoordinator({ logs, offsets, now: () => clock })
  c.recover()
  return { logs, offsets, c }
}

/** A clean stop closes everything; a crash (kill -9) closes nothing: only what was written counts. */
async function restart(b: Broker, dataDir: string, how: 'clean' | 'crash'): Promise<Broker> {
  if (how === 'clean') {
    b.c.close()
    await b.offsets.close()
    await b.logs.close()
  }
  return start(dataDir)
}

const addParts = (c: TransactionCoordinator, id: string, pid: number, epoch: number, partitions: number[], v = 3) =>
  c.addPartitionsToTxn({ v3AndBelowTransactionalId: id, v3AndBelowProducerId: pid, v3AndBelowProducerEpoch: epoch, v3AndBelowTopics: [{ name: 'out', partitions }] }, v)
    .resultsByTopicV3AndBelow![0].resultsByPartition.map((p) => p.partitionErrorCode)
const produce = async (logs: LogManager, partition: number, pid: number, epoch: number, seq: number, value: string) =>
  logs.partition('out', partition)!.append(await batch({ records: [{ key: 'k', value }], producerId: pid, producerEpoch: epoch, firstSequence: seq, transactional: true }), clock).errorCode
const offsetCommit = (c: TransactionCoordinator, id: string, pid: number, epoch: number, offset: number) =>
  c.txnOffsetCommit({ transactionalId: id, groupId: 'app', producerId: pid, producerEpoch: epoch, topics: [{ name: 'in', partitions: [{ partitionIndex: 0, committedOffset: offset, committedMetadata: 'm' }] }] })
    .topics[0].partitions[0].errorCode
const markers = async (logs: LogManager, partition: number) =>
  (await decodeBatches(logs.partition('out', partition)!.read(0, 1 << 20, 0).records)).filter((b) => b.isControlBatch).length

/** A transaction with records in out-0 and out-1 and a pending offset for group 'app' (input topic 'in'). */
async function openTransaction(b: Broker, id: string, timeoutMs = 60_000): Promise<number> {
  b.logs.createTopic('in', 1, {})
  const { producerId: pid, errorCode } = b.c.initProducerId({ transactionalId: id, transactionTimeoutMs: timeoutMs }, 4)
  expect(errorCode).toBe(0)
  expect(addParts(b.c, id, pid, 0, [0, 1])).toEqual([0, 0])
  expect(await produce(b.logs, 0, pid, 0, 0, 'a')).toBe(0)
  expect(await produce(b.logs, 1, pid, 0, 0, 'b')).toBe(0)
  expect(b.c.addOffsetsToTxn({ transactionalId: id, producerId: pid, producerEpoch: 0, groupId: 'app' }, 3).errorCode).toBe(0)
  expect(offsetCommit(b.c, id, pid, 0, 7)).toBe(0)
  return pid
}

describe('an ongoing transaction across a restart', () => {
  for (const how of ['clean', 'crash'] as const) {
    it(`stays ongoing with its partitions and pending offsets, and its producer commits it (${how} restart)`, async () => {
      const dataDir = tempDir()
      const first = await start(dataDir)
      const pid = await openTransaction(first, 'app-0_0')
      const b = await restart(first, dataDir, how)

      expect(b.c.describe('app-0_0')).toMatchObject({ state: 'Ongoing', producerEpoch: 0, groups: ['app'], partitions: [{ topic: 'out', partition: 0 }, { topic: 'out', partition: 1 }] })
      for (const p of [0, 1]) expect(b.logs.partition('out', p)!.lastStableOffset).toBe(0) // still uncommitted
      expect(b.c.hasPendingOffset('app', 'in', 0)).toBe(true)
      expect(b.offsets.get('app', 'in', 0)).toBeUndefined()

      // The producer goes on where it was: one more record and offset, then commit.
      expect(addParts(b.c, 'app-0_0', pid, 0, [0])).toEqual([0])
      expect(await produce(b.logs, 0, pid, 0, 1, 'c')).toBe(0)
      expect(offsetCommit(b.c, 'app-0_0', pid, 0, 8)).toBe(0)
      expect(b.c.endTxn({ transactionalId: 'app-0_0', producerId: pid, producerEpoch: 0, committed: true }, 3).errorCode).toBe(0)
      expect(b.offsets.get('app', 'in', 0)?.offset).toBe(8)
      for (const p of [0, 1]) {
        const log = b.logs.partition('out', p)!
        expect(log.lastStableOffset).toBe(log.logEndOffset)
        expect(log.read(0, 1 << 20, 1).abortedTransactions).toEqual([])
      }

      // ... and all of it, offsets included, survives the next restart.
      const c = await restart(b, dataDir, how)
      expect(c.offsets.get('app', 'in', 0)?.offset).toBe(8)
      expect(c.c.describe('app-0_0')).toMatchObject({ state: 'CompleteCommit', producerEpoch: 0 })
      expect(c.logs.partition('out', 0)!.lastStableOffset).toBe(3)
    })

    it(`is aborted at its timeout with an epoch bump, and its producer is fenced everywhere (${how} restart)`, async () => {
      const dataDir = tempDir()
      const first = await start(dataDir)
      const pid = await openTransaction(first, 'slow', 1000)
      const b = await restart(first, dataDir, how)
      b.c.tick(clock + 999)
      expect(b.c.describe('slow')!.state).toBe('Ongoing')
      b.c.tick(clock + 1001)
      expect(b.c.describe('slow')).toMatchObject({ state: 'CompleteAbort', producerEpoch: 1 })
      for (const p of [0, 1]) {
        const log = b.logs.partition('out', p)!
        expect(log.lastStableOffset).toBe(2)
        expect(log.read(0, 1 << 20, 1).abortedTransactions).toEqual([{ producerId: BigInt(pid), firstOffset: 0n }])
      }
      expect(b.offsets.get('app', 'in', 0)).toBeUndefined()
      expect(b.c.hasPendingOffset('app', 'in', 0)).toBe(false)

      expect(b.c.addOffsetsToTxn({ transactionalId: 'slow', producerId: pid, producerEpoch: 0, groupId: 'app' }, 1).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH)
      expect(b.c.addOffsetsToTxn({ transactionalId: 'slow', producerId: pid, producerEpoch: 0, groupId: 'app' }, 2).errorCode).toBe(ErrorCode.PRODUCER_FENCED)
      expect(addParts(b.c, 'slow', pid, 0, [0], 1)).toEqual([ErrorCode.INVALID_PRODUCER_EPOCH])
      expect(addParts(b.c, 'slow', pid, 0, [0], 3)).toEqual([ErrorCode.PRODUCER_FENCED])
      expect(offsetCommit(b.c, 'slow', pid, 0, 9)).toBe(ErrorCode.INVALID_PRODUCER_EPOCH)
      expect(b.c.endTxn({ transactionalId: 'slow', producerId: pid, producerEpoch: 0, committed: true }, 3).errorCode).toBe(ErrorCode.PRODUCER_FENCED)
      expect(await produce(b.logs, 0, pid, 0, 1, 'late')).toBe(ErrorCode.INVALID_PRODUCER_EPOCH)
      expect(b.c.describe('slow')).toMatchObject({ state: 'CompleteAbort', producerEpoch: 1 })
      expect(b.offsets.get('app', 'in', 0)).toBeUndefined()
    })
  }
})

describe('a transaction caught between its two phases by a crash', () => {
  for (const commit of [true, false]) {
    it(`is completed on recovery: missing ${commit ? 'COMMIT' : 'ABORT'} markers written once, offsets ${commit ? 'published' : 'dropped'}`, async () => {
      const dataDir = tempDir()
      const first = await start(dataDir)
      const pid = await openTransaction(first, 'tx')
      // The crash image: Prepare* written, the marker reached out-0 but not out-1.
      const file = new TxnStateFile(dataDir)
      const saved = file.load()!.transactions.find((t) => t.transactionalId === 'tx')!
      file.append(BigInt(pid + 1), { ...saved, state: commit ? 'PrepareCommit' : 'PrepareAbort' })
      file.close()
      first.logs.partition('out', 0)!.writeMarker(BigInt(pid), 0, commit, 0, clock)

      const b = await start(dataDir)
      expect(b.c.describe('tx')).toMatchObject({ state: commit ? 'CompleteCommit' : 'CompleteAbort', producerEpoch: 0, partitions: [] })
      expect([await markers(b.logs, 0), await markers(b.logs, 1)]).toEqual([1, 1])
      for (const p of [0, 1]) {
        const log = b.logs.partition('out', p)!
        expect(log.lastStableOffset).toBe(2)
        expect(log.read(0, 1 << 20, 1).abortedTransactions).toEqual(commit ? [] : [{ producerId: BigInt(pid), firstOffset: 0n }])
      }
      expect(b.offsets.get('app', 'in', 0)?.offset).toBe(commit ? 7 : undefined)
      // A retry of the EndTxn the crash interrupted gets the answer for the completed state.
      expect(b.c.endTxn({ transactionalId: 'tx', producerId: pid, producerEpoch: 0, committed: commit }, 3).errorCode).toBe(0)
    })
  }
})

describe('coordinator-initiated aborts fence the producer', () => {
  it('a transaction the saved state cannot account for (an earlier version kept only ids and epochs) is aborted with an epoch bump', async () => {
    const dataDir = tempDir()
    const first = await start(dataDir)
    const pid = await openTransaction(first, 'old')
    // The state an earlier version left: producer ids and epochs only.
    rmSync(join(dataDir, 'transactions.log'), { force: true })
    writeFileSync(join(dataDir, 'transactions.json'), JSON.stringify({
      nextProducerId: String(pid + 1), transactions: [{ transactionalId: 'old', producerId: String(pid), producerEpoch: 0, lastProducerEpoch: -1, timeoutMs: 60_000 }],
    }))

    const b = await start(dataDir)
    expect(b.c.describe('old')).toMatchObject({ producerId: pid, producerEpoch: 1 })
    for (const p of [0, 1]) {
      expect(b.logs.partition('out', p)!.read(0, 1 << 20, 1).abortedTransactions).toEqual([{ producerId: BigInt(pid), firstOffset: 0n }])
    }
    // Never a fresh transaction for the old epoch: its offsets must not commit without its records.
    expect(b.c.addOffsetsToTxn({ transactionalId: 'old', producerId: pid, producerEpoch: 0, groupId: 'app' }, 0).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH)
    expect(b.c.addOffsetsToTxn({ transactionalId: 'old', producerId: pid, producerEpoch: 0, groupId: 'app' }, 3).errorCode).toBe(ErrorCode.PRODUCER_FENCED)
    expect(addParts(b.c, 'old', pid, 0, [1], 0)).toEqual([ErrorCode.INVALID_PRODUCER_EPOCH])
    expect(addParts(b.c, 'old', pid, 0, [1], 2)).toEqual([ErrorCode.PRODUCER_FENCED])
    expect(offsetCommit(b.c, 'old', pid, 0, 9)).toBe(ErrorCode.INVALID_PRODUCER_EPOCH)
    expect(b.c.describe('old')!.state).not.toBe('Ongoing')
    expect(b.offsets.get('app', 'in', 0)).toBeUndefined()
  })

  it('after a timeout abort without a restart, AddOffsetsToTxn and AddPartitionsToTxn with the old epoch are fenced', async () => {
    const b = await start(tempDir())
    const pid = await openTransaction(b, 'late', 1000)
    b.c.tick(clock + 1001)
    expect(b.c.addOffsetsToTxn({ transactionalId: 'late', producerId: pid, producerEpoch: 0, groupId: 'app' }, 1).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH)
    expect(b.c.addOffsetsToTxn({ transactionalId: 'late', producerId: pid, producerEpoch: 0, groupId: 'app' }, 2).errorCode).toBe(ErrorCode.PRODUCER_FENCED)
    expect(addParts(b.c, 'late', pid, 0, [0], 1)).toEqual([ErrorCode.INVALID_PRODUCER_EPOCH])
    expect(addParts(b.c, 'late', pid, 0, [0], 2)).toEqual([ErrorCode.PRODUCER_FENCED])
    expect(b.c.describe('late')).toMatchObject({ state: 'CompleteAbort', producerEpoch: 1 })
  })
})

describe('state files', () => {
  it('committed offsets are on disk when commit returns, without a close', async () => {
    const dataDir = tempDir()
    const file = join(dataDir, 'consumer-offsets.log')
    const a = new OffsetStore(file)
    a.loadSync()
    a.commit('g', [{ topic: 't', partition: 0, offset: 5, metadata: null }])
    a.commit('g', [{ topic: 't', partition: 0, offset: 6, metadata: 'x' }, { topic: 't', partition: 1, offset: 1, metadata: null }])
    a.deleteTopic('gone')
    const b = new OffsetStore(file) // a never closed: a crash
    b.loadSync()
    expect(b.get('g', 't', 0)).toMatchObject({ offset: 6, metadata: 'x' })
    expect(b.get('g', 't', 1)?.offset).toBe(1)
  })

  it('drops a torn last record (a write cut by a crash), and loads an earlier version\'s snapshot once', async () => {
    const dataDir = tempDir()
    const file = join(dataDir, 'consumer-offsets.log')
    const legacy = join(dataDir, 'consumer-offsets.json')
    writeFileSync(legacy, JSON.stringify({ old: { t: { 3: { offset: 30, metadata: null, leaderEpoch: -1, commitTimestamp: 1 } } } }))
    const a = new OffsetStore(file, legacy)
    a.loadSync()
    a.commit('g', [{ topic: 't', partition: 0, offset: 5, metadata: null }])
    const intact = statSync(file).size
    appendFileSync(file, '{"g":"g","o":[["t",0,9')
    const b = new OffsetStore(file, legacy)
    b.loadSync()
    expect(b.get('g', 't', 0)?.offset).toBe(5)
    expect(b.get('old', 't', 3)?.offset).toBe(30)
    expect(statSync(file).size).toBeLessThanOrEqual(intact)
    b.commit('g', [{ topic: 't', partition: 0, offset: 10, metadata: null }])
    const c = new OffsetStore(file, legacy)
    c.loadSync()
    expect(c.get('g', 't', 0)?.offset).toBe(10)
    expect(c.get('old', 't', 3)?.offset).toBe(30)
  })

  it('names the file when a record in the middle is corrupt', () => {
    const dataDir = tempDir()
    const file = join(dataDir, 'consumer-offsets.log')
    writeFileSync(file, '{"g":"g","o":[]}\nnot json\n{"g":"h","o":[]}\n')
    expect(() => new OffsetStore(file).loadSync()).toThrow(/consumer-offsets\.log: corrupt record at byte 17/)
  })
})
