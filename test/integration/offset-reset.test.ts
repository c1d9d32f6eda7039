import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KafkaStreams } from '../../lib/kafka-streams.js'
import { StreamsBuilder } from '../../topology/dsl/streams-builder.js'
import { Consumed } from '../../topology/options/consumed.js'
import { Produced } from '../../topology/options/produced.js'
import { Serdes } from '../../topology/serdes/serdes.js'
import { consumeUntil, createTopics, produce, startCluster, tempDir, uniqueName, waitFor, type TestCluster } from './helpers.js'
import { testClient } from './test-client.js'

describe('offset reset without committed offsets', () => {
  let cluster: TestCluster
  beforeAll(async () => {
    cluster = await startCluster()
  })
  afterAll(async () => {
    await cluster.stop()
  })

  it("follows the source's Consumed.withOffsetResetPolicy over the config default", async () => {
    const early = uniqueName('reset-early')
    const late = uniqueName('reset-late')
    const output = uniqueName('reset-out')
    await createTopics(cluster.kafka, [early, late, output].map(topic => ({ topic, numPartitions: 1 })))
    await produce(cluster.kafka, early, [{ key: 'e', value: 'old-early' }])
    await produce(cluster.kafka, late, [{ key: 'l', value: 'old-late' }])
    const b = new StreamsBuilder()
    const produced = Produced.with(Serdes.String(), Serdes.String())
    b.stream(early, Consumed.with(Serdes.String(), Serdes.String())).to(output, produced)
    b.stream(late, Consumed.with(Serdes.String(), Serdes.String()).withOffsetResetPolicy('latest')).to(output, produced)
    const state = await tempDir('kstreams-offset-reset')
    const app = new KafkaStreams(b.build(), { ...testClient(), applicationId: uniqueName('reset-app'), brokers: cluster.brokers, stateDir: state.dir, commitIntervalMs: 100 })
    try {
      await app.start()
      await waitFor(() => app.state === 'RUNNING', 20_000, 'RUNNING')
      await consumeUntil(cluster.kafka, output, rs => rs.length >= 1)
      await new Promise(r => setTimeout(r, 500))
      await produce(cluster.kafka, late, [{ key: 'l', value: 'new-late' }])
      const out = await consumeUntil(cluster.kafka, output, rs => rs.length >= 2)
      expect(out.map(r => r.value!.toString()).sort()).toEqual(['new-late', 'old-early'])
    } finally {
      await app.close()
      await state.remove()
    }
  })
})
