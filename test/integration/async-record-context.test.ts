import { Partitioners } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KafkaStreams } from '../../lib/kafka-streams.js'
import { Stores } from '../../stores/index.js'
import { StreamsBuilder } from '../../topology/dsl/streams-builder.js'
import { Consumed } from '../../topology/options/consumed.js'
import { Materialized } from '../../topology/options/materialized.js'
import { Produced } from '../../topology/options/produced.js'
import type { ProcessorContext } from '../../topology/processor/processor.js'
import { Serdes } from '../../topology/serdes/serdes.js'
import { consumeUntil, createTopics, startCluster, tempDir, uniqueName, type TestCluster } from './helpers.js'
import { testClient } from './test-client.js'

const S = Serdes.String()

// A cached KTable flushes several keys at one commit, into an async processor that awaits before
// reading its record context: each flushed record must carry the origin of its own last write.
describe('record context through the runtime', () => {
  let cluster: TestCluster
  beforeAll(async () => {
    cluster = await startCluster()
  })
  afterAll(async () => {
    await cluster.stop()
  })

  it('an async processor behind a cached table sees the offset, timestamp and headers of the write each flushed record stands for', async () => {
    const input = uniqueName('table-in')
    const output = uniqueName('ctx-out')
    await createTopics(cluster.kafka, [{ topic: input, numPartitions: 1 }, { topic: output, numPartitions: 1 }])
    const builder = new StreamsBuilder()
    builder
      .table(input, Consumed.with(S, S), Materialized.as<string, string>(Stores.persistentKeyValueStore('latest')).withKeySerde(S).withValueSerde(S))
      .toStream()
      .process(() => {
        let ctx!: ProcessorContext<string, string>
        return {
          init: (c: ProcessorContext<string, string>) => void (ctx = c),
          async process(r) {
            await new Promise((resolve) => setTimeout(resolve, 1))
            const rc = ctx.recordContext()
            ctx.forward({ ...r, value: `${r.value} @${rc.offset} t=${rc.timestamp} h=${String(rc.headers.id)}` })
          },
        }
      })
      .to(output, Produced.with(S, S))
    // produce before starting, so the first poll takes every record and one commit flushes them all
    const producer = cluster.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner })
    await producer.connect()
    const rows: [string, string, number][] = [['x', 'x0', 1000], ['y', 'y1', 2000], ['x', 'x2', 3000], ['z', 'z3', 4000]]
    await producer.send({ topic: input, messages: rows.map(([key, value, ts]) => ({ key, value, timestamp: String(ts), headers: { id: value } })) })
    await producer.disconnect()
    const state = await tempDir('kstreams-ctx')
    const app = new KafkaStreams(builder.build(), { ...testClient(), applicationId: uniqueName('ctx'), brokers: cluster.brokers, stateDir: state.dir, commitIntervalMs: 500 })
    try {
      await app.start()
      const records = await consumeUntil(cluster.kafka, output, (rs) => rs.length >= 3)
      const values = new Map(records.map((r) => [r.key!.toString(), r.value!.toString()]))
      expect(values).toEqual(
        new Map([
          ['x', 'x2 @2 t=3000 h=x2'],
          ['y', 'y1 @1 t=2000 h=y1'],
          ['z', 'z3 @3 t=4000 h=z3'],
        ]),
      )
    } finally {
      await app.close()
      await state.remove()
    }
  })
})
