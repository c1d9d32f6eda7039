import { Partitioners } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KafkaStreams } from '../../lib/kafka-streams.js'
import { StreamsBuilder } from '../../topology/dsl/streams-builder.js'
import { Consumed } from '../../topology/options/consumed.js'
import { Produced } from '../../topology/options/produced.js'
import { Serdes } from '../../topology/serdes/serdes.js'
import { EmitStrategy } from '../../topology/windows/emit-strategy.js'
import { SessionWindows } from '../../topology/windows/session-windows.js'
import { consumeUntil, createTopics, startCluster, tempDir, uniqueName, waitFor, type ConsumedRecord, type TestCluster } from './helpers.js'
import { testClient } from './test-client.js'

const S = Serdes.String()
const values = (rs: ConsumedRecord[]) => rs.map(r => r.value!.toString())

describe('emit-on-window-close end to end (session windows, RocksDB, changelogs)', () => {
  let cluster: TestCluster
  beforeAll(async () => {
    cluster = await startCluster()
  })
  afterAll(async () => {
    await cluster.stop()
  })

  for (const guarantee of ['at_least_once', 'exactly_once_v2'] as const) {
    it(`${guarantee}: each closed session is emitted once, also across a restart on a new machine`, async () => {
      const input = uniqueName('ef-in')
      const output = uniqueName('ef-out')
      const applicationId = uniqueName('ef-app')
      await createTopics(cluster.kafka, [input, output].map(topic => ({ topic, numPartitions: 1 })))
      const producer = cluster.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner })
      await producer.connect()
      const send = (key: string, timestamp: number) => producer.send({ topic: input, messages: [{ key, value: 'x', timestamp: String(timestamp) }] })

      const topology = () => {
        const b = new StreamsBuilder()
        b.stream(input, Consumed.with(S, S))
          .groupByKey()
          .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(5_000))
          .emitStrategy(EmitStrategy.onWindowClose())
          .count()
          .toStream()
          .map((k, v) => ({ key: k.key, value: `${k.key}@${k.window.start}/${k.window.end}=${v}` }))
          .to(output, Produced.with(S, S))
        return b.build()
      }
      const config = (stateDir: string) => ({ ...testClient(), applicationId, brokers: cluster.brokers, stateDir, commitIntervalMs: 100, processingGuarantee: guarantee })
      const admin = cluster.kafka.admin()
      await admin.connect()
      const first = await tempDir('kstreams-ef-1')
      const second = await tempDir('kstreams-ef-2')
      const app1 = new KafkaStreams(topology(), config(first.dir))
      let app2: KafkaStreams | null = null
      try {
        await app1.start()
        await send('a', 1_000)
        await send('a', 3_000)
        await send('b', 2_000)
        await send('c', 10_000) // close time 5000: a@[1000,3000] and b@[2000,2000] are final
        await consumeUntil(cluster.kafka, output, rs => rs.length >= 2)
        await waitFor(async () => {
          const [t] = await admin.fetchOffsets({ groupId: applicationId, topics: [input] })
          return t.partitions[0].offset === '4'
        }, 20_000, 'offset 4 committed')
        await app1.close()

        // no local state: the session store and the last emitted close time restore from their changelogs
        app2 = new KafkaStreams(topology(), config(second.dir))
        await app2.start()
        await waitFor(() => app2!.state === 'RUNNING', 20_000, 'RUNNING')
        await send('d', 20_000) // close time 15000: c@[10000,10000] is final; a and b are not emitted again
        const out = await consumeUntil(cluster.kafka, output, rs => values(rs).some(v => v.startsWith('c@')))
        // closed sessions come by end, as from Kafka Streams' time-ordered session store
        expect(values(out)).toEqual(['b@2000/2000=1', 'a@1000/3000=2', 'c@10000/10000=1'])
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
