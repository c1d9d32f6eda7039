import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KafkaStreams } from '../../lib/kafka-streams.js'
import { StreamsBuilder } from '../../topology/dsl/streams-builder.js'
import { Consumed } from '../../topology/options/consumed.js'
import { Produced } from '../../topology/options/produced.js'
import { Serdes } from '../../topology/serdes/serdes.js'
import { consumeUntil, createTopics, produce, startCluster, tempDir, uniqueName, waitFor, type TestCluster } from './helpers.js'
import { testClient } from './test-client.js'

// A commit interval far beyond the test's timeout: output may only appear because a task sends
// its buffered records as soon as its input runs dry.
describe.each(['at_least_once', 'exactly_once_v2'] as const)('output is sent when input runs dry (%s)', guarantee => {
  let cluster: TestCluster
  beforeAll(async () => {
    cluster = await startCluster()
  })
  afterAll(async () => {
    await cluster.stop()
  })

  it('does not wait for the commit interval or a full batch', async () => {
    const input = uniqueName('lat-in')
    const output = uniqueName('lat-out')
    await createTopics(cluster.kafka, [input, output].map(topic => ({ topic, numPartitions: 1 })))
    const b = new StreamsBuilder()
    b.stream(input, Consumed.with(Serdes.String(), Serdes.String()))
      .mapValues(v => (v ?? '').toUpperCase())
      .to(output, Produced.with(Serdes.String(), Serdes.String()))
    const state = await tempDir('kstreams-send-latency')
    const app = new KafkaStreams(b.build(), { ...testClient(),
      applicationId: uniqueName('lat-app'),
      brokers: cluster.brokers,
      stateDir: state.dir,
      processingGuarantee: guarantee,
      commitIntervalMs: 120_000,
    })
    try {
      await app.start()
      await waitFor(() => app.state === 'RUNNING', 20_000, 'RUNNING')
      await produce(cluster.kafka, input, [{ key: 'k', value: 'hello' }])
      // Under exactly-once the record sits in the open transaction: visible read_uncommitted.
      const out = await consumeUntil(cluster.kafka, output, rs => rs.length >= 1, { timeoutMs: 15_000, readUncommitted: true })
      expect(out.map(r => r.value!.toString())).toEqual(['HELLO'])
    } finally {
      await app.close()
      await state.remove()
    }
  })
})
