import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KafkaStreams } from '../../lib/kafka-streams.js'
import { StringSerde } from '../../topology/serdes/primitive-serdes.js'
import { expectedCounts, wordCountTopology } from './fixtures/word-count-topology.js'
import { createTopics, produce, startCluster, tempDir, uniqueName, waitFor, type TestCluster } from './helpers.js'
import { testClient } from './test-client.js'

async function storeContents(app: KafkaStreams, includeStandby: boolean): Promise<Map<string, number>> {
  const m = new Map<string, number>()
  for await (const kv of (await app.store<string, number>('counts', { includeStandby })).all()) m.set(kv.key, kv.value)
  return m
}

const sum = (app: KafkaStreams, name: string) => app.metrics().filter(m => m.name === name).reduce((s, m) => s + m.value, 0)

describe('standby replicas', () => {
  let cluster: TestCluster
  beforeAll(async () => {
    cluster = await startCluster()
  })
  afterAll(async () => {
    await cluster.stop()
  })

  it('keep a copy of the other instance\'s state, answer queries about it, and make fail-over cheap', async () => {
    const input = uniqueName('standby-in')
    const output = uniqueName('standby-out')
    const applicationId = uniqueName('standby')
    await createTopics(cluster.kafka, [{ topic: input, numPartitions: 2 }, { topic: output, numPartitions: 2 }])
    const dirs = await Promise.all([0, 1].map(i => tempDir(`kstreams-standby-${i}`)))
    const make = (i: number) =>
      new KafkaStreams(wordCountTopology(input, output), { ...testClient(),
        applicationId, brokers: cluster.brokers, stateDir: dirs[i]!.dir, processingGuarantee: 'at_least_once', commitIntervalMs: 200,
        numStandbyReplicas: 1, applicationServer: `host${i}:80${i}0`, sessionTimeoutMs: 10_000, heartbeatIntervalMs: 500,
      })
    const a = make(0)
    const b = make(1)
    const words = Array.from({ length: 50 }, (_, i) => `k${i}`)
    const lines = Array.from({ length: 500 }, (_, i) => `${words[i % 50]} ${words[(i * 7) % 50]}`)
    const expected = expectedCounts(lines)
    try {
      await a.start()
      await b.start()
      await waitFor(() => a.state === 'RUNNING' && b.state === 'RUNNING' && (a.metrics().some(m => m.name === 'records_processed_total') && b.metrics().some(m => m.name === 'records_processed_total')), 30_000, 'both instances running tasks')
      await produce(cluster.kafka, input, lines.map((l, i) => ({ key: String(i), value: l })))
      // Each instance holds half the keys actively, and all of them with its standby.
      await waitFor(async () => {
        const m = await storeContents(b, true)
        return [...expected].every(([w, n]) => m.get(w) === n)
      }, 30_000, 'the standby to catch up')
      const activeOnly = await storeContents(b, false)
      expect(activeOnly.size).toBeGreaterThan(0)
      expect(activeOnly.size).toBeLessThan(expected.size)

      // The host map tells where each key lives.
      const meta = b.queryMetadataForKey('counts', 'k1', new StringSerde())
      expect(['host0', 'host1']).toContain(meta.activeHost?.host)
      expect(meta.standbyHosts.map(h => h.host)).toEqual([meta.activeHost?.host === 'host0' ? 'host1' : 'host0'])

      const restoredBefore = sum(b, 'restore_records_restored')
      await a.close()
      await waitFor(async () => b.state === 'RUNNING' && (await storeContents(b, false)).size === expected.size, 30_000, 'fail-over to b')
      expect(await storeContents(b, false)).toEqual(expected)
      // The standby had it all: taking over restores (almost) nothing from the changelog.
      expect(sum(b, 'restore_records_restored') - restoredBefore).toBeLessThan(expected.size / 2)
    } finally {
      await a.close()
      await b.close()
      for (const d of dirs) await d.remove()
    }
  }, 120_000)
})
