import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KafkaStreams } from '../../lib/kafka-streams.js'
import { startChildApp } from './fixtures/child-app.js'
import { analyseCounts, expectedCounts, wordCountTopology } from './fixtures/word-count-topology.js'
import { testClient } from './test-client.js'
import { consumeUntil, createTopics, produce, startCluster, tempDir, uniqueName, waitFor, type TestCluster } from './helpers.js'

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))

describe('exactly_once_v2 survives kill -9 mid-transaction', () => {
  let cluster: TestCluster
  beforeAll(async () => {
    cluster = await startCluster()
  })
  afterAll(async () => {
    await cluster.stop()
  })

  it('emits every word count exactly once and rebuilds the store after repeated crashes', async () => {
    const input = uniqueName('crash-in')
    const output = uniqueName('crash-out')
    const applicationId = uniqueName('crash')
    await createTopics(cluster.kafka, [{ topic: input, numPartitions: 3 }, { topic: output, numPartitions: 3 }])
    const vocabulary = Array.from({ length: 60 }, (_, i) => `w${i}`)
    const lines = Array.from({ length: 6000 }, (_, i) => Array.from({ length: 5 }, (_, j) => vocabulary[(i * 7 + j * 13 + i * j) % 60]).join(' '))
    const state = await tempDir('kstreams-crash')
    const config = { brokers: cluster.brokers, applicationId, input, output, stateDir: state.dir, guarantee: 'exactly_once_v2', sessionTimeoutMs: 6000 }
    try {
      // Input keeps arriving while instances are killed.
      const feeding = (async () => {
        for (let i = 0; i < lines.length; i += 500) {
          await produce(cluster.kafka, input, lines.slice(i, i + 500).map((l, j) => ({ key: String(i + j), value: l })))
          await sleep(150)
        }
      })()
      for (let round = 0; round < 3; round++) {
        const child = startChildApp(config)
        await child.waitForState('RUNNING', 45_000)
        await sleep(300 + round * 200)
        child.kill('SIGKILL')
        await child.exited
      }
      await feeding

      // A final instance on the same state directory: dirty state is wiped and restored.
      const app = new KafkaStreams(wordCountTopology(input, output), { ...testClient(),
        applicationId, brokers: cluster.brokers, stateDir: state.dir, processingGuarantee: 'exactly_once_v2', commitIntervalMs: 100,
        sessionTimeoutMs: 6000, heartbeatIntervalMs: 1000, ...testClient(),
      })
      try {
        await app.start()
        const expected = expectedCounts(lines)
        const records = await consumeUntil(cluster.kafka, output, rs => {
          const { last } = analyseCounts(rs)
          return [...expected].every(([w, n]) => (last.get(w) ?? 0) >= n)
        }, { timeoutMs: 60_000 })
        const { last, violations } = analyseCounts(records)
        expect(violations).toEqual([])
        expect(last).toEqual(expected)
        await waitFor(() => app.state === 'RUNNING', 20_000, 'RUNNING')
        const store = await app.store<string, number>('counts')
        const inStore = new Map<string, number>()
        for await (const kv of store.all()) inStore.set(kv.key, kv.value)
        expect(inStore).toEqual(expected)
      } finally {
        await app.close()
      }
    } finally {
      await state.remove()
    }
  }, 180_000)
})
