import { Partitioners } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KafkaStreams } from '../../lib/kafka-streams.js'
import { StreamsBuilder } from '../../topology/dsl/streams-builder.js'
import { Consumed } from '../../topology/options/consumed.js'
import { Grouped } from '../../topology/options/grouped.js'
import { Materialized } from '../../topology/options/materialized.js'
import { Produced } from '../../topology/options/produced.js'
import { Serdes } from '../../topology/serdes/serdes.js'
import { consumeUntil, createTopics, startCluster, tempDir, uniqueName, waitFor, type ConsumedRecord, type TestCluster } from './helpers.js'
import { testClient } from './test-client.js'

const S = Serdes.String()
interface Activity {
  clicks: number
  spent: number
}

/** The latest aggregate per user, as read back from the output topic. */
function latest(records: ConsumedRecord[]): Map<string, Activity> {
  const out = new Map<string, Activity>()
  for (const r of records) out.set(r.key!.toString(), JSON.parse(r.value!.toString()) as Activity)
  return out
}

describe('cogroup on the embedded broker (RocksDB store, changelog restore)', () => {
  let cluster: TestCluster
  beforeAll(async () => {
    cluster = await startCluster()
  })
  afterAll(async () => {
    await cluster.stop()
  })

  it('clicks keyed by user and purchases re-keyed to their user update one count/sum per user, and a restarted instance restores it', async () => {
    const clicks = uniqueName('cg-clicks')
    const purchases = uniqueName('cg-purchases')
    const output = uniqueName('cg-out')
    const applicationId = uniqueName('cg-app')
    await createTopics(cluster.kafka, [clicks, purchases, output].map((topic) => ({ topic, numPartitions: 2 })))
    const producer = cluster.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner })
    await producer.connect()
    const click = (user: string) => producer.send({ topic: clicks, messages: [{ key: user, value: 'click' }] })
    // purchases are keyed by order id; the value names the user and the amount
    const buy = (order: string, user: string, amount: number) => producer.send({ topic: purchases, messages: [{ key: order, value: `${user}:${amount}` }] })

    const topology = () => {
      const b = new StreamsBuilder()
      const byUser = b.stream(clicks, Consumed.with(S, S)).groupByKey(Grouped.with(S, S))
      const purchasesByUser = b.stream(purchases, Consumed.with(S, S)).groupBy((_order, v) => v!.split(':')[0]!, Grouped.with<string, string>(S, S).withName('purchases-by-user'))
      byUser
        .cogroup((_user, _click, agg: Activity) => ({ ...agg, clicks: agg.clicks + 1 }))
        .cogroup(purchasesByUser, (_user, v, agg) => ({ ...agg, spent: agg.spent + Number(v.split(':')[1]) }))
        .aggregate(() => ({ clicks: 0, spent: 0 }), Materialized.as<string, Activity>('activity').withValueSerde(Serdes.JSON<Activity>()))
        .toStream()
        .to(output, Produced.with(S, Serdes.JSON<Activity>()))
      return b.build()
    }
    const config = (stateDir: string) => ({ ...testClient(), applicationId, brokers: cluster.brokers, stateDir, commitIntervalMs: 100, cacheMaxBytes: 0 })
    const first = await tempDir('kstreams-cg-1')
    const second = await tempDir('kstreams-cg-2')
    const app1 = new KafkaStreams(topology(), config(first.dir))
    let app2: KafkaStreams | null = null
    try {
      await app1.start()
      await click('alice')
      await buy('o-1', 'alice', 30)
      await click('bob')
      await click('alice')
      await buy('o-2', 'bob', 5)
      let out = await consumeUntil(cluster.kafka, output, (rs) => rs.length >= 5)
      expect(Object.fromEntries(latest(out))).toEqual({ alice: { clicks: 2, spent: 30 }, bob: { clicks: 1, spent: 5 } })
      // the purchases went through <applicationId>-purchases-by-user-repartition
      const lister = cluster.kafka.admin()
      await lister.connect()
      const topics = await lister.listTopics()
      await lister.disconnect()
      expect(topics).toContain(`${applicationId}-purchases-by-user-repartition`)
      expect(topics).toContain(`${applicationId}-activity-changelog`)
      await waitFor(async () => {
        const admin = cluster.kafka.admin()
        await admin.connect()
        try {
          const offsets = await admin.fetchOffsets({ groupId: applicationId, topics: [clicks, purchases] })
          const committed = offsets.flatMap((t) => t.partitions).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0)
          return committed === 5
        } finally {
          await admin.disconnect()
        }
      }, 20_000, 'the five input records committed')
      await app1.close()

      // a new instance with an empty state directory: the store comes back from its changelog
      app2 = new KafkaStreams(topology(), config(second.dir))
      await app2.start()
      await waitFor(() => app2!.state === 'RUNNING', 20_000, 'RUNNING')
      await buy('o-3', 'alice', 12)
      await click('bob')
      out = await consumeUntil(cluster.kafka, output, (rs) => rs.length >= 7)
      expect(out).toHaveLength(7)
      expect(Object.fromEntries(latest(out))).toEqual({ alice: { clicks: 2, spent: 42 }, bob: { clicks: 2, spent: 5 } })
    } finally {
      await app2?.close()
      await app1.close()
      await producer.disconnect()
      await first.remove()
      await second.remove()
    }
  }, 90_000)
})
