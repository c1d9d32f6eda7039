import { Kafka, logLevel, type EachMessagePayload } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EmbeddedKafka } from '../../../broker/index.js'
import { Cluster } from '../../../lib/clients/lean/cluster/cluster.js'
import { LeanRecordProducer } from '../../../lib/clients/lean/producer/producer.js'
import { partitionForKey } from '../../../lib/clients/partitioner.js'
import { classifyClientError } from '../../../lib/clients/errors.js'
import type { OutgoingRecord } from '../../../lib/clients/types.js'

const rec = (key: string | null, value: string, partition = -1, headers?: Record<string, string>): OutgoingRecord =>
  ({ key: key === null ? null : Buffer.from(key), value: Buffer.from(value), timestamp: 1_700_000_000_000, partition, headers })

describe('lean client: producer', () => {
  let kafka: EmbeddedKafka
  let kjs: Kafka
  const producers: LeanRecordProducer[] = []

  const producer = async (opts: ConstructorParameters<typeof LeanRecordProducer>[1] = {}) => {
    const p = new LeanRecordProducer(new Cluster(kafka.brokers, { clientId: 'lean-producer', requestTimeoutMs: 5000 }, { retry: { retries: 5, initialBackoffMs: 20 } }), opts)
    await p.connect()
    producers.push(p)
    return p
  }

  /** Everything in the topic as a read_committed kafkajs consumer sees it. */
  async function readAll(topic: string, expected: number): Promise<EachMessagePayload[]> {
    const consumer = kjs.consumer({ groupId: `read-${topic}-${Math.random()}`, readUncommitted: false })
    await consumer.connect()
    await consumer.subscribe({ topic, fromBeginning: true })
    const got: EachMessagePayload[] = []
    await new Promise<void>(resolve => {
      void consumer.run({ eachMessage: async m => { got.push(m); if (got.length >= expected) resolve() } })
      if (expected === 0) setTimeout(resolve, 1500)
    })
    await new Promise(r => setTimeout(r, 300)) // anything beyond the expected would show up here
    await consumer.disconnect()
    return got
  }

  async function logEnd(topic: string): Promise<number[]> {
    const admin = kjs.admin()
    await admin.connect()
    const offsets = await admin.fetchTopicOffsets(topic)
    await admin.disconnect()
    return offsets.sort((a, b) => a.partition - b.partition).map(o => Number(o.high))
  }

  beforeAll(async () => {
    kafka = await EmbeddedKafka.start({ port: 0, autoCreateTopics: false })
    kjs = new Kafka({ brokers: kafka.brokers, logLevel: logLevel.NOTHING })
  })
  afterAll(async () => {
    for (const p of producers) await p.disconnect().catch(() => {})
    await kafka.stop()
  })

  it('produces records kafkajs reads back, keyed records in the partition Java would pick', async () => {
    kafka.createTopic('p-basic', 4)
    const p = await producer()
    const records = Array.from({ length: 40 }, (_, i) => rec(`key-${i}`, `value-${i}`, -1, i % 3 === 0 ? { h: `x${i}` } : undefined))
    const results = await p.send('p-basic', records)
    expect(results.length).toBeGreaterThan(1)
    const got = await readAll('p-basic', 40)
    expect(got).toHaveLength(40)
    for (const m of got) {
      const i = Number(m.message.value!.toString().slice(6))
      expect(m.message.key!.toString()).toBe(`key-${i}`)
      expect(m.partition).toBe(partitionForKey(Buffer.from(`key-${i}`), 4))
      expect(m.message.timestamp).toBe('1700000000000')
      if (i % 3 === 0) expect(m.message.headers!.h!.toString()).toBe(`x${i}`)
    }
    // Each result is the offset of the send's first record in that partition.
    for (const r of results) expect(r.baseOffset).toBe(0)
  })

  it('batches concurrent sends and gives each its own base offsets', async () => {
    kafka.createTopic('p-concurrent', 1)
    const p = await producer()
    const sends = await Promise.all(Array.from({ length: 20 }, (_, i) => p.send('p-concurrent', [rec(null, `a${i}`, 0), rec(null, `b${i}`, 0)])))
    const bases = sends.map(s => s[0]!.baseOffset).sort((a, b) => a - b)
    expect(bases).toEqual(Array.from({ length: 20 }, (_, i) => i * 2))
    expect(await logEnd('p-concurrent')).toEqual([40])
  })

  it('retries NOT_LEADER_OR_FOLLOWER on produce and loses or duplicates nothing', async () => {
    kafka.createTopic('p-not-leader', 2)
    const p = await producer()
    kafka.faults.failNext('Produce', 2, 6)
    await p.sendBatch([{ topic: 'p-not-leader', records: Array.from({ length: 10 }, (_, i) => rec(null, `v${i}`, i % 2)) }], false)
    expect(kafka.faults.active).toBe(false)
    expect(await logEnd('p-not-leader')).toEqual([5, 5])
  })

  it('starts over under a new producer id when the broker lost its sequence, writing the batch once', async () => {
    kafka.createTopic('p-sequence', 1)
    const p = await producer()
    await p.send('p-sequence', [rec(null, 'first', 0)])
    kafka.faults.failNext('Produce', 1, 45) // OUT_OF_ORDER_SEQUENCE_NUMBER
    const [result] = await p.send('p-sequence', [rec(null, 'a', 0), rec(null, 'b', 0)])
    expect(result!.baseOffset).toBe(1)
    await p.send('p-sequence', [rec(null, 'c', 0)])
    expect(await logEnd('p-sequence')).toEqual([4])
  })

  it('sends again after the connection drops mid-request, and the broker keeps one copy', async () => {
    kafka.createTopic('p-drop', 1)
    const p = await producer()
    await p.send('p-drop', [rec(null, 'first', 0)])
    kafka.faults.delay('Produce', 300)
    const sending = p.send('p-drop', [rec(null, 'a', 0), rec(null, 'b', 0)])
    await new Promise(r => setTimeout(r, 100))
    kafka.faults.dropConnections()
    kafka.faults.clear()
    const [result] = await sending
    expect(result!.baseOffset).toBe(1)
    expect(await logEnd('p-drop')).toEqual([3])
    expect((await readAll('p-drop', 3)).map(m => m.message.value!.toString())).toEqual(['first', 'a', 'b'])
  })

  it('commits and aborts transactions as a read_committed reader sees them', async () => {
    kafka.createTopic('p-txn', 2)
    const p = await producer({ transactionalId: 'p-txn-1' })
    await p.beginTransaction()
    await p.sendInTransaction('p-txn', [rec('k1', 'committed-1'), rec('k2', 'committed-2')])
    await p.commitTransaction()
    await p.beginTransaction()
    await p.sendBatch([{ topic: 'p-txn', records: [rec('k3', 'aborted')] }], true)
    await p.abortTransaction()
    await p.beginTransaction()
    await p.sendInTransaction('p-txn', [rec('k4', 'committed-3')])
    await p.commitTransaction()
    const got = await readAll('p-txn', 3)
    expect(got.map(m => m.message.value!.toString()).sort()).toEqual(['committed-1', 'committed-2', 'committed-3'])
  })

  it('finds the transaction coordinator again when it moves and retries CONCURRENT_TRANSACTIONS', async () => {
    kafka.createTopic('p-moves', 1)
    const p = await producer({ transactionalId: 'p-moves-id' })
    await p.beginTransaction()
    kafka.faults.failNext('AddPartitionsToTxn', 1, 16) // NOT_COORDINATOR
    await p.sendInTransaction('p-moves', [rec(null, 'moved', 0)])
    kafka.faults.failNext('EndTxn', 1, 51) // CONCURRENT_TRANSACTIONS
    await p.commitTransaction()
    expect(kafka.faults.active).toBe(false)
    expect((await readAll('p-moves', 1)).map(m => m.message.value!.toString())).toEqual(['moved'])
  })

  it('is fenced when another producer takes its transactional id', async () => {
    kafka.createTopic('p-fence', 1)
    const old = await producer({ transactionalId: 'p-fence-id' })
    await old.beginTransaction()
    await old.sendInTransaction('p-fence', [rec(null, 'zombie', 0)])
    const next = await producer({ transactionalId: 'p-fence-id' })
    const err = await old.sendInTransaction('p-fence', [rec(null, 'zombie-2', 0)]).then(() => old.commitTransaction()).catch(e => e)
    expect(err).toBeInstanceOf(Error)
    expect(classifyClientError(err)).toBe('fenced')
    expect(err.message).toContain('p-fence')
    await next.beginTransaction()
    await next.sendInTransaction('p-fence', [rec(null, 'owner', 0)])
    await next.commitTransaction()
    expect((await readAll('p-fence', 1)).map(m => m.message.value!.toString())).toEqual(['owner'])
  })

  it('commits offsets in a transaction', async () => {
    kafka.createTopic('p-offsets', 1)
    const p = await producer({ transactionalId: 'p-offsets-id' })
    await p.beginTransaction()
    await p.sendInTransaction('p-offsets', [rec(null, 'x', 0)])
    await p.sendOffsetsInTransaction('p-offsets-group', [{ topic: 'p-offsets', partition: 0, offset: 7, metadata: 'meta' }])
    await p.commitTransaction()
    const admin = kjs.admin()
    await admin.connect()
    const [t] = await admin.fetchOffsets({ groupId: 'p-offsets-group', topics: ['p-offsets'] })
    await admin.disconnect()
    expect(t!.partitions).toEqual([{ partition: 0, offset: '7', metadata: 'meta' }])
  })
})
