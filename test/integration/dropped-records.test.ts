import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KafkaStreams } from '../../lib/kafka-streams.js'
import { StreamsBuilder } from '../../topology/dsl/streams-builder.js'
import { KeyValue } from '../../stores/key-value.js'
import { Consumed } from '../../topology/options/consumed.js'
import { Grouped } from '../../topology/options/grouped.js'
import { Produced } from '../../topology/options/produced.js'
import { Serdes } from '../../topology/serdes/serdes.js'
import { consumeUntil, createTopics, produce, startCluster, tempDir, uniqueName, waitFor, type TestCluster } from './helpers.js'
import { testClient } from './test-client.js'

const S = Serdes.String()
const dropped = (app: KafkaStreams) =>
  app.metrics().filter((m) => m.name === 'dropped_records_total').reduce((sum, m) => sum + m.value, 0)

// Records a processor skips (a KTable groupBy selection of null, as Kafka Streams' dropped-records
// sensor counts them) reach the runtime's dropped_records_total, not only the test driver's count.
describe('dropped records of a running application', () => {
  let cluster: TestCluster
  beforeAll(async () => {
    cluster = await startCluster()
  })
  afterAll(async () => {
    await cluster.stop()
  })

  it('counts a row whose KTable groupBy selection is null', async () => {
    const input = uniqueName('drop-in')
    const output = uniqueName('drop-out')
    await createTopics(cluster.kafka, [
      { topic: input, numPartitions: 1 },
      { topic: output, numPartitions: 1 },
    ])
    const b = new StreamsBuilder()
    b.table(input, Consumed.with(S, S))
      .groupBy((key: string, value: string) => (key === 'skip' ? (null as unknown as KeyValue<string, string>) : KeyValue.pair(value, value)), Grouped.with(S, S))
      .count()
      .toStream()
      .mapValues((n) => String(n))
      .to(output, Produced.with(S, S))
    const state = await tempDir('kstreams-drop')
    const app = new KafkaStreams(b.build(), { ...testClient(), applicationId: uniqueName('drop'), brokers: cluster.brokers, stateDir: state.dir, commitIntervalMs: 100 })
    try {
      await app.start()
      await produce(cluster.kafka, input, [
        { key: 'a', value: 'x' },
        { key: 'skip', value: 'y' },
        { key: 'b', value: 'x' },
      ])
      const out = await consumeUntil(cluster.kafka, output, (rs) => rs.some((r) => r.value?.toString() === '2'))
      expect(out.map((r) => `${r.key}=${r.value}`).at(-1)).toBe('x=2')
      await waitFor(() => dropped(app) >= 1, 10_000, 'the skipped row counted')
      expect(dropped(app)).toBe(1)
    } finally {
      await app.close()
      await state.remove()
    }
  })
})
