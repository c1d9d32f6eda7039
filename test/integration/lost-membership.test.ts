import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Admin } from 'kafkajs'
import { KafkaStreams } from '../../lib/kafka-streams.js'
import { startChildApp } from './fixtures/child-app.js'
import { analyseCounts, expectedCounts, keyCountTopology, wordCountTopology } from './fixtures/word-count-topology.js'
import { consumeUntil, createTopics, produce, startCluster, tempDir, uniqueName, waitFor, type TestCluster } from './helpers.js'
import { testClient } from './test-client.js'

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))

/** The group's committed offsets of every topic it committed, as `topic-partition` → offset. */
async function committedOffsets(admin: Admin, groupId: string): Promise<Map<string, number>> {
  const out = new Map<string, number>()
  for (const t of await admin.fetchOffsets({ groupId })) {
    for (const p of t.partitions) if (Number(p.offset) >= 0) out.set(`${t.topic}-${p.partition}`, Number(p.offset))
  }
  return out
}

/**
 * Whether every partition of the input, of the application's repartition topics and of whatever
 * else the group committed is committed up to its end.
 */
async function caughtUp(admin: Admin, groupId: string, input: string): Promise<boolean> {
  const committed = await committedOffsets(admin, groupId)
  const repartition = (await admin.listTopics()).filter(t => t.startsWith(`${groupId}-`) && t.endsWith('-repartition'))
  const topics = new Set([input, ...repartition, ...[...committed.keys()].map(k => k.slice(0, k.lastIndexOf('-')))])
  for (const topic of topics) {
    for (const p of await admin.fetchTopicOffsets(topic)) {
      if ((committed.get(`${topic}-${p.partition}`) ?? 0) !== Number(p.high)) return false
    }
  }
  return true
}

/**
 * An at_least_once member frozen past its session timeout is expelled; another member processes
 * and commits its partitions meanwhile. When the frozen one comes back it joins under a new member
 * id: its tasks were lost, so whatever it is assigned starts from the committed offsets, never
 * from the positions it held before the freeze (which would commit offsets back and count again).
 */
