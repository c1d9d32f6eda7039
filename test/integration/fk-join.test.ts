import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KafkaStreams } from '../../lib/kafka-streams.js'
import { StreamsBuilder } from '../../topology/dsl/streams-builder.js'
import { Consumed } from '../../topology/options/consumed.js'
import { TableJoined } from '../../topology/options/table-joined.js'
import { Partitioners } from 'kafkajs'
import { Produced } from '../../topology/options/produced.js'
import { Serdes } from '../../topology/serdes/serdes.js'
import { consumeUntil, createTopics, produce, startCluster, tempDir, uniqueName, waitFor, type ConsumedRecord, type TestCluster } from './helpers.js'
import { testClient } from './test-client.js'

/** orders (orderId → "customerId|item") joined to customers (customerId → name) on the customer id. */
function topology(orders: string, customers: string, output: string) {
  const builder = new StreamsBuilder()
  const orderTable = builder.table(orders, Consumed.with(Serdes.String(), Serdes.String()))
  const customerTable = builder.table(customers, Consumed.with(Serdes.String(), Serdes.String()))
  orderTable
    .leftJoin(customerTable, (order) => order.split('|')[0], (order, name) => `${order.split('|')[1]} for ${name ?? '?'}`)
    .toStream()
    .to(output, Produced.with(Serdes.String(), Serdes.String()))
  return builder.build()
}

const latest = (records: ConsumedRecord[]) => {
  const m = new Map<string, string | null>()
  for (const r of records) m.set(r.key!.toString(), r.value === null ? null : r.value.toString())
  return m
}

