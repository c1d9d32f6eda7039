import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KafkaStreams } from '../../lib/kafka-streams.js'
import type { StreamsState } from '../../lib/lifecycle/streams-state.js'
import { analyseCounts, expectedCounts, wordCountTopology } from './fixtures/word-count-topology.js'
import { consumeUntil, createTopics, produce, startCluster, tempDir, uniqueName, waitFor, type TestCluster } from './helpers.js'
import { testClient } from './test-client.js'

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))
const NOT_LEADER_OR_FOLLOWER = 6
const COORDINATOR_NOT_AVAILABLE = 15

// Faults are injected through the embedded broker, so this suite needs it (not KAFKA_BROKERS).
describe.runIf(!process.env.KAFKA_BROKERS)('broker faults', () => {
  let cluster: TestCluster
  beforeAll(async () => {
    cluster = await startCluster()
  })
  afterAll(async () => {
    await cluster.stop()
  })

  it('recovers from dropped connections, retriable errors and a broker restart without loss or duplicates', async () => {
    const input = uniqueName('faults-in')
    const output = uniqueName('faults-out')
    await createTopics(cluster.kafka, [{ topic: input, numPartitions: 2 }, { topic: output, numPartitions: 2 }])
    const vocabulary = Array.from({ length: 20 }, (_, i) => `f${i}`)
    const lines = Array.from({ length: 2000 }, (_, i) => Array.from({ length: 3 }, (_, j) => vocabulary[(i + j * 7) % 20]).join(' '))
    const state = await tempDir('kstreams-faults')
    const app = new KafkaStreams(wordCountTopology(input, output), { ...testClient(),
      applicationId: uniqueName('faults'), brokers: cluster.brokers, stateDir: state.dir, processingGuarantee: 'exactly_once_v2',
      commitIntervalMs: 100, sessionTimeoutMs: 10_000, heartbeatIntervalMs: 1000,
      kafka: { retry: { retries: 20, initialRetryTime: 100, maxRetryTime: 2000 } },
    })
    const states: StreamsState[] = []
    app.on('stateChange', n => states.push(n))
    const faults = () => cluster.embedded!.faults
    try {
      await app.start()
      const chunk = (i: number) => lines.slice(i * 400, (i + 1) * 400).map((l, j) => ({ key: String(i * 400 + j), value: l }))
      await produce(cluster.kafka, input, chunk(0))
      await sleep(300)
      faults().dropConnections()
      await produce(cluster.kafka, input, chunk(1))
      faults().failNext('Produce', 3, NOT_LEADER_OR_FOLLOWER)
      faults().failNext('FindCoordinator', 2, COORDINATOR_NOT_AVAILABLE)
      await produce(cluster.kafka, input, chunk(2))
      await sleep(300)
      await cluster.embedded!.restart()
      await produce(cluster.kafka, input, chunk(3))
      await sleep(300)
      faults().dropConnections()
      await produce(cluster.kafka, input, chunk(4))

      const expected = expectedCounts(lines)
      const records = await consumeUntil(cluster.kafka, output, rs => {
        const { last } = analyseCounts(rs)
        return [...expected].every(([w, n]) => (last.get(w) ?? 0) >= n)
      }, { timeoutMs: 60_000 })
      const { last, violations } = analyseCounts(records)
      expect(violations).toEqual([])
      expect(last).toEqual(expected)
      expect(states).not.toContain('ERROR')
    } finally {
      await app.close()
      await state.remove()
    }
  }, 150_000)

  it("kstreams' own client fetches again after a corrupt fetch response (CRC-32C mismatch): nothing lost, nothing counted twice", async () => {
    const input = uniqueName('crc-in')
    const output = uniqueName('crc-out')
    await createTopics(cluster.kafka, [{ topic: input, numPartitions: 2 }, { topic: output, numPartitions: 2 }])
    const vocabulary = Array.from({ length: 10 }, (_, i) => `c${i}`)
    const lines = Array.from({ length: 600 }, (_, i) => Array.from({ length: 2 }, (_, j) => vocabulary[(i + j * 3) % 10]).join(' '))
    const state = await tempDir('kstreams-crc')
    const logged: string[] = []
    const logger = { debug() {}, info() {}, error() {}, warn: (f: unknown, m?: string) => void logged.push(`${m ?? ''} ${JSON.stringify(f)}`) }
    const app = new KafkaStreams(wordCountTopology(input, output), {
      client: 'kstreams', applicationId: uniqueName('crc'), brokers: cluster.brokers, stateDir: state.dir,
      processingGuarantee: 'exactly_once_v2', commitIntervalMs: 100, logger,
    })
    const states: StreamsState[] = []
    app.on('stateChange', n => states.push(n))
    const faults = cluster.embedded!.faults
    try {
      await app.start()
      for (let i = 0; i < 3; i++) {
        // Input, repartition and changelog fetches alike: whichever carry records next.
        faults.corruptNextFetches(2)
        await produce(cluster.kafka, input, lines.slice(i * 200, (i + 1) * 200).map((l, j) => ({ key: String(i * 200 + j), value: l })))
        await waitFor(() => !faults.active, 20_000, 'the corrupted fetches to be answered')
      }
      const expected = expectedCounts(lines)
      const records = await consumeUntil(cluster.kafka, output, rs => {
        const { last } = analyseCounts(rs)
        return [...expected].every(([w, n]) => (last.get(w) ?? 0) >= n)
      }, { timeoutMs: 60_000 })
      const { last, violations } = analyseCounts(records)
      expect(violations).toEqual([])
      expect(last).toEqual(expected)
      expect(states).not.toContain('ERROR')
    } finally {
      faults.clear()
      await app.close()
      await state.remove()
    }
  }, 120_000)
})
