import { Partitioners } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodePartitionTime } from '../../lib/commit/partition-time-metadata.js'
import { KafkaStreams } from '../../lib/kafka-streams.js'
import { StreamsBuilder } from '../../topology/dsl/streams-builder.js'
import { Consumed } from '../../topology/options/consumed.js'
import { Produced } from '../../topology/options/produced.js'
import { Serdes } from '../../topology/serdes/serdes.js'
import { TimeWindows } from '../../topology/windows/time-windows.js'
import { consumeUntil, createTopics, startCluster, tempDir, uniqueName, waitFor, type ConsumedRecord, type TestCluster } from './helpers.js'
import { testClient } from './test-client.js'

const S = Serdes.String()
const late = (app: KafkaStreams) => app.metrics().filter(m => m.name === 'late_records_total').reduce((s, m) => s + m.value, 0)
const values = (rs: ConsumedRecord[]) => rs.map(r => r.value!.toString())

describe('stream time survives a restart (partition time in the committed offset metadata)', () => {
  let cluster: TestCluster
  beforeAll(async () => {
    cluster = await startCluster()
  })
  afterAll(async () => {
    await cluster.stop()
  })

  for (const guarantee of ['at_least_once', 'exactly_once_v2'] as const) {
    it(`${guarantee}: a record older than a window closed before the restart is dropped as late`, async () => {
      const input = uniqueName('st-in')
      const output = uniqueName('st-out')
      const applicationId = uniqueName('st-app')
      await createTopics(cluster.kafka, [input, output].map(topic => ({ topic, numPartitions: 1 })))
      const producer = cluster.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner })
      await producer.connect()
      const send = (key: string, timestamp: number) => producer.send({ topic: input, messages: [{ key, value: 'x', timestamp: String(timestamp) }] })

      const topology = () => {
        const b = new StreamsBuilder()
        b.stream(input, Consumed.with(S, S))
          .groupByKey()
          .windowedBy(TimeWindows.ofSizeWithNoGrace(10_000))
          .count()
          .toStream()
          .map((k, v) => ({ key: k.key, value: `${k.key}@${k.window.start}=${v}` }))
          .to(output, Produced.with(S, S))
        return b.build()
      }
      const config = (stateDir: string) => ({ ...testClient(), applicationId, brokers: cluster.brokers, stateDir, commitIntervalMs: 100, cacheMaxBytes: 0, processingGuarantee: guarantee })
      const admin = cluster.kafka.admin()
      await admin.connect()
      const first = await tempDir('kstreams-st-1')
      const second = await tempDir('kstreams-st-2')
      const app1 = new KafkaStreams(topology(), config(first.dir))
      let app2: KafkaStreams | null = null
      try {
        await app1.start()
        await send('a', 1_000)
        await send('a', 25_000)
        await consumeUntil(cluster.kafka, output, rs => rs.length >= 2)
        // the committed offset carries the partition's time
        await waitFor(async () => {
          const [t] = await admin.fetchOffsets({ groupId: applicationId, topics: [input] })
          return t.partitions[0].offset === '2'
        }, 20_000, 'offset 2 committed')
        const [committed] = await admin.fetchOffsets({ groupId: applicationId, topics: [input] })
        expect(decodePartitionTime(committed.partitions[0].metadata)).toBe(25_000)
        await app1.close()

        // a new instance, no local state: stores restore from the changelog, stream time from the offsets
        app2 = new KafkaStreams(topology(), config(second.dir))
        await app2.start()
        await waitFor(() => app2!.state === 'RUNNING', 20_000, 'RUNNING')
        await send('a', 5_000) // window [0, 10000) closed at stream time 25000 with grace 0
        await send('b', 26_000) // processed after it: its output shows the late record was handled
        const out = await consumeUntil(cluster.kafka, output, rs => values(rs).includes('b@20000=1'))
        expect(values(out)).toEqual(['a@0=1', 'a@20000=1', 'b@20000=1'])
        expect(late(app2)).toBe(1)
      } finally {
        await app2?.close()
        await app1.close()
        await producer.disconnect()
        await admin.disconnect()
        await first.remove()
        await second.remove()
      }
    }, 60_000)
  }
})
