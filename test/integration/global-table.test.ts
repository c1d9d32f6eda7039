import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KafkaStreams } from '../../lib/kafka-streams.js'
import { StreamsBuilder } from '../../topology/dsl/streams-builder.js'
import { Consumed } from '../../topology/options/consumed.js'
import { Produced } from '../../topology/options/produced.js'
import { Serdes } from '../../topology/serdes/serdes.js'
import { consumeUntil, createTopics, produce, startCluster, tempDir, uniqueName, waitFor, type TestCluster } from './helpers.js'
import { testClient } from './test-client.js'

function enrichOrders(orders: string, customers: string, output: string) {
  const b = new StreamsBuilder()
  const names = b.globalTable(customers, Consumed.with(Serdes.String(), Serdes.String()))
  b.stream(orders, Consumed.with(Serdes.String(), Serdes.String()))
    .leftJoin(names, (_orderId, customerId) => customerId, (customerId, name) => `${customerId}:${name ?? 'unknown'}`)
    .to(output, Produced.with(Serdes.String(), Serdes.String()))
  return b.build()
}

const valuesOf = (rs: { key: Buffer | null; value: Buffer | null }[]) => new Map(rs.map(r => [r.key!.toString(), r.value!.toString()]))

describe.each(['at_least_once', 'exactly_once_v2'] as const)('stream-globalTable join end to end (%s)', guarantee => {
  let cluster: TestCluster
  beforeAll(async () => {
    cluster = await startCluster()
  })
  afterAll(async () => {
    await cluster.stop()
  })

  it('bootstraps every partition before processing, follows updates and restarts', async () => {
    const orders = uniqueName('gt-orders')
    const customers = uniqueName('gt-customers')
    const output = uniqueName('gt-out')
    await createTopics(cluster.kafka, [
      { topic: orders, numPartitions: 2 },
      { topic: customers, numPartitions: 3 },
      { topic: output, numPartitions: 1 },
    ])
    const ids = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6']
    await produce(cluster.kafka, customers, ids.map(id => ({ key: id, value: `name-${id}` })))
    // Orders already waiting: they are processed at once, so only a finished bootstrap joins them all.
    await produce(cluster.kafka, orders, ids.map((id, i) => ({ key: `o${i}`, value: id })))

    const applicationId = uniqueName('gt-app')
    const state = await tempDir('kstreams-global-table')
    const config = { ...testClient(), applicationId, brokers: cluster.brokers, stateDir: state.dir, commitIntervalMs: 100, processingGuarantee: guarantee }
    let app = new KafkaStreams(enrichOrders(orders, customers, output), config)
    try {
      await app.start()
      await waitFor(() => app.state === 'RUNNING', 20_000, 'RUNNING')
      let out = valuesOf(await consumeUntil(cluster.kafka, output, rs => rs.length >= 6))
      expect([...out.values()].sort()).toEqual(ids.map(id => `${id}:name-${id}`))

      // An update of the global table after start reaches later stream records.
      await produce(cluster.kafka, customers, [{ key: 'c1', value: 'renamed' }, { key: 'c7', value: 'name-c7' }])
      await new Promise(r => setTimeout(r, 1000))
      await produce(cluster.kafka, orders, [{ key: 'o10', value: 'c1' }, { key: 'o11', value: 'c7' }, { key: 'o12', value: 'c9' }])
      out = valuesOf(await consumeUntil(cluster.kafka, output, rs => rs.length >= 9))
      expect(out.get('o10')).toBe('c1:renamed')
      expect(out.get('o11')).toBe('c7:name-c7')
      expect(out.get('o12')).toBe('c9:unknown')
      await app.close()

      // Changed while the application was down: the restart reads the topic again.
      await produce(cluster.kafka, customers, [{ key: 'c9', value: 'name-c9' }, { key: 'c2', value: null }])
      app = new KafkaStreams(enrichOrders(orders, customers, output), config)
      let toRestore = 0
      app.setGlobalStateRestoreListener({
        onRestoreStart: (_store, _topic, _partition, start, end) => void (toRestore += end - start),
        onBatchRestored: () => {},
        onRestoreEnd: () => {},
      })
      await app.start()
      await waitFor(() => app.state === 'RUNNING', 20_000, 'RUNNING after restart')
      // The persistent global store resumed from its checkpoint: only the two records written while down.
      expect(toRestore).toBe(2)
      await produce(cluster.kafka, orders, [{ key: 'o20', value: 'c9' }, { key: 'o21', value: 'c2' }, { key: 'o22', value: 'c1' }])
      out = valuesOf(await consumeUntil(cluster.kafka, output, rs => rs.length >= 12))
      expect(out.get('o20')).toBe('c9:name-c9')
      expect(out.get('o21')).toBe('c2:unknown')
      expect(out.get('o22')).toBe('c1:renamed')
      expect(out.size).toBe(12)
    } finally {
      await app.close()
      await state.remove()
    }
  })
})

describe('global table records that do not deserialize', () => {
  let cluster: TestCluster
  beforeAll(async () => {
    cluster = await startCluster()
  })
  afterAll(async () => {
    await cluster.stop()
  })

  it('follow the deserialization handler: logAndContinue skips them and keeps running', async () => {
    const orders = uniqueName('gtd-orders')
    const limits = uniqueName('gtd-limits')
    const output = uniqueName('gtd-out')
    await createTopics(cluster.kafka, [orders, limits, output].map(topic => ({ topic, numPartitions: 1 })))
    const b = new StreamsBuilder()
    const table = b.globalTable(limits, Consumed.with(Serdes.String(), Serdes.Long()))
    b.stream(orders, Consumed.with(Serdes.String(), Serdes.String()))
      .leftJoin(table, (_k, customer) => customer, (customer, limit) => `${customer}:${limit ?? 'none'}`)
      .to(output, Produced.with(Serdes.String(), Serdes.String()))
    const state = await tempDir('kstreams-global-bad')
    const app = new KafkaStreams(b.build(), { ...testClient(),
      applicationId: uniqueName('gtd-app'),
      brokers: cluster.brokers,
      stateDir: state.dir,
      commitIntervalMs: 100,
      deserializationExceptionHandler: 'logAndContinue',
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    })
    try {
      await app.start()
      await waitFor(() => app.state === 'RUNNING', 20_000, 'RUNNING')
      const eight = Buffer.alloc(8)
      eight.writeBigInt64BE(500n)
      const producer = cluster.kafka.producer()
      await producer.connect()
      await producer.send({ topic: limits, messages: [{ key: 'c1', value: Buffer.from('bad') }, { key: 'c1', value: eight }] })
      await producer.disconnect()
      await new Promise(r => setTimeout(r, 1000))
      await produce(cluster.kafka, orders, [{ key: 'o1', value: 'c1' }])
      const out = await consumeUntil(cluster.kafka, output, rs => rs.length >= 1)
      expect(out.map(r => r.value!.toString())).toEqual(['c1:500'])
      expect(app.state).toBe('RUNNING')
    } finally {
      await app.close()
      await state.remove()
    }
  })
})
