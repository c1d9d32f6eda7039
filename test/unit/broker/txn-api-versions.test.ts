// The server hands each transactional request's API version to the coordinator, so a fenced
// producer gets PRODUCER_FENCED on versions that know it and INVALID_PRODUCER_EPOCH before (Kafka's
// KafkaApis mapping: InitProducerId < 4, AddPartitionsToTxn / AddOffsetsToTxn / EndTxn < 2).
import { afterEach, describe, expect, it } from 'vitest'
import { EmbeddedKafka } from '../../../broker/index.js'
import { AddOffsetsToTxn, AddPartitionsToTxn, EndTxn, InitProducerId, TxnOffsetCommit, RawClient } from './raw-client.js'
import { ErrorCode } from '../../../protocol/errors.js'

const cleanup: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f()
})

async function fencedProducer(): Promise<{ c: RawClient; pid: number; txn: string }> {
  const k = await EmbeddedKafka.start({ port: 0 })
  cleanup.push(() => k.stop())
  k.createTopic('out', 1)
  const c = await RawClient.connect(k.port)
  cleanup.push(() => c.close())
  const txn = 'fenced-app'
  const first = (await c.request(InitProducerId, 4, { transactionalId: txn, transactionTimeoutMs: 60_000, producerId: -1, producerEpoch: -1 })).body
  expect(first).toMatchObject({ errorCode: 0, producerEpoch: 0 })
  // A second instance with the same transactional id bumps the epoch: epoch 0 is now a zombie.
  const second = (await c.request(InitProducerId, 4, { transactionalId: txn, transactionTimeoutMs: 60_000, producerId: -1, producerEpoch: -1 })).body
  expect(second).toMatchObject({ errorCode: 0, producerId: first.producerId, producerEpoch: 1 })
  return { c, pid: first.producerId, txn }
}

describe('fencing errors follow the request version', () => {
  it('AddPartitionsToTxn, AddOffsetsToTxn and EndTxn: PRODUCER_FENCED from v2, INVALID_PRODUCER_EPOCH below', async () => {
    const { c, pid, txn } = await fencedProducer()
    const addPartitions = async (v: number) => (await c.request(AddPartitionsToTxn, v, {
      v3AndBelowTransactionalId: txn, v3AndBelowProducerId: pid, v3AndBelowProducerEpoch: 0,
      v3AndBelowTopics: [{ name: 'out', partitions: [0] }],
    })).body.resultsByTopicV3AndBelow[0].resultsByPartition[0].partitionErrorCode
    const addOffsets = async (v: number) =>
      (await c.request(AddOffsetsToTxn, v, { transactionalId: txn, producerId: pid, producerEpoch: 0, groupId: 'g' })).body.errorCode
    const endTxn = async (v: number) =>
      (await c.request(EndTxn, v, { transactionalId: txn, producerId: pid, producerEpoch: 0, committed: true })).body.errorCode

    for (const [v, code] of [[1, ErrorCode.INVALID_PRODUCER_EPOCH], [3, ErrorCode.PRODUCER_FENCED]] as const) {
      expect(await addPartitions(v)).toBe(code)
      expect(await addOffsets(v)).toBe(code)
      expect(await endTxn(v)).toBe(code)
    }
    // v2 is the first version with PRODUCER_FENCED (non-flexible, so a different encoding from v3)
    expect(await endTxn(2)).toBe(ErrorCode.PRODUCER_FENCED)
  })

  it('InitProducerId with a stale producer id and epoch: PRODUCER_FENCED at v4, INVALID_PRODUCER_EPOCH at v3', async () => {
    const { c, pid, txn } = await fencedProducer()
    const reinit = async (v: number) => (await c.request(InitProducerId, v, { transactionalId: txn, transactionTimeoutMs: 60_000, producerId: pid, producerEpoch: 0 })).body
    expect(await reinit(3)).toMatchObject({ errorCode: ErrorCode.INVALID_PRODUCER_EPOCH, producerId: -1, producerEpoch: -1 })
    expect(await reinit(4)).toMatchObject({ errorCode: ErrorCode.PRODUCER_FENCED, producerId: -1, producerEpoch: -1 })
    // The current epoch may re-initialise (KIP-360); a retry naming the epoch before gets the same answer, no new bump.
    const again = async (epoch: number) => (await c.request(InitProducerId, 4, { transactionalId: txn, transactionTimeoutMs: 60_000, producerId: pid, producerEpoch: epoch })).body
    expect(await again(1)).toMatchObject({ errorCode: 0, producerId: pid, producerEpoch: 2 })
    expect(await again(1)).toMatchObject({ errorCode: 0, producerId: pid, producerEpoch: 2 })
    expect(await again(0)).toMatchObject({ errorCode: ErrorCode.PRODUCER_FENCED })
    // an id without an epoch (or the reverse) is malformed
    expect((await c.request(InitProducerId, 4, { transactionalId: txn, transactionTimeoutMs: 60_000, producerId: pid, producerEpoch: -1 })).body.errorCode)
      .toBe(ErrorCode.INVALID_REQUEST)
  })

  it('TxnOffsetCommit reports a stale epoch as INVALID_PRODUCER_EPOCH at every version, as Kafka', async () => {
    const { c, pid, txn } = await fencedProducer()
    for (const v of [0, 3]) {
      const r = (await c.request(TxnOffsetCommit, v, {
        transactionalId: txn, groupId: 'g', producerId: pid, producerEpoch: 0, generationId: -1, memberId: '', groupInstanceId: null,
        topics: [{ name: 'out', partitions: [{ partitionIndex: 0, committedOffset: 5, committedLeaderEpoch: -1, committedMetadata: null }] }],
      })).body
      expect(r.topics[0].partitions[0].errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH)
    }
  })
})
