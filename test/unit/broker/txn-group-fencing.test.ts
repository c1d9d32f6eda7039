// KIP-447 over the wire: TxnOffsetCommit v3+ carries the consumer's member and generation, and the
// broker refuses zombies of an older generation; OffsetFetch requireStable (KIP-447 too) answers
// UNSTABLE_OFFSET_COMMIT while a transaction holds an offset for the partition.
import { afterEach, describe, expect, it } from 'vitest'
import { EmbeddedKafka } from '../../../broker/index.js'
import { AddOffsetsToTxn, EndTxn, InitProducerId, JoinGroup, OffsetCommit, OffsetFetch, SyncGroup, TxnOffsetCommit, RawClient } from './raw-client.js'
import { ErrorCode } from '../../../protocol/errors.js'

const cleanup: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f()
})

async function setup() {
  const k = await EmbeddedKafka.start({ port: 0 })
  cleanup.push(() => k.stop())
  k.createTopic('in', 2)
  const c = await RawClient.connect(k.port)
  cleanup.push(() => c.close())
  return { k, c }
}

/** Joins (or rejoins) group 'g' as its only member at v5 and syncs; returns member id and generation. */
async function joinAndSync(c: RawClient, memberId: string, groupInstanceId: string | null): Promise<{ memberId: string; generationId: number }> {
  const join = (id: string) => c.request(JoinGroup, 5, {
    groupId: 'g', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 5000, memberId: id, groupInstanceId, protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: Buffer.alloc(0) }],
  })
  let r = (await join(memberId)).body
  if (r.errorCode === ErrorCode.MEMBER_ID_REQUIRED) r = (await join(r.memberId)).body
  expect(r.errorCode).toBe(0)
  const s = (await c.request(SyncGroup, 3, { groupId: 'g', generationId: r.generationId, memberId: r.memberId, groupInstanceId, assignments: [] })).body
  expect(s.errorCode).toBe(0)
  return { memberId: r.memberId, generationId: r.generationId }
}

async function beginOffsetsTxn(c: RawClient, transactionalId: string): Promise<{ producerId: number; producerEpoch: number }> {
  const init = (await c.request(InitProducerId, 4, { transactionalId, transactionTimeoutMs: 60_000, producerId: -1, producerEpoch: -1 })).body
  expect(init.errorCode).toBe(0)
  const { producerId, producerEpoch } = init
  expect((await c.request(AddOffsetsToTxn, 3, { transactionalId, producerId, producerEpoch, groupId: 'g' })).body.errorCode).toBe(0)
  return { producerId, producerEpoch }
}

describe('TxnOffsetCommit v3+ member checks (KIP-447)', () => {
  it('refuses an older generation, an unknown member and a fenced instance; accepts the current member', async () => {
    const { c } = await setup()
    const first = await joinAndSync(c, '', 'instance-1')
    const current = await joinAndSync(c, first.memberId, 'instance-1') // rejoining starts a new generation
    expect(current.generationId).toBe(first.generationId + 1)
    const { producerId, producerEpoch } = await beginOffsetsTxn(c, 'eos-task-0_0')
    const commit = async (v: number, generationId: number, memberId: string, groupInstanceId: string | null) => (await c.request(TxnOffsetCommit, v, {
      transactionalId: 'eos-task-0_0', groupId: 'g', producerId, producerEpoch, generationId, memberId, groupInstanceId,
      topics: [{ name: 'in', partitions: [{ partitionIndex: 0, committedOffset: 10, committedLeaderEpoch: -1, committedMetadata: null }] }],
    })).body.topics[0].partitions[0].errorCode

    expect(await commit(3, first.generationId, current.memberId, null)).toBe(ErrorCode.ILLEGAL_GENERATION)
    expect(await commit(3, current.generationId, 'zombie-member', null)).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    expect(await commit(3, current.generationId, 'zombie-member', 'instance-1')).toBe(ErrorCode.FENCED_INSTANCE_ID)
    expect(await commit(3, current.generationId, current.memberId, 'instance-1')).toBe(0)
    // v2 carries no member or generation: nothing to check, as in Kafka
    expect(await commit(2, -1, '', null)).toBe(0)
  })

  it('refuses a generation of a group the broker does not know', async () => {
    const { c } = await setup()
    const { producerId, producerEpoch } = await beginOffsetsTxn(c, 'eos-task-0_1')
    const r = (await c.request(TxnOffsetCommit, 3, {
      transactionalId: 'eos-task-0_1', groupId: 'g', producerId, producerEpoch, generationId: 4, memberId: 'm', groupInstanceId: null,
      topics: [{ name: 'in', partitions: [{ partitionIndex: 1, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: null }] }],
    })).body
    expect(r.topics[0].partitions[0].errorCode).toBe(ErrorCode.ILLEGAL_GENERATION)
  })
})

