import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KafkaStreams } from '../../lib/kafka-streams.js'
import type { ProductionErrorContext, StreamsConfig } from '../../lib/config/types.js'
import { StreamsBuilder } from '../../topology/dsl/streams-builder.js'
import { Consumed } from '../../topology/options/consumed.js'
import { Produced } from '../../topology/options/produced.js'
import { Serdes } from '../../topology/serdes/serdes.js'
import { SerializationError } from '../../topology/serdes/serde-errors.js'
import { consumeUntil, createTopics, produce, startCluster, tempDir, uniqueName, type TestCluster } from './helpers.js'
import { testClient } from './test-client.js'

/** Values pass through, except `bad`, which becomes a number the String serde cannot write. */
function unserializable(input: string, output: string) {
  const b = new StreamsBuilder()
  b.stream(input, Consumed.with(Serdes.String(), Serdes.String()))
    .mapValues(v => (v === 'bad' ? (42 as unknown as string) : v))
    .to(output, Produced.with(Serdes.String(), Serdes.String()))
  return b.build()
}

describe('a sink serialization error goes to the production exception handler', () => {
  let cluster: TestCluster
  beforeAll(async () => {
    cluster = await startCluster()
  })
  afterAll(async () => {
    await cluster.stop()
  })

  async function run(config: Partial<StreamsConfig>, topics: { input: string; output: string; extra?: string[] }, check: () => Promise<void>, app?: (a: KafkaStreams) => void) {
    await createTopics(cluster.kafka, [topics.input, topics.output, ...(topics.extra ?? [])].map(topic => ({ topic, numPartitions: 1 })))
    const state = await tempDir('kstreams-ser')
    const streams = new KafkaStreams(unserializable(topics.input, topics.output), { ...testClient(),
      applicationId: uniqueName('ser-app'), brokers: cluster.brokers, stateDir: state.dir, commitIntervalMs: 100, ...config,
    })
    app?.(streams)
    try {
      await streams.start()
      await produce(cluster.kafka, topics.input, [
        { key: 'a', value: 'one' },
        { key: 'b', value: 'bad' },
        { key: 'c', value: 'three' },
      ])
      await check()
      expect(streams.state).toBe('RUNNING')
    } finally {
      await streams.close()
      await state.remove()
    }
  }

  it('at_least_once: a handler function sees the SerializationError and drops the record', async () => {
    const input = uniqueName('ser-in')
    const output = uniqueName('ser-out')
    const seen: ProductionErrorContext[] = []
    await run(
      { productionExceptionHandler: ctx => (seen.push(ctx), 'CONTINUE') },
      { input, output },
      async () => {
        const out = await consumeUntil(cluster.kafka, output, rs => rs.length >= 2)
        expect(out.map(r => r.value!.toString())).toEqual(['one', 'three'])
        expect(seen).toHaveLength(1)
        expect(seen[0]!.error).toBeInstanceOf(SerializationError)
        expect(seen[0]!.topic).toBe(output)
        expect(seen[0]!.key!.toString()).toBe('b')
      },
    )
  })

  it('exactly_once_v2: { deadLetterTopic } writes the source record there, in the task transaction', async () => {
    const input = uniqueName('ser-eos-in')
    const output = uniqueName('ser-eos-out')
    const dlq = uniqueName('ser-dlq')
    await run(
      { processingGuarantee: 'exactly_once_v2', productionExceptionHandler: { deadLetterTopic: dlq } },
      { input, output, extra: [dlq] },
      async () => {
        const out = await consumeUntil(cluster.kafka, output, rs => rs.length >= 2)
        expect(out.map(r => r.value!.toString())).toEqual(['one', 'three'])
        const dead = await consumeUntil(cluster.kafka, dlq, rs => rs.length >= 1)
        expect(dead).toHaveLength(1)
        expect(dead[0]!.key!.toString()).toBe('b')
        expect(dead[0]!.value!.toString()).toBe('bad') // the source record's bytes, as read
      },
    )
  })
})
