import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KafkaStreams } from '../../lib/kafka-streams.js'
import { StreamsBuilder } from '../../topology/dsl/streams-builder.js'
import { Consumed } from '../../topology/options/consumed.js'
import { Produced } from '../../topology/options/produced.js'
import { Repartitioned } from '../../topology/options/repartitioned.js'
import { Serdes } from '../../topology/serdes/serdes.js'
import { consumeUntil, createTopics, produce, startCluster, tempDir, uniqueName, type TestCluster } from './helpers.js'
import { testClient } from './test-client.js'

const S = Serdes.String()

// KIP-837 against the embedded broker: the repartition topic gets the record once per chosen partition.
describe('Repartitioned.withStreamPartitioner multicast end to end', () => {
  let cluster: TestCluster
  beforeAll(async () => {
    cluster = await startCluster()
  })
  afterAll(async () => {
    await cluster.stop()
  })

  it('writes a record to every partition of the set and none for an empty set', async () => {
    const input = uniqueName('mc-in')
    const output = uniqueName('mc-out')
    await createTopics(cluster.kafka, [
      { topic: input, numPartitions: 1 },
      { topic: output, numPartitions: 1 },
    ])
    const b = new StreamsBuilder()
    b.stream(input, Consumed.with(S, S))
      .repartition(
        Repartitioned.with(S, S)
          .withName('mc')
          .withNumberOfPartitions(3)
          .withStreamPartitioner((_topic: string, key: string, _v: string | null, n: number) =>
            key === 'all' ? new Set(Array.from({ length: n }, (_, i) => i)) : key === 'none' ? new Set<number>() : 1,
          ),
      )
      .to(output, Produced.with(S, S))
    const state = await tempDir('kstreams-mc')
    const applicationId = uniqueName('mc')
    const app = new KafkaStreams(b.build(), { ...testClient(), applicationId, brokers: cluster.brokers, stateDir: state.dir, commitIntervalMs: 100 })
    try {
      await app.start()
      await produce(cluster.kafka, input, [
        { key: 'none', value: 'n' },
        { key: 'all', value: 'a' },
        { key: 'one', value: 'o' },
      ])
      const done = (rs: { key: Buffer | null }[]) => rs.filter((r) => r.key?.toString() === 'all').length === 3 && rs.some((r) => r.key?.toString() === 'one')
      const repartition = await consumeUntil(cluster.kafka, `${applicationId}-mc-repartition`, done)
      expect(repartition.map((r) => `${r.key}@${r.partition}`).sort()).toEqual(['all@0', 'all@1', 'all@2', 'one@1'])
      const out = await consumeUntil(cluster.kafka, output, done)
      expect(out.map((r) => `${r.key}=${r.value}`).sort()).toEqual(['all=a', 'all=a', 'all=a', 'one=o'])
    } finally {
      await app.close()
      await state.remove()
    }
  })
})