describe('OffsetCommit v7+ group instance check', () => {
  it('fences a commit naming an instance that now maps to another member, as Kafka', async () => {
    const { c } = await setup()
    const m = await joinAndSync(c, '', 'instance-1')
    const commit = async (memberId: string, groupInstanceId: string | null) => (await c.request(OffsetCommit, 7, {
      groupId: 'g', generationIdOrMemberEpoch: m.generationId, memberId, groupInstanceId,
      topics: [{ name: 'in', partitions: [{ partitionIndex: 0, committedOffset: 4, committedLeaderEpoch: -1, committedMetadata: null }] }],
    })).body.topics[0].partitions[0].errorCode
    expect(await commit('zombie-member', 'instance-1')).toBe(ErrorCode.FENCED_INSTANCE_ID)
    expect(await commit(m.memberId, 'instance-9')).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    expect(await commit(m.memberId, 'instance-1')).toBe(0)
  })
})

describe('OffsetFetch requireStable', () => {
  it('answers UNSTABLE_OFFSET_COMMIT for partitions with a pending transactional offset until the transaction ends', async () => {
    const { c } = await setup()
    const txn = 'eos-task-1_0'
    const fetchOffsets = async (requireStable: boolean, topics: { name: string; partitionIndexes: number[] }[] | null = [{ name: 'in', partitionIndexes: [0, 1] }]) =>
      (await c.request(OffsetFetch, 7, { groupId: 'g', topics, requireStable })).body.topics as { name: string; partitions: { partitionIndex: number; committedOffset: number; errorCode: number }[] }[]
    const txnCommit = async (producerId: number, producerEpoch: number, offset: number) => {
      const r = (await c.request(TxnOffsetCommit, 3, {
        transactionalId: txn, groupId: 'g', producerId, producerEpoch, generationId: -1, memberId: '', groupInstanceId: null,
        topics: [{ name: 'in', partitions: [{ partitionIndex: 0, committedOffset: offset, committedLeaderEpoch: -1, committedMetadata: null }] }],
      })).body
      expect(r.topics[0].partitions[0].errorCode).toBe(0)
    }

    let p = await beginOffsetsTxn(c, txn)
    await txnCommit(p.producerId, p.producerEpoch, 7)
    const stable = (await fetchOffsets(true))[0]!.partitions
    expect(stable.map((x) => [x.partitionIndex, x.committedOffset, x.errorCode])).toEqual([[0, -1, ErrorCode.UNSTABLE_OFFSET_COMMIT], [1, -1, 0]])
    // without requireStable the last committed offset (none yet) is answered
    expect((await fetchOffsets(false))[0]!.partitions.map((x) => [x.committedOffset, x.errorCode])).toEqual([[-1, 0], [-1, 0]])

    expect((await c.request(EndTxn, 3, { transactionalId: txn, ...p, committed: true })).body.errorCode).toBe(0)
    expect((await fetchOffsets(true))[0]!.partitions.map((x) => [x.committedOffset, x.errorCode])).toEqual([[7, 0], [-1, 0]])

    // a pending offset over a committed one: unstable in the all-topics form too; an abort leaves the committed one
    p = await beginOffsetsTxn(c, txn)
    await txnCommit(p.producerId, p.producerEpoch, 9)
    expect((await fetchOffsets(true, null))).toEqual([{ name: 'in', partitions: [expect.objectContaining({ partitionIndex: 0, committedOffset: -1, errorCode: ErrorCode.UNSTABLE_OFFSET_COMMIT })] }])
    expect((await fetchOffsets(false, null))[0]!.partitions[0]).toMatchObject({ committedOffset: 7, errorCode: 0 })
    expect((await c.request(EndTxn, 3, { transactionalId: txn, ...p, committed: false })).body.errorCode).toBe(0)
    expect((await fetchOffsets(true))[0]!.partitions[0]).toMatchObject({ committedOffset: 7, errorCode: 0 })
  })
})
