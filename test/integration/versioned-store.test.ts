// A versioned table on the embedded broker: its changelog carries Kafka Streams' versioned
// format (plain value, version timestamp as record timestamp, tombstones for deletes), and an
// instance that restores it from that changelog answers as-of queries exactly as before.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Partitioners } from 'kafkajs'
import { KafkaStreams } from '../../lib/kafka-streams.js'
import { Stores } from '../../stores/stores.js'
import { StreamsBuilder } from '../../topology/dsl/streams-builder.js'
import { Consumed } from '../../topology/options/consumed.js'
import { Materialized } from '../../topology/options/materialized.js'
import { Serdes } from '../../topology/serdes/serdes.js'
import { createTopics, startCluster, tempDir, uniqueName, waitFor, type TestCluster } from './helpers.js'
import { testClient } from './test-client.js'

const T = 1_700_000_000_000
const S = Serdes.String()

describe('versioned table restored from its changelog', () => {
  let cluster: TestCluster
  beforeAll(async () => {
    cluster = await startCluster()
  })
  afterAll(async () => {
    await cluster.stop()
  })

  it('answers get(key) and get(key, asOf) the same after a restart with an empty state directory', async () => {
    const input = uniqueName('versioned-in')
    const applicationId = uniqueName('versioned-app')
    await createTopics(cluster.kafka, [{ topic: input, numPartitions: 2 }])
    const producer = cluster.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner })
    await producer.connect()
    const records: [string, string | null, number][] = [
      ['A', 'a10', T + 10],
      ['A', 'a20', T + 20],
      ['A', 'a15', T + 15], // out of order: kept as history
      ['B', 'b5', T + 5],
      ['B', null, T + 30], // deleted at 30
      ['C', 'c40', T + 40],
    ]
    await producer.send({ topic: input, messages: records.map(([key, value, ts]) => ({ key, value, timestamp: String(ts) })) })
    await producer.disconnect()

    const build = () => {
      const b = new StreamsBuilder()
      b.table(input, Consumed.with(S, S), Materialized.as<string, string>(Stores.persistentVersionedKeyValueStore('prices', 60_000)))
      return b.build()
    }
    const queries: [string, number | undefined][] = [
      ['A', undefined], ['A', T + 12], ['A', T + 17], ['A', T + 25], ['A', T + 5],
      ['B', undefined], ['B', T + 10], ['B', T + 30], ['C', T + 40], ['C', T + 39],
    ]
    async function answers(app: KafkaStreams) {
      const store = await app.store<string, string>('prices', { type: 'versioned' })
      const out = []
      for (const [key, asOf] of queries) out.push(await store.get(key, asOf))
      return out
    }

    const first = await tempDir('kstreams-versioned-1')
    const app1 = new KafkaStreams(build(), { ...testClient(), applicationId, brokers: cluster.brokers, stateDir: first.dir, commitIntervalMs: 100 })
    let before: unknown[]
    try {
      await app1.start()
      await waitFor(() => app1.state === 'RUNNING', 20_000, 'RUNNING')
      const store = await app1.store<string, string>('prices', { type: 'versioned' })
      await waitFor(async () => (await store.get('C'))?.value === 'c40', 20_000, 'all records processed')
      before = await answers(app1)
      expect(before).toEqual([
        { value: 'a20', timestamp: T + 20 },
        { value: 'a10', timestamp: T + 10, validTo: T + 15 },
        { value: 'a15', timestamp: T + 15, validTo: T + 20 },
        { value: 'a20', timestamp: T + 20 },
        null,
        null,
        { value: 'b5', timestamp: T + 5, validTo: T + 30 },
        null,
        { value: 'c40', timestamp: T + 40 },
        null,
      ])
      await expect(app1.store('prices')).rejects.toThrow(`State store "prices" is a versioned store, not a keyValue store; query it with store('prices', { type: 'versioned' })`)
    } finally {
      await app1.close()
      await first.remove()
    }

    // the changelog holds each version as Kafka Streams writes it
    const changelog = `${applicationId}-prices-changelog`
    const logged: [string, string | null, number][] = []
    const consumer = cluster.kafka.consumer({ groupId: uniqueName('verify'), maxWaitTimeInMs: 100 })
    await consumer.connect()
    await consumer.subscribe({ topics: [changelog], fromBeginning: true })
    await new Promise<void>((resolve, reject) => {
      consumer.run({
        eachMessage: async ({ message }) => {
          logged.push([message.key!.toString(), message.value === null ? null : message.value.toString(), Number(message.timestamp)])
          if (logged.length === records.length) resolve()
        },
      }).catch(reject)
    })
    await consumer.disconnect()
    expect(logged.sort((x, y) => x[2] - y[2])).toEqual([...records].sort((x, y) => x[2] - y[2]))

    const second = await tempDir('kstreams-versioned-2')
    const app2 = new KafkaStreams(build(), { ...testClient(), applicationId, brokers: cluster.brokers, stateDir: second.dir, commitIntervalMs: 100 })
    try {
      await app2.start()
      await waitFor(() => app2.state === 'RUNNING', 30_000, 'RUNNING after restore')
      expect(await answers(app2)).toEqual(before)
    } finally {
      await app2.close()
      await second.remove()
    }
  }, 90_000)
})
