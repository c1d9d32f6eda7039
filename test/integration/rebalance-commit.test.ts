// A rebalance while output is in flight, on kstreams' own client under exactly_once_v2: the member
// that stays commits before it rejoins (Kafka's onPartitionsRevoked runs before JoinGroup), so its
// commit belongs to the generation it was made in and none of its tasks is lost.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TxnOffsetCommitRequest, TxnOffsetCommitResponse } from '../../broker/txn/transaction-coordinator.js'
import { KafkaStreams } from '../../lib/kafka-streams.js'
import { analyseCounts, expectedCounts, wordCountTopology } from './fixtures/word-count-topology.js'
import { consumeUntil, createTopics, produce, startCluster, tempDir, uniqueName, waitFor, type TestCluster } from './helpers.js'

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))

function metric(app: KafkaStreams, name: string): number {
  return app.metrics().filter(m => m.name === name).reduce((s, m) => s + m.value, 0)
}

/**
 * Holds every transactional offset commit of the group at the coordinator for a while before it is
 * checked: a member that rejoins without waiting for its commit lets the next generation form first.
 */
function slowOffsetCommits(cluster: TestCluster, groupId: string, ms: number): { refused: number } {
  const seen = { refused: 0 }
  // The broker awaits its handlers' answers: a promise is served as the response once it settles.
  const txn = cluster.embedded!.internals.transactions as unknown as { txnOffsetCommit(req: TxnOffsetCommitRequest, v?: number): unknown }
  const commit = (txn.txnOffsetCommit.bind(txn)) as (req: TxnOffsetCommitRequest, v?: number) => TxnOffsetCommitResponse
  txn.txnOffsetCommit = async (req: TxnOffsetCommitRequest, v?: number) => {
    if (req.groupId !== groupId) return commit(req, v)
    await sleep(ms)
    const res = commit(req, v)
    if (res.topics.some(t => t.partitions.some(p => p.errorCode !== 0))) seen.refused++
    return res
  }
  return seen
}

describe('rebalance commit before the rejoin (kstreams client, exactly_once_v2)', () => {
  let cluster: TestCluster
  beforeAll(async () => {
    cluster = await startCluster()
  })
  afterAll(async () => {
    await cluster.stop()
  })

  it('a second member joins while output is in flight: the first loses no task, every count once', async () => {
    const input = uniqueName('rbc-in')
    const output = uniqueName('rbc-out')
    const applicationId = uniqueName('rbc')
    await createTopics(cluster.kafka, [{ topic: input, numPartitions: 4 }, { topic: output, numPartitions: 4 }])
    const commits = slowOffsetCommits(cluster, applicationId, 400)
    const dirs = await Promise.all([0, 1].map(i => tempDir(`kstreams-rbc-${i}`)))
    const make = (i: number) => new KafkaStreams(wordCountTopology(input, output), {
      applicationId, brokers: cluster.brokers, stateDir: dirs[i]!.dir, processingGuarantee: 'exactly_once_v2', client: 'kstreams',
      commitIntervalMs: 1000, sessionTimeoutMs: 10_000, heartbeatIntervalMs: 100,
    })
    const vocabulary = Array.from({ length: 30 }, (_, i) => `r${i}`)
    const text = Array.from({ length: 2000 }, (_, i) => Array.from({ length: 4 }, (_, j) => vocabulary[(i * 5 + j * 7) % 30]).join(' '))
    const first = make(0)
    let second: KafkaStreams | null = null
    try {
      await first.start()
      await waitFor(() => first.state === 'RUNNING', 30_000, 'first RUNNING')
      const feeding = (async () => {
        for (let i = 0; i < text.length; i += 50) {
          await produce(cluster.kafka, input, text.slice(i, i + 50).map((l, j) => ({ key: String(i + j), value: l })))
          await sleep(20)
        }
      })()
      // output in the open transaction when the rebalance begins
      await waitFor(() => metric(first, 'records_processed_total') > 200, 30_000, 'the first member processing')
      second = make(1)
      await second.start()
      await waitFor(() => first.state === 'RUNNING' && second!.state === 'RUNNING' && first.metrics().filter(m => m.name === 'records_processed_total').length < 8, 40_000, 'two members sharing the tasks')
      await feeding

      const expected = expectedCounts(text)
      const records = await consumeUntil(cluster.kafka, output, rs => {
        const { last } = analyseCounts(rs)
        return [...expected].every(([w, n]) => (last.get(w) ?? 0) >= n)
      }, { timeoutMs: 60_000 })
      const { last, violations } = analyseCounts(records)
      expect(violations).toEqual([])
      expect(last).toEqual(expected)
      // the member that stayed: no commit refused, no task lost or restarted (no state wiped and restored)
      expect(commits.refused).toBe(0)
      expect(metric(first, 'task_restarts_total')).toBe(0)
    } finally {
      await second?.close()
      await first.close()
      for (const d of dirs) await d.remove()
    }
  }, 120_000)
})
