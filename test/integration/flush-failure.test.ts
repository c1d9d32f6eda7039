import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KafkaStreams } from '../../lib/kafka-streams.js'
import { StreamsBuilder } from '../../topology/dsl/streams-builder.js'
import { Consumed } from '../../topology/options/consumed.js'
import { Produced } from '../../topology/options/produced.js'
import { Serdes } from '../../topology/serdes/serdes.js'
import { consumeUntil, createTopics, produce, startCluster, tempDir, uniqueName, waitFor, type TestCluster } from './helpers.js'
import { testClient } from './test-client.js'

// at_least_once: when a task's output cannot be sent (the broker refuses every produce attempt
// kafkajs makes), the records it processed since its last commit are not written. Their input
// offsets must not be committed: the task starts again from its last commit, so every input
// record still reaches the output (duplicates allowed, nothing lost).

const NOT_LEADER_OR_FOLLOWER = 6
let cluster: TestCluster

beforeAll(async () => {
  cluster = await startCluster()
})
afterAll(async () => {
  await cluster?.stop()
})

describe('a task whose output cannot be sent', () => {
  it.skipIf(!!process.env.KAFKA_BROKERS)('starts again from its last commit instead of committing past the lost records', async () => {
    const input = uniqueName('flush-in')
    const output = uniqueName('flush-out')
    await createTopics(cluster.kafka, [{ topic: input, numPartitions: 1 }, { topic: output, numPartitions: 1 }])
    const values = Array.from({ length: 50 }, (_, i) => `v${i}`)
    await produce(cluster.kafka, input, values.map(v => ({ key: v, value: v })))

    // Processing waits at this gate until the broker is set to refuse the output.
    let open!: () => void
    const gate = new Promise<void>(r => (open = r))
    const builder = new StreamsBuilder()
    builder
      .stream(input, Consumed.with(Serdes.String(), Serdes.String()))
      .mapValuesAsync(async v => {
        await gate
        return v
      })
      .to(output, Produced.with(Serdes.String(), Serdes.String()))
    const state = await tempDir('flush-failure')
    const app = new KafkaStreams(builder.build(), { ...testClient(),
      applicationId: uniqueName('flush-app'),
      brokers: cluster.brokers,
      stateDir: state.dir,
      commitIntervalMs: 100,
      kafka: { retry: { retries: 1, initialRetryTime: 50, maxRetryTime: 100 } },
    })
    app.on('error', () => {})
    try {
      await app.start()
      await waitFor(() => app.state === 'RUNNING', 20_000, 'RUNNING')
      // More refusals than kafkajs's attempts: the first sends fail for good.
      cluster.embedded!.faults.failNext('Produce', 4, NOT_LEADER_OR_FOLLOWER)
      open()
      const seen = await consumeUntil(cluster.kafka, output, got => values.every(v => got.some(r => r.value?.toString() === v)), { timeoutMs: 30_000 })
      const got = new Set(seen.map(r => r.value?.toString()))
      expect(values.filter(v => !got.has(v))).toEqual([])
      expect(app.state).toBe('RUNNING')
    } finally {
      await app.close()
      await state.remove()
    }
  })
})
