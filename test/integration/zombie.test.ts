import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KafkaStreams } from '../../lib/kafka-streams.js'
import { startChildApp } from './fixtures/child-app.js'
import { analyseCounts, expectedCounts, wordCountTopology } from './fixtures/word-count-topology.js'
import { consumeUntil, createTopics, produce, startCluster, tempDir, uniqueName, waitFor, type TestCluster } from './helpers.js'
import { testClient } from './test-client.js'

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))

describe('zombie fencing', () => {
  let cluster: TestCluster
  beforeAll(async () => {
    cluster = await startCluster()
  })
  afterAll(async () => {
    await cluster.stop()
  })

  it('an instance frozen past its session timeout cannot make its later writes visible', async () => {
    const input = uniqueName('zombie-in')
    const output = uniqueName('zombie-out')
    const applicationId = uniqueName('zombie')
    await createTopics(cluster.kafka, [{ topic: input, numPartitions: 2 }, { topic: output, numPartitions: 2 }])
    const vocabulary = Array.from({ length: 30 }, (_, i) => `z${i}`)
    const lines = Array.from({ length: 3000 }, (_, i) => Array.from({ length: 4 }, (_, j) => vocabulary[(i * 5 + j * 7) % 30]).join(' '))
    const zombieDir = await tempDir('kstreams-zombie-a')
    const healthyDir = await tempDir('kstreams-zombie-b')
    const sessionTimeoutMs = 6000
    const child = startChildApp({
      brokers: cluster.brokers, applicationId, input, output, stateDir: zombieDir.dir, guarantee: 'exactly_once_v2', sessionTimeoutMs,
    })
    let healthy: KafkaStreams | null = null
    try {
      await child.waitForState('RUNNING', 45_000)
      await produce(cluster.kafka, input, lines.slice(0, 1000).map((l, i) => ({ key: String(i), value: l })))
      await sleep(500)
      // Freeze it with records in flight: it holds open transactions and queued input.
      await produce(cluster.kafka, input, lines.slice(1000, 1500).map((l, i) => ({ key: String(1000 + i), value: l })))
      child.kill('SIGSTOP')

      healthy = new KafkaStreams(wordCountTopology(input, output), { ...testClient(),
        applicationId, brokers: cluster.brokers, stateDir: healthyDir.dir, processingGuarantee: 'exactly_once_v2',
        commitIntervalMs: 100, sessionTimeoutMs, heartbeatIntervalMs: 500, ...testClient(),
      })
      await healthy.start()
      const h = healthy
      // The frozen member is expelled after its session timeout; the healthy one then owns every task.
      await waitFor(() => h.state === 'RUNNING' && h.metrics().filter(m => m.name === 'records_processed_total').length === 4, 40_000, 'takeover')
      await produce(cluster.kafka, input, lines.slice(1500, 2500).map((l, i) => ({ key: String(1500 + i), value: l })))

      // Wake the zombie: it resumes mid-work and tries to commit what it processed while frozen.
      child.kill('SIGCONT')
      await sleep(2000)
      await produce(cluster.kafka, input, lines.slice(2500).map((l, i) => ({ key: String(2500 + i), value: l })))

      const expected = expectedCounts(lines)
      const records = await consumeUntil(cluster.kafka, output, rs => {
        const { last } = analyseCounts(rs)
        return [...expected].every(([w, n]) => (last.get(w) ?? 0) >= n)
      }, { timeoutMs: 60_000 })
      await sleep(1000)
      const { last, violations } = analyseCounts(records)
      expect(violations).toEqual([])
      expect(last).toEqual(expected)
    } finally {
      child.kill('SIGKILL')
      await child.exited
      await healthy?.close()
      await zombieDir.remove()
      await healthyDir.remove()
    }
  }, 180_000)
})