describe('lost group membership under at_least_once', () => {
  let cluster: TestCluster
  let admin: Admin
  beforeAll(async () => {
    cluster = await startCluster()
    admin = cluster.kafka.admin()
    await admin.connect()
  })
  afterAll(async () => {
    await admin.disconnect()
    await cluster.stop()
  })

  it('an expelled member starts its re-assigned tasks from the committed offsets, so they never go back', async () => {
    const input = uniqueName('lost-in')
    const output = uniqueName('lost-out')
    const applicationId = uniqueName('lost')
    await createTopics(cluster.kafka, [{ topic: input, numPartitions: 2 }, { topic: output, numPartitions: 2 }])
    const vocabulary = Array.from({ length: 30 }, (_, i) => `l${i}`)
    const lines = Array.from({ length: 2000 }, (_, i) => Array.from({ length: 4 }, (_, j) => vocabulary[(i * 5 + j * 7) % 30]).join(' '))
    const frozenDir = await tempDir('kstreams-lost-a')
    const otherDir = await tempDir('kstreams-lost-b')
    const sessionTimeoutMs = 6000
    const child = startChildApp({
      brokers: cluster.brokers, applicationId, input, output, stateDir: frozenDir.dir, guarantee: 'at_least_once', sessionTimeoutMs,
    })
    let other: KafkaStreams | null = null
    // Every committed offset seen, in order, per partition: none may be lower than the one before.
    const seen = new Map<string, number[]>()
    let watching = true
    const watch = (async () => {
      while (watching) {
        for (const [key, off] of await committedOffsets(admin, applicationId).catch(() => new Map<string, number>())) {
          const list = seen.get(key) ?? []
          if (list[list.length - 1] !== off) list.push(off)
          seen.set(key, list)
        }
        await sleep(100)
      }
    })()
    try {
      await child.waitForState('RUNNING', 45_000)
      await produce(cluster.kafka, input, lines.slice(0, 1000).map((l, i) => ({ key: String(i), value: l })))
      // Idle and fully committed when frozen: anything counted twice later comes from a stale position.
      await waitFor(() => caughtUp(admin, applicationId, input), 60_000, 'first half committed')
      child.kill('SIGSTOP')

      other = new KafkaStreams(wordCountTopology(input, output), { ...testClient(),
        applicationId, brokers: cluster.brokers, stateDir: otherDir.dir, processingGuarantee: 'at_least_once',
        commitIntervalMs: 100, sessionTimeoutMs, heartbeatIntervalMs: 500,
      })
      await other.start()
      const o = other
      // The frozen member is expelled after its session timeout; the other one then owns every task.
      await waitFor(() => o.state === 'RUNNING' && o.metrics().filter(m => m.name === 'records_processed_total').length === 4, 60_000, 'takeover')
      await produce(cluster.kafka, input, lines.slice(1000).map((l, i) => ({ key: String(1000 + i), value: l })))
      await waitFor(() => caughtUp(admin, applicationId, input), 60_000, 'second half committed by the other member')
      // It leaves (committing on close): the frozen member gets every task back when it wakes.
      await other.close()
      other = null

      const statesBefore = child.states.length
      child.kill('SIGCONT')
      await waitFor(() => child.states.slice(statesBefore).includes('RUNNING'), 60_000, 'woken member rebalanced and running again')
      await sleep(3000)

      const expected = expectedCounts(lines)
      const records = await consumeUntil(cluster.kafka, output, rs => {
        const { last } = analyseCounts(rs)
        return [...expected].every(([w, n]) => (last.get(w) ?? 0) >= n)
      }, { timeoutMs: 60_000 })
      await sleep(1000)
      watching = false
      await watch
      const back = [...seen].filter(([, offs]) => offs.some((o, i) => i > 0 && o < offs[i - 1]!)).map(([k, offs]) => `${k}: ${offs.join(' → ')}`)
      expect(back).toEqual([])
      // Counted once: the woken member did not process the second half again from its old positions.
      const { last } = analyseCounts(records)
      expect(last).toEqual(expected)
      expect(await caughtUp(admin, applicationId, input)).toBe(true)
    } finally {
      watching = false
      await watch
      child.kill('SIGKILL')
      await child.exited
      await other?.close()
      await frozenDir.remove()
      await otherDir.remove()
    }
  }, 240_000)

  /**
   * A member frozen with processed but uncommitted state (counts in its cache) is expelled; another
   * member processes everything and commits. When the frozen one wakes, its commit interval has long
   * passed: committing would flush its stale counts to the output and to the changelog, after the
   * new owner's, and whoever restores the store next (the woken member itself here) would take the
   * stale counts as the state. It must not process or commit until the coordinator has answered.
   */
  it('a member woken after its session expired does not flush its stale state into the changelog', async () => {
    const input = uniqueName('stale-in')
    const output = uniqueName('stale-out')
    const applicationId = uniqueName('stale')
    await createTopics(cluster.kafka, [{ topic: input, numPartitions: 2 }, { topic: output, numPartitions: 2 }])
    const keys = Array.from({ length: 40 }, (_, i) => `k${i}`)
    const half = (from: number) => Array.from({ length: 2000 }, (_, i) => ({ key: keys[i % keys.length]!, value: String(from + i) }))
    const frozenDir = await tempDir('kstreams-stale-a')
    const otherDir = await tempDir('kstreams-stale-b')
    const sessionTimeoutMs = 6000
    const commitIntervalMs = 4000
    const child = startChildApp({
      brokers: cluster.brokers, applicationId, input, output, stateDir: frozenDir.dir, guarantee: 'at_least_once',
      sessionTimeoutMs, commitIntervalMs, topology: 'key-count', reportProcessed: true,
    })
    let other: KafkaStreams | null = null
    try {
      await child.waitForState('RUNNING', 45_000)
      // Right after one of its commits, so the next is seconds away: the first half is processed
      // into its cache and frozen there, uncommitted.
      const commits = child.commits
      await waitFor(() => child.commits > commits, 30_000, 'a commit of the child')
      await produce(cluster.kafka, input, half(0))
      await waitFor(() => child.processed >= 2000, 30_000, 'first half processed by the child')
      child.kill('SIGSTOP')
      expect(await committedOffsets(admin, applicationId), 'the child committed before it was frozen').toEqual(new Map())

      other = new KafkaStreams(keyCountTopology(input, output), { ...testClient(),
        applicationId, brokers: cluster.brokers, stateDir: otherDir.dir, processingGuarantee: 'at_least_once',
        commitIntervalMs: 100, sessionTimeoutMs, heartbeatIntervalMs: 500,
      })
      await other.start()
      const o = other
      await waitFor(() => o.state === 'RUNNING' && o.metrics().filter(m => m.name === 'records_processed_total').length === 2, 60_000, 'takeover')
      await produce(cluster.kafka, input, half(2000))
      await waitFor(() => caughtUp(admin, applicationId, input), 60_000, 'both halves committed by the other member')
      await other.close()
      other = null

      const statesBefore = child.states.length
      child.kill('SIGCONT')
      await waitFor(() => child.states.slice(statesBefore).includes('RUNNING'), 60_000, 'woken member rebalanced and running again')
      // Long enough for a commit interval of the woken member to pass.
      await sleep(commitIntervalMs + 1000)

      const expected = new Map(keys.map(k => [k, 100]))
      // Everything written so far, so a stale count after the true one is seen.
      const total = (await admin.fetchTopicOffsets(output)).reduce((n, p) => n + Number(p.high), 0)
      const records = await consumeUntil(cluster.kafka, output, rs => rs.length >= total, { timeoutMs: 30_000 })
      expect(records.length).toBe(total)
      // The last count of every key is the true one: no stale count was written after it.
      expect(analyseCounts(records).last).toEqual(expected)
      expect(await caughtUp(admin, applicationId, input)).toBe(true)
    } finally {
      child.kill('SIGKILL')
      await child.exited
      await other?.close()
      await frozenDir.remove()
      await otherDir.remove()
    }
  }, 240_000)
})
