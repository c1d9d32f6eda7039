import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KafkaStreams } from '../../lib/kafka-streams.js'
import { StreamsBuilder } from '../../topology/dsl/streams-builder.js'
import { Consumed } from '../../topology/options/consumed.js'
import { Produced } from '../../topology/options/produced.js'
import { Serdes } from '../../topology/serdes/serdes.js'
import { createTopics, startCluster, tempDir, uniqueName, type TestCluster } from './helpers.js'
import { testClient } from './test-client.js'

describe('close() while start() is still joining the group', () => {
  let cluster: TestCluster
  beforeAll(async () => {
    cluster = await startCluster()
  })
  afterAll(async () => {
    await cluster.stop()
  })

  it('waits for the start, then leaves the group and releases everything', async () => {
    const input = uniqueName('cds-in')
    const output = uniqueName('cds-out')
    await createTopics(cluster.kafka, [input, output].map(topic => ({ topic, numPartitions: 2 })))
    const b = new StreamsBuilder()
    b.stream(input, Consumed.with(Serdes.String(), Serdes.String())).to(output, Produced.with(Serdes.String(), Serdes.String()))
    const applicationId = uniqueName('cds-app')
    const state = await tempDir('kstreams-close-during-start')
    const app = new KafkaStreams(b.build(), { ...testClient(), applicationId, brokers: cluster.brokers, stateDir: state.dir })
    try {
      const started = app.start()
      // The stream thread exists once start() has set everything up and begins joining the group.
      const deadline = Date.now() + 20_000
      while ((app as unknown as { thread: unknown }).thread == null && Date.now() < deadline) await new Promise(r => setImmediate(r))
      await app.close()
      await started
      expect(app.state).toBe('NOT_RUNNING')
      const admin = cluster.kafka.admin()
      await admin.connect()
      try {
        // A consumer left open would join and stay a member until its session times out.
        await new Promise(r => setTimeout(r, 2000))
        const { groups } = await admin.describeGroups([applicationId])
        expect(groups[0]?.members ?? []).toEqual([])
      } finally {
        await admin.disconnect()
      }
    } finally {
      await app.close()
      await state.remove()
    }
  })
})
