import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KafkaStreams } from '../../lib/kafka-streams.js'
import { analyseCounts, expectedCounts, wordCountTopology } from './fixtures/word-count-topology.js'
import { consumeUntil, createTopics, produce, startCluster, tempDir, uniqueName, waitFor, type TestCluster } from './helpers.js'
import { testClient } from './test-client.js'

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))

describe('scale out and in while input flows', () => {
  let cluster: TestCluster
  beforeAll(async () => {
    cluster = await startCluster()
  })
  afterAll(async () => {
    await cluster.stop()
  })

  it('1 → 3 → 1 instances: tasks spread and come back, every count exactly once', async () => {
    const input = uniqueName('scale-in')
    const output = uniqueName('scale-out')
    const applicationId = uniqueName('scale')
    await createTopics(cluster.kafka, [{ topic: input, numPartitions: 6 }, { topic: output, numPartitions: 3 }])
    const dirs = await Promise.all([0, 1, 2].map(i => tempDir(`kstreams-scale-${i}`)))
    const make = (i: number) =>
      new KafkaStreams(wordCountTopology(input, output), { ...testClient(),
        applicationId, brokers: cluster.brokers, stateDir: dirs[i]!.dir, processingGuarantee: 'exactly_once_v2',
        commitIntervalMs: 100, sessionTimeoutMs: 10_000, heartbeatIntervalMs: 500, ...testClient(),
      })
    const vocabulary = Array.from({ length: 40 }, (_, i) => `s${i}`)
    const lines = Array.from({ length: 3000 }, (_, i) => Array.from({ length: 4 }, (_, j) => vocabulary[(i * 3 + j * 11) % 40]).join(' '))
    const apps = [make(0)]
    const taskCounts: number[][] = []
    try {
      await apps[0]!.start()
      let fed = 0
      const feeding = (async () => {
        for (; fed < lines.length; fed += 100) {
          await produce(cluster.kafka, input, lines.slice(fed, fed + 100).map((l, j) => ({ key: String(fed + j), value: l })))
          await sleep(40)
        }
      })()
      await waitFor(() => apps[0]!.state === 'RUNNING', 20_000, 'first instance RUNNING')
      await sleep(300)
      apps.push(make(1), make(2))
      await Promise.all(apps.slice(1).map(a => a.start()))
      await waitFor(() => apps.every(a => a.state === 'RUNNING') && activeTasks(apps).every(n => n > 0), 40_000, 'three instances sharing the tasks')
      taskCounts.push(activeTasks(apps))
      await sleep(500)
      await apps[1]!.close()
      await apps[2]!.close()
      await waitFor(() => apps[0]!.state === 'RUNNING' && activeTasks([apps[0]!])[0] === 12, 40_000, 'one instance owning all tasks again')
      taskCounts.push(activeTasks([apps[0]!]))
      await feeding

      const expected = expectedCounts(lines)
      const records = await consumeUntil(cluster.kafka, output, rs => {
        const { last } = analyseCounts(rs)
        return [...expected].every(([w, n]) => (last.get(w) ?? 0) >= n)
      }, { timeoutMs: 60_000 })
      const { last, violations } = analyseCounts(records)
      expect(violations).toEqual([])
      expect(last).toEqual(expected)
      // 6 input partitions → 6 tasks per sub-topology, 12 in all: spread 4/4/4, then back to one.
      expect(taskCounts[0]!.reduce((a, b) => a + b, 0)).toBe(12)
      expect(Math.max(...taskCounts[0]!) - Math.min(...taskCounts[0]!)).toBeLessThanOrEqual(1)
      expect(taskCounts[1]).toEqual([12])
    } finally {
      for (const a of apps) await a.close()
      for (const d of dirs) await d.remove()
    }
  }, 180_000)
})

function activeTasks(apps: KafkaStreams[]): number[] {
  return apps.map(a => {
    const m = a.metrics().filter(x => x.name === 'records_processed_total')
    return m.length
  })
}
