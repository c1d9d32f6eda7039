// A count materialized in a versioned store (KIP-914) on the embedded broker: an instance started
// with an empty state directory restores the aggregate's versions from its changelog and answers
// as-of interactive queries exactly as the instance that computed them; the changelog carries each
// version of the count at its version timestamp (Kafka Streams' versioned changelog format).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Partitioners } from 'kafkajs'
import { KafkaStreams } from '../../lib/kafka-streams.js'
import { Stores } from '../../stores/stores.js'
import { StreamsBuilder } from '../../topology/dsl/streams-builder.js'
import { Consumed } from '../../topology/options/consumed.js'
import { Grouped } from '../../topology/options/grouped.js'
import { Materialized } from '../../topology/options/materialized.js'
import { Serdes } from '../../topology/serdes/serdes.js'
import { createTopics, startCluster, tempDir, uniqueName, waitFor, type TestCluster } from './helpers.js'
import { testClient } from './test-client.js'

const T = 1_700_000_000_000
const S = Serdes.String()

describe('versioned aggregation result restored from its changelog', () => {
  let cluster: TestCluster
  beforeAll(async () => {
    cluster = await startCluster()
  })
  afterAll(async () => {
    await cluster.stop()
  })

  it('answers get(key) and get(key, asOf) on the count the same after a restart with an empty state directory', async () => {
    const input = uniqueName('versioned-agg-in')
    const applicationId = uniqueName('versioned-agg-app')
    await createTopics(cluster.kafka, [{ topic: input, numPartitions: 2 }])
    const producer = cluster.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner })
    await producer.connect()
    const records: [string, string, number][] = [
      ['A', 'x', T + 10], // A = 1 from 10
      ['B', 'y', T + 5], // B = 1 from 5
      ['A', 'x', T + 20], // A = 2 from 20
      ['A', 'x', T + 15], // A = 3, still at 20 (an aggregate keeps its highest timestamp): replaces the version at 20
      ['C', 'z', T + 40],
    ]
    await producer.send({ topic: input, messages: records.map(([key, value, ts]) => ({ key, value, timestamp: String(ts) })) })
    await producer.disconnect()

    const build = () => {
      const b = new StreamsBuilder()
      b.stream(input, Consumed.with(S, S))
        .groupByKey(Grouped.with(S, S))
        .count(Materialized.as<string, number>(Stores.persistentVersionedKeyValueStore('counts', 60_000)))
      return b.build()
    }
    const queries: [string, number | undefined][] = [
      ['A', undefined], ['A', T + 9], ['A', T + 10], ['A', T + 19], ['A', T + 20],
      ['B', undefined], ['B', T + 4], ['C', T + 40], ['C', T + 39],
    ]
    const expected = [
      { value: 3, timestamp: T + 20 },
      null,
      { value: 1, timestamp: T + 10, validTo: T + 20 },
      { value: 1, timestamp: T + 10, validTo: T + 20 },
      { value: 3, timestamp: T + 20 },
      { value: 1, timestamp: T + 5 },
      null,
      { value: 1, timestamp: T + 40 },
      null,
    ]
    async function answers(app: KafkaStreams) {
      const store = await app.store<string, number>('counts', { type: 'versioned' })
      const out = []
      for (const [key, asOf] of queries) out.push(await store.get(key, asOf))
      return out
    }

    const first = await tempDir('kstreams-versioned-agg-1')
    const app1 = new KafkaStreams(build(), { ...testClient(), applicationId, brokers: cluster.brokers, stateDir: first.dir, commitIntervalMs: 100 })
    try {
      await app1.start()
      await waitFor(() => app1.state === 'RUNNING', 20_000, 'RUNNING')
      const store = await app1.store<string, number>('counts', { type: 'versioned' })
      await waitFor(async () => (await store.get('A'))?.value === 3 && (await store.get('C'))?.value === 1, 20_000, 'all records counted')
      expect(await answers(app1)).toEqual(expected)
    } finally {
      await app1.close()
      await first.remove()
    }

    // the changelog holds each version of the count, at its version timestamp
    const changelog = `${applicationId}-counts-changelog`
    const logged: [string, number, number][] = []
    const consumer = cluster.kafka.consumer({ groupId: uniqueName('verify'), maxWaitTimeInMs: 100 })
    await consumer.connect()
    await consumer.subscribe({ topics: [changelog], fromBeginning: true })
    await new Promise<void>((resolve, reject) => {
      consumer.run({
        eachMessage: async ({ message }) => {
          logged.push([message.key!.toString(), Number(message.value!.readBigInt64BE(0)), Number(message.timestamp) - T])
          if (logged.length === 5) resolve()
        },
      }).catch(reject)
    })
    await consumer.disconnect()
    expect(logged.sort((x, y) => x[0].localeCompare(y[0]) || x[1] - y[1])).toEqual([['A', 1, 10], ['A', 2, 20], ['A', 3, 20], ['B', 1, 5], ['C', 1, 40]])

    const second = await tempDir('kstreams-versioned-agg-2')
    const app2 = new KafkaStreams(build(), { ...testClient(), applicationId, brokers: cluster.brokers, stateDir: second.dir, commitIntervalMs: 100 })
    try {
      await app2.start()
      await waitFor(() => app2.state === 'RUNNING', 30_000, 'RUNNING after restore')
      expect(await answers(app2)).toEqual(expected)
    } finally {
      await app2.close()
      await second.remove()
    }
  }, 90_000)
})
