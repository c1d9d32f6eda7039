// exactly_once_v2 on kstreams' own client (KIP-447): one transactional producer per stream thread,
// seen at the embedded broker's transaction coordinator, and exactly-once output across a crash.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { InitProducerIdRequest, TxnOffsetCommitRequest } from '../../broker/txn/transaction-coordinator.js'
import { KafkaStreams } from '../../lib/kafka-streams.js'
import { startChildApp } from './fixtures/child-app.js'
import { analyseCounts, expectedCounts, wordCountTopology } from './fixtures/word-count-topology.js'
import { consumeUntil, createTopics, produce, startCluster, tempDir, uniqueName, waitFor, type TestCluster } from './helpers.js'
import { testClient } from './test-client.js'

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'

/** What the transaction coordinator was asked: InitProducerId's transactional ids, TxnOffsetCommits. */
interface Seen {
  inits: string[]
  offsetCommits: TxnOffsetCommitRequest[]
}

/** Records the requests the broker's transaction coordinator answers (it is not replaced in these tests). */
function watchCoordinator(cluster: TestCluster): Seen {
  const seen: Seen = { inits: [], offsetCommits: [] }
  const txn = cluster.embedded!.internals.transactions
  const init = txn.initProducerId.bind(txn)
  const commit = txn.txnOffsetCommit.bind(txn)
  txn.initProducerId = (req: InitProducerIdRequest, v?: number) => {
    if (req.transactionalId) seen.inits.push(req.transactionalId)
    return init(req, v)
  }
  txn.txnOffsetCommit = (req: TxnOffsetCommitRequest, v?: number) => {
    seen.offsetCommits.push(req)
    return commit(req, v)
  }
  return seen
}

function lines(n: number, words: number): string[] {
  const vocabulary = Array.from({ length: words }, (_, i) => `w${i}`)
  return Array.from({ length: n }, (_, i) => Array.from({ length: 4 }, (_, j) => vocabulary[(i * 7 + j * 13 + i * j) % words]).join(' '))
}

describe('exactly_once_v2 on kstreams\' own client: a transactional producer per stream thread', () => {
  let cluster: TestCluster
  let seen: Seen
  beforeAll(async () => {
    cluster = await startCluster()
    seen = watchCoordinator(cluster)
  })
  afterAll(async () => {
    await cluster.stop()
  })

  it('one producer for all tasks of the thread; every transactional offset commit carries the generation and member id', async () => {
    const input = uniqueName('tp-in')
    const output = uniqueName('tp-out')
    const applicationId = uniqueName('tp')
    await createTopics(cluster.kafka, [{ topic: input, numPartitions: 3 }, { topic: output, numPartitions: 3 }])
    const text = lines(600, 30)
    const state = await tempDir('kstreams-tp')
    const app = new KafkaStreams(wordCountTopology(input, output), { ...testClient(),
      applicationId, brokers: cluster.brokers, stateDir: state.dir, processingGuarantee: 'exactly_once_v2', commitIntervalMs: 100, client: 'kstreams',
    })
    try {
      await app.start()
      await produce(cluster.kafka, input, text.map((l, i) => ({ key: String(i), value: l })))
      const expected = expectedCounts(text)
      const records = await consumeUntil(cluster.kafka, output, rs => {
        const { last } = analyseCounts(rs)
        return [...expected].every(([w, n]) => (last.get(w) ?? 0) >= n)
      }, { timeoutMs: 30_000 })
      expect(analyseCounts(records).last).toEqual(expected)
      // six tasks (two sub-topologies, three partitions each), one transactional id
      expect(app.metrics().filter(m => m.name === 'records_processed_total')).toHaveLength(6)
      const ids = [...new Set(seen.inits.filter(id => id.startsWith(`${applicationId}-`)))]
      expect(ids).toHaveLength(1)
      expect(ids[0]).toMatch(new RegExp(`^${applicationId}-${UUID}-1$`))
      const commits = seen.offsetCommits.filter(c => c.groupId === applicationId)
      expect(commits.length).toBeGreaterThan(0)
      for (const c of commits) {
        expect(c.transactionalId).toBe(ids[0])
        expect(c.generationId).toBeGreaterThanOrEqual(1)
        expect(c.memberId).not.toBe('')
      }
      // one transaction carries the offsets of several tasks: the source partitions and the repartition topic's
      const topicsPerCommit = commits.map(c => new Set(c.topics.flatMap(t => t.partitions.map(p => `${t.name}-${p.partitionIndex}`))).size)
      expect(Math.max(...topicsPerCommit)).toBeGreaterThan(1)
    } finally {
      await app.close()
      await state.remove()
    }
  }, 60_000)

  it('kill -9 mid-transaction: each incarnation has its own thread producer, and every count is emitted exactly once', async () => {
    const input = uniqueName('tpc-in')
    const output = uniqueName('tpc-out')
    const applicationId = uniqueName('tpc')
    await createTopics(cluster.kafka, [{ topic: input, numPartitions: 3 }, { topic: output, numPartitions: 3 }])
    const text = lines(3000, 50)
    const state = await tempDir('kstreams-tpc')
    try {
      const feeding = (async () => {
        for (let i = 0; i < text.length; i += 300) {
          await produce(cluster.kafka, input, text.slice(i, i + 300).map((l, j) => ({ key: String(i + j), value: l })))
          await sleep(100)
        }
      })()
      const child = startChildApp({
        brokers: cluster.brokers, applicationId, input, output, stateDir: state.dir, guarantee: 'exactly_once_v2', sessionTimeoutMs: 6000, client: 'kstreams', reportProcessed: true,
      })
      await child.waitForState('RUNNING', 45_000)
      await waitFor(() => child.processed > 0 && child.commits > 0, 30_000, 'the child processed and committed')
      child.kill('SIGKILL')
      await child.exited
      await feeding

      const app = new KafkaStreams(wordCountTopology(input, output), { ...testClient(),
        applicationId, brokers: cluster.brokers, stateDir: state.dir, processingGuarantee: 'exactly_once_v2', commitIntervalMs: 100,
        sessionTimeoutMs: 6000, heartbeatIntervalMs: 1000, client: 'kstreams',
      })
      try {
        await app.start()
        const expected = expectedCounts(text)
        const records = await consumeUntil(cluster.kafka, output, rs => {
          const { last } = analyseCounts(rs)
          return [...expected].every(([w, n]) => (last.get(w) ?? 0) >= n)
        }, { timeoutMs: 60_000 })
        const { last, violations } = analyseCounts(records)
        expect(violations).toEqual([])
        expect(last).toEqual(expected)
        // the killed instance and its successor: one thread producer each, none per task; the
        // successor has the process id kept in the state directory, so the same transactional id
        const ids = [...new Set(seen.inits.filter(id => id.startsWith(`${applicationId}-`)))]
        expect(ids).toHaveLength(1)
        for (const id of ids) expect(id).toMatch(new RegExp(`^${applicationId}-${UUID}-1$`))
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
