// ListOffsets by timestamp answers only offsets a consumer at the request's isolation level could
// fetch (Kafka's lastFetchableOffset): under read_committed nothing at or past the last stable offset.
import { afterEach, describe, expect, it } from 'vitest'
import { EmbeddedKafka } from '../../../broker/index.js'
import { ListOffsets, RawClient } from './raw-client.js'
import { batch } from './log-test-batches.js'

const cleanup: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f()
})

const MAX_TIMESTAMP = -3

describe('ListOffsets by timestamp and isolation level', () => {
  it('hides offsets of an open transaction from read_committed lookups until it commits', async () => {
    const k = await EmbeddedKafka.start({ port: 0 })
    cleanup.push(() => k.stop())
    k.createTopic('t', 1)
    const log = k.internals.logs.partition('t', 0)!
    const txn = k.internals.transactions
    // offsets 0-1: plain records at t=1000, 1001
    log.append(await batch({ records: [{ key: 'a', value: '1', timestamp: 1000 }, { key: 'b', value: '2', timestamp: 1001 }] }), Date.now())
    // offset 2: an open transaction's record at t=2000
    const { producerId } = txn.initProducerId({ transactionalId: 'tx', transactionTimeoutMs: 60_000 }, 4)
    txn.addPartitionsToTxn({ v3AndBelowTransactionalId: 'tx', v3AndBelowProducerId: producerId, v3AndBelowProducerEpoch: 0, v3AndBelowTopics: [{ name: 't', partitions: [0] }] }, 3)
    expect(log.append(await batch({ records: [{ key: 'c', value: '3', timestamp: 2000 }], producerId, producerEpoch: 0, transactional: true }), Date.now()).errorCode).toBe(0)
    expect(log.lastStableOffset).toBe(2)

    const c = await RawClient.connect(k.port)
    cleanup.push(() => c.close())
    const lookup = async (isolationLevel: number, timestamp: number) => {
      const r = (await c.request(ListOffsets, 7, {
        replicaId: -1, isolationLevel, topics: [{ name: 't', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp }] }],
      })).body.topics[0].partitions[0]
      return [r.errorCode, r.offset, r.timestamp]
    }
    expect(await lookup(1, 1001)).toEqual([0, 1, 1001]) // below the LSO: found
    expect(await lookup(1, 1500)).toEqual([0, -1, -1]) // the first record at or after is unstable
    expect(await lookup(1, MAX_TIMESTAMP)).toEqual([0, -1, -1])
    expect(await lookup(0, 1500)).toEqual([0, 2, 2000]) // read_uncommitted sees it
    expect(await lookup(0, MAX_TIMESTAMP)).toEqual([0, 2, 2000])

    txn.endTxn({ transactionalId: 'tx', producerId, producerEpoch: 0, committed: true }, 3)
    expect(await lookup(1, 1500)).toEqual([0, 2, 2000])
    expect(await lookup(1, MAX_TIMESTAMP)).toEqual([0, 2, 2000])
  })
})