describe('foreign-key join over topics with different partition counts, RocksDB stores and a restart', () => {
  let cluster: TestCluster
  beforeAll(async () => {
    cluster = await startCluster()
  })
  afterAll(async () => {
    await cluster.stop()
  })

  it('joins, follows updates and deletes of both sides, and keeps its subscriptions across a restart', async () => {
    const orders = uniqueName('orders')
    const customers = uniqueName('customers')
    const output = uniqueName('orders-with-customer')
    await createTopics(cluster.kafka, [
      { topic: orders, numPartitions: 3 },
      { topic: customers, numPartitions: 2 },
      { topic: output, numPartitions: 1 },
    ])
    const applicationId = uniqueName('fk')
    const state = await tempDir('kstreams-fk')
    const start = async () => {
      const app = new KafkaStreams(topology(orders, customers, output), { ...testClient(), applicationId, brokers: cluster.brokers, stateDir: state.dir, commitIntervalMs: 100 })
      await app.start()
      return app
    }
    const until = (expected: Record<string, string | null>) =>
      consumeUntil(cluster.kafka, output, (rs) => {
        const m = latest(rs)
        return Object.entries(expected).every(([k, v]) => m.has(k) && m.get(k) === v)
      })

    let app = await start()
    try {
      await produce(cluster.kafka, customers, [
        { key: 'c1', value: 'Ann' },
        { key: 'c2', value: 'Bob' },
        { key: 'c3', value: 'Cid' },
      ])
      await produce(cluster.kafka, orders, [
        { key: 'o1', value: 'c1|book' },
        { key: 'o2', value: 'c2|pen' },
        { key: 'o3', value: 'c1|ink' },
        { key: 'o4', value: 'c9|cup' }, // no such customer: a left join emits it half-joined
      ])
      await until({ o1: 'book for Ann', o2: 'pen for Bob', o3: 'ink for Ann', o4: 'cup for ?' })

      // The internal topics follow the partitions of the table each one is co-partitioned with.
      const admin = cluster.kafka.admin()
      await admin.connect()
      try {
        const internal = (await admin.listTopics()).filter((t) => t.startsWith(`${applicationId}-KTABLE-FK-JOIN-`))
        const meta = await admin.fetchTopicMetadata({ topics: internal })
        const partitions = Object.fromEntries(meta.topics.map((t) => [t.name.slice(applicationId.length + 1), t.partitions.length]))
        expect(partitions).toEqual({
          'KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-0000000006-topic': 2,
          'KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-0000000014-topic': 3,
          'KTABLE-FK-JOIN-SUBSCRIPTION-STATE-STORE-0000000010-changelog': 2,
        })
      } finally {
        await admin.disconnect()
      }

      // A foreign key moves, a customer changes, an order goes away.
      await produce(cluster.kafka, orders, [{ key: 'o3', value: 'c2|ink' }])
      await produce(cluster.kafka, customers, [{ key: 'c1', value: 'Ann B.' }])
      await produce(cluster.kafka, orders, [{ key: 'o2', value: null }])
      await until({ o1: 'book for Ann B.', o2: null, o3: 'ink for Bob' })
      await app.close()

      // After a restart the subscriptions are still there: customer updates reach their orders.
      app = await start()
      await waitFor(() => app.state === 'RUNNING', 30_000, 'RUNNING after restart')
      await produce(cluster.kafka, customers, [
        { key: 'c2', value: 'Bob C.' },
        { key: 'c9', value: 'Dee' },
        { key: 'c1', value: null },
      ])
      const records = await until({ o1: 'book for ?', o3: 'ink for Bob C.', o4: 'cup for Dee' })
      const final = latest(records)
      expect(final.get('o1')).toBe('book for ?')
      expect(final.get('o2')).toBeNull()
      // the deleted order o2 was unsubscribed: Bob's update never brought it back
      expect(records.filter((r) => r.key!.toString() === 'o2').map((r) => r.value?.toString() ?? null).at(-1)).toBeNull()
    } finally {
      await app.close()
      await state.remove()
    }
  }, 120_000)
  // Kafka Streams' KTableKTableForeignKeyInnerJoinCustomPartitionerIntegrationTest: both tables'
  // topics are partitioned by their own rule, so subscriptions and responses must follow it.
  it('TableJoined.with(partitioner, otherPartitioner) places subscriptions and responses on custom-partitioned topics', async () => {
    const orders = uniqueName('orders-custom')
    const customers = uniqueName('customers-custom')
    const output = uniqueName('out-custom')
    await createTopics(cluster.kafka, [
      { topic: orders, numPartitions: 3 },
      { topic: customers, numPartitions: 2 },
      { topic: output, numPartitions: 1 },
    ])
    // the last digit of the key, modulo the partition count: unlike the default murmur2 partitioner
    const byLastDigit = (key: string, n: number) => Number(key.at(-1)) % n
    const producer = cluster.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner })
    await producer.connect()
    const send = (topic: string, n: number, kvs: [string, string][]) =>
      producer.send({ topic, messages: kvs.map(([key, value]) => ({ key, value, partition: byLastDigit(key, n) })) })
    const builder = new StreamsBuilder()
    const orderTable = builder.table(orders, Consumed.with(Serdes.String(), Serdes.String()))
    const customerTable = builder.table(customers, Consumed.with(Serdes.String(), Serdes.String()))
    orderTable
      .join(
        customerTable,
        (order) => order.split('|')[0],
        (order, name) => `${order.split('|')[1]} for ${name}`,
        TableJoined.with<string, string>((_t, key, _v, n) => byLastDigit(key, n), (_t, fk, _v, n) => byLastDigit(fk, n)),
      )
      .toStream()
      .to(output, Produced.with(Serdes.String(), Serdes.String()))
    const state = await tempDir('kstreams-fk-custom')
    const app = new KafkaStreams(builder.build(), { ...testClient(), applicationId: uniqueName('fk-custom'), brokers: cluster.brokers, stateDir: state.dir, commitIntervalMs: 100 })
    try {
      await app.start()
      await send(customers, 2, [['c1', 'Ann'], ['c2', 'Bob'], ['c3', 'Cid']])
      await send(orders, 3, [['o1', 'c2|book'], ['o2', 'c3|pen'], ['o4', 'c1|ink'], ['o5', 'c2|cup']])
      const records = await consumeUntil(cluster.kafka, output, (rs) => latest(rs).size >= 4)
      expect(latest(records)).toEqual(new Map([['o1', 'book for Bob'], ['o2', 'pen for Cid'], ['o4', 'ink for Ann'], ['o5', 'cup for Bob']]))
      await send(customers, 2, [['c2', 'Bob B.']])
      const updated = await consumeUntil(cluster.kafka, output, (rs) => latest(rs).get('o5') === 'cup for Bob B.')
      expect(latest(updated).get('o1')).toBe('book for Bob B.')
    } finally {
      await producer.disconnect()
      await app.close()
      await state.remove()
    }
  }, 120_000)
})
