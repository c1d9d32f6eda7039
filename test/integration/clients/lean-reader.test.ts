import { Kafka, logLevel } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EmbeddedKafka } from '../../../broker/index.js'
import { Cluster } from '../../../lib/clients/lean/cluster/cluster.js'
import { LeanPartitionReader } from '../../../lib/clients/lean/consumer/partition-reader.js'
import { tpKey } from '../../../lib/clients/types.js'

describe('lean client: partition reader', () => {
  let kafka: EmbeddedKafka
  let kjs: Kafka
  let reader: LeanPartitionReader

  beforeAll(async () => {
    kafka = await EmbeddedKafka.start({ port: 0, autoCreateTopics: false })
    kjs = new Kafka({ brokers: kafka.brokers, logLevel: logLevel.NOTHING })
    reader = new LeanPartitionReader(new Cluster(kafka.brokers, { clientId: 'lean-reader' }, { retry: { retries: 4, initialBackoffMs: 20 } }))
    await reader.connect()
  })
  afterAll(async () => {
    await reader.disconnect()
    await kafka.stop()
  })

  it('reads what kafkajs produced: keys, values, headers, timestamps, in offset order', async () => {
    kafka.createTopic('r-plain', 2)
    const producer = kjs.producer()
    await producer.connect()
    await producer.send({ topic: 'r-plain', messages: Array.from({ length: 6 }, (_, i) => ({ key: `k${i}`, value: `v${i}`, partition: i % 2, timestamp: String(1000 + i), headers: { h: `x${i}` } })) })
    await producer.disconnect()
    const res = await reader.fetch([{ topic: 'r-plain', partition: 0, offset: 0 }, { topic: 'r-plain', partition: 1, offset: 1 }], 100)
    const p0 = res.find(r => r.partition === 0)!
    const p1 = res.find(r => r.partition === 1)!
    expect(p0.records.map(r => [r.offset, r.key!.toString(), r.value!.toString(), r.timestamp, r.headers.h!.toString()]))
      .toEqual([[0, 'k0', 'v0', 1000, 'x0'], [1, 'k2', 'v2', 1002, 'x2'], [2, 'k4', 'v4', 1004, 'x4']])
    expect(p0.nextOffset).toBe(3)
    expect(p1.records.map(r => r.offset)).toEqual([1, 2])
    expect(p1.nextOffset).toBe(3)
    expect(await reader.beginningOffsets([{ topic: 'r-plain', partition: 0 }])).toEqual(new Map([[tpKey('r-plain', 0), 0]]))
  })

  it('reads committed transactions only, skips control records and moves past them', async () => {
    kafka.createTopic('r-txn', 1)
    const producer = kjs.producer({ transactionalId: 'r-txn-producer', maxInFlightRequests: 1, idempotent: true })
    await producer.connect()
    let t = await producer.transaction()
    await t.send({ topic: 'r-txn', messages: [{ value: 'c1' }, { value: 'c2' }] })
    await t.commit()
    t = await producer.transaction()
    await t.send({ topic: 'r-txn', messages: [{ value: 'aborted' }] })
    await t.abort()
    t = await producer.transaction()
    await t.send({ topic: 'r-txn', messages: [{ value: 'c3' }] })
    await t.commit()
    // Open: beyond the last stable offset, so neither fetched nor counted in the end offset.
    t = await producer.transaction()
    await t.send({ topic: 'r-txn', messages: [{ value: 'open' }] })
    const end = (await reader.endOffsets([{ topic: 'r-txn', partition: 0 }])).get(tpKey('r-txn', 0))!
    expect(end).toBe(7) // c1 c2 marker aborted marker c3 marker
    let position = 0
    const values: string[] = []
    while (position < end) {
      const [r] = await reader.fetch([{ topic: 'r-txn', partition: 0, offset: position }], 100)
      values.push(...r!.records.map(x => x.value!.toString()))
      position = r!.nextOffset
    }
    expect(values).toEqual(['c1', 'c2', 'c3'])
    expect(position).toBe(7)
    await t.abort()
    await producer.disconnect()
  })

  it('fetches again after NOT_LEADER_OR_FOLLOWER', async () => {
    kafka.createTopic('r-fault', 1)
    const producer = kjs.producer()
    await producer.connect()
    await producer.send({ topic: 'r-fault', messages: [{ value: 'a' }] })
    await producer.disconnect()
    kafka.faults.failNext('Fetch', 1, 6)
    const [r] = await reader.fetch([{ topic: 'r-fault', partition: 0, offset: 0 }], 100)
    expect(kafka.faults.active).toBe(false)
    expect(r!.records.map(x => x.value!.toString())).toEqual(['a'])
  })
})
