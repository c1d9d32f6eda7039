import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EmbeddedKafka } from '../../broker/index.js'
import { KafkaStreams } from '../../lib/kafka-streams.js'
import type { LogFn, Logger, ProcessingGuarantee } from '../../lib/config/types.js'
import type { StreamsState } from '../../lib/lifecycle/streams-state.js'
import { Stores } from '../../stores/index.js'
import { StreamsBuilder } from '../../topology/dsl/streams-builder.js'
import { Consumed } from '../../topology/options/consumed.js'
import { Grouped } from '../../topology/options/grouped.js'
import { Materialized } from '../../topology/options/materialized.js'
import { Produced } from '../../topology/options/produced.js'
import { Serdes } from '../../topology/serdes/serdes.js'
import { expectedCounts } from './fixtures/word-count-topology.js'
import { readCommittedWithKcat } from './fixtures/kcat-reader.js'
import { consumeUntil, createTopics, produce, startCluster, tempDir, uniqueName, waitFor, type TestCluster } from './helpers.js'
import { Kafka, logLevel } from 'kafkajs'
import { testClient } from './test-client.js'

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))

/** Word count (RocksDB) with the counts written as text, so kcat can read them. */
function countTopology(input: string, output: string) {
  const builder = new StreamsBuilder()
  builder
    .stream(input, Consumed.with(Serdes.String(), Serdes.String()))
    .flatMapValues(v => (v ?? '').split(' ').filter(w => w.length > 0))
    .groupBy((_k, w) => w, Grouped.with(Serdes.String(), Serdes.String()))
    .count(Materialized.as<string, number>(Stores.persistentKeyValueStore('counts')).withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()))
    .toStream()
    .mapValues(n => String(n))
    .to(output, Produced.with(Serdes.String(), Serdes.String()))
  return builder.build()
}

const vocabulary = Array.from({ length: 30 }, (_, i) => `w${i}`)
function lines(from: number, n: number): { key: string; value: string }[] {
  return Array.from({ length: n }, (_, j) => {
    const i = from + j
    return { key: String(i), value: [0, 1, 2].map(k => vocabulary[(i + k * 11) % vocabulary.length]).join(' ') }
  })
}

/** Final count per word, and every time a word's count did not go up (a repeat or a step back). */
function analyse(records: { key: string | null; value: string | null; partition: number; offset: number | string }[]) {
  const last = new Map<string, number>()
  const violations: string[] = []
  for (const r of records) {
    const n = Number(r.value)
    const prev = last.get(r.key!)
    if (prev !== undefined && n <= prev) violations.push(`${r.key}: ${prev} then ${n} (p${r.partition}@${r.offset})`)
    last.set(r.key!, n)
  }
  return { last, violations }
}

/** Reads the output with kcat (read_committed) until every word reached its expected count. */
async function readExactlyOnce(brokers: string[], output: string, expected: Map<string, number>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const records = await readCommittedWithKcat(brokers, output)
    const result = analyse(records)
    const done = [...expected].every(([w, n]) => (result.last.get(w) ?? 0) >= n)
    if (done || Date.now() > deadline) return result
    await sleep(250)
  }
}

function recordingLogger(): Logger & { warnings: string[]; infos: string[] } {
  const warnings: string[] = []
  const infos: string[] = []
  return {
    warnings,
    infos,
    debug() {},
    info: ((f: unknown, m?: string) => void infos.push(m ?? String(f))) as LogFn,
    warn: ((f: unknown, m?: string) => void warnings.push(m ?? String(f))) as LogFn,
    error: ((f: unknown, m?: string) => void warnings.push(`ERROR ${m ?? String(f)}`)) as LogFn,
  }
}

function metric(app: KafkaStreams, name: string): number {
  return app.metrics().filter(m => m.name === name).reduce((s, m) => s + m.value, 0)
}

interface AppHandle {
  app: KafkaStreams
  states: StreamsState[]
  logger: ReturnType<typeof recordingLogger>
  close(): Promise<void>
}

/** Copies each record to the output (one sub-topology: one task per partition). */
function copyTopology(input: string, output: string) {
  const builder = new StreamsBuilder()
  builder.stream(input, Consumed.with(Serdes.String(), Serdes.String())).to(output, Produced.with(Serdes.String(), Serdes.String()))
  return builder.build()
}

async function newApp(
  brokers: string[], input: string, output: string, guarantee: ProcessingGuarantee,
  extra: { stalledPartitionWarningMs?: number; commitIntervalMs?: number; applicationId?: string; copy?: boolean } = {},
): Promise<AppHandle> {
  const state = await tempDir('kstreams-kinds')
  const logger = recordingLogger()
  const { applicationId, copy, ...rest } = extra
  const app = new KafkaStreams((copy ? copyTopology : countTopology)(input, output), { ...testClient(),
    applicationId: applicationId ?? uniqueName('kinds'),
    brokers,
    stateDir: state.dir,
    processingGuarantee: guarantee,
    commitIntervalMs: 100,
    sessionTimeoutMs: 10_000,
    heartbeatIntervalMs: 1000,
    logger,
    kafka: { retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 1000 } },
    ...rest,
  })
  const states: StreamsState[] = []
  app.on('stateChange', n => states.push(n))
  return {
    app,
    states,
    logger,
    async close() {
      await app.close()
      await state.remove()
    },
  }
}

/** Waits until the broker has answered every injected failure. */
async function faultsConsumed(kafka: EmbeddedKafka, what: string): Promise<void> {
  await waitFor(() => !kafka.faults.active, 30_000, `the injected ${what} failure to be answered`)
}

// Faults are injected through the embedded broker, so these suites need it (not KAFKA_BROKERS).
describe.runIf(!process.env.KAFKA_BROKERS)('client errors handled by kind', () => {
  let cluster: TestCluster
  let embedded: EmbeddedKafka
  beforeAll(async () => {
    cluster = await startCluster()
    embedded = cluster.embedded!
  })
  afterAll(async () => {
    await cluster.stop()
  })

  async function topics(prefix: string, partitions = 2): Promise<{ input: string; output: string }> {
    const input = uniqueName(`${prefix}-in`)
    const output = uniqueName(`${prefix}-out`)
    await createTopics(cluster.kafka, [{ topic: input, numPartitions: partitions }, { topic: output, numPartitions: partitions }])
    return { input, output }
  }

  it.each([
    ['COORDINATOR_LOAD_IN_PROGRESS', 14],
    ['COORDINATOR_NOT_AVAILABLE', 15],
    ['NOT_COORDINATOR', 16],
  ])('processes every partition when the offset fetch of a task takeover fails once with %s', async (_name, code) => {
    const { input, output } = await topics('takeover')
    const input1 = lines(0, 300)
    await produce(cluster.kafka, input, input1)
    const h = await newApp(cluster.brokers, input, output, 'at_least_once')
    const onKafkajs = h.app.config.client === 'kafkajs'
    try {
      if (onKafkajs) {
        // The runtime asks for its assignment's user data (DescribeGroups) before it fetches the
        // committed offsets of its new tasks; holding that answer lets kafkajs's own offset fetch
        // (right after the join) pass first, so the injected failure hits the takeover.
        embedded.faults.delay('DescribeGroups', 1500)
        await h.app.start()
        const groupId = h.app.config.applicationId
        await waitFor(() => embedded.internals.groups.list().some(g => g.groupId === groupId && g.groupState === 'Stable'), 20_000, 'the group to be stable')
        await sleep(400)
        embedded.faults.failNext('OffsetFetch', 1, code)
        // Requests already received keep their delay; `active` turns false once the failure is answered.
        await sleep(1600)
        embedded.faults.delay('DescribeGroups', 0)
      } else {
        // kstreams' own client fetches committed offsets only when tasks start (the takeover), so
        // the first OffsetFetch is the one that fails.
        embedded.faults.failNext('OffsetFetch', 1, code)
        await h.app.start()
      }
      await faultsConsumed(embedded, 'OffsetFetch')
      await produce(cluster.kafka, input, lines(300, 100))
      const expected = expectedCounts([...input1, ...lines(300, 100)].map(l => l.value))
      const records = await consumeUntil(cluster.kafka, output, rs => {
        const { last } = analyse(rs.map(r => ({ key: r.key?.toString() ?? null, value: r.value?.toString() ?? null, partition: r.partition, offset: r.offset })))
        return [...expected].every(([w, n]) => (last.get(w) ?? 0) >= n)
      }, { timeoutMs: 30_000 })
      const { last } = analyse(records.map(r => ({ key: r.key?.toString() ?? null, value: r.value?.toString() ?? null, partition: r.partition, offset: r.offset })))
      expect(last).toEqual(expected)
      // On kafkajs the failure reaches the runtime, which retries the takeover and names the tasks;
      // kstreams' own client retries a coordinator error itself, by the error table.
      if (onKafkajs) expect(h.logger.warnings.some(w => w.startsWith('Could not start assigned tasks'))).toBe(true)
      expect(h.states).not.toContain('ERROR')
      expect(h.app.state).toBe('RUNNING')
    } finally {
      embedded.faults.clear()
      await h.close()
    }
  }, 90_000)

  it('at_least_once stays RUNNING when offset commits are refused with ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID and REBALANCE_IN_PROGRESS', async () => {
    const { input, output } = await topics('commit-rebalance')
    const h = await newApp(cluster.brokers, input, output, 'at_least_once')
    const produced: { key: string; value: string }[] = []
    try {
      await h.app.start()
      await waitFor(() => h.app.state === 'RUNNING', 20_000, 'RUNNING')
      let next = 0
      for (const code of [22, 25, 27]) {
        const chunk = lines(next, 200)
        next += 200
        produced.push(...chunk)
        embedded.faults.failNext('OffsetCommit', 1, code)
        await produce(cluster.kafka, input, chunk)
        await faultsConsumed(embedded, `OffsetCommit (${code})`)
      }
      const last = lines(next, 100)
      produced.push(...last)
      await produce(cluster.kafka, input, last)
      const expected = expectedCounts(produced.map(l => l.value))
      const records = await consumeUntil(cluster.kafka, output, rs => {
        const { last: l } = analyse(rs.map(r => ({ key: r.key?.toString() ?? null, value: r.value?.toString() ?? null, partition: r.partition, offset: r.offset })))
        return [...expected].every(([w, n]) => (l.get(w) ?? 0) >= n)
      }, { timeoutMs: 30_000 })
      const { last: counts } = analyse(records.map(r => ({ key: r.key?.toString() ?? null, value: r.value?.toString() ?? null, partition: r.partition, offset: r.offset })))
      // At least once: every input counted, possibly more than once after a refused commit.
      for (const [w, n] of expected) expect(counts.get(w) ?? 0).toBeGreaterThanOrEqual(n)
      expect(h.logger.infos.some(m => m.startsWith('Offset commit refused by the group coordinator (rebalance)'))).toBe(true)
      expect(h.states).not.toContain('ERROR')
      expect(h.app.state).toBe('RUNNING')
    } finally {
      embedded.faults.clear()
      await h.close()
    }
  }, 90_000)

  it('exactly_once_v2 restarts the task when the broker has lost or fenced its transaction, and every input counts once', async () => {
    const { input, output } = await topics('txn-kinds')
    const produced: { key: string; value: string }[] = []
    let next = 0
    const chunk = (n: number) => {
      const c = lines(next, n)
      next += n
      produced.push(...c)
      return c
    }
    // Input first: the first Produce the broker then sees is the application's transactional one.
    await produce(cluster.kafka, input, chunk(200))
    const h = await newApp(cluster.brokers, input, output, 'exactly_once_v2', { stalledPartitionWarningMs: 1000 })
    try {
      embedded.faults.failNext('Produce', 1, 48) // INVALID_TXN_STATE
      await h.app.start()
      await faultsConsumed(embedded, 'Produce (INVALID_TXN_STATE)')
      const faults: [string, number][] = [
        ['AddOffsetsToTxn', 90], // PRODUCER_FENCED
        ['EndTxn', 47], // INVALID_PRODUCER_EPOCH
        ['TxnOffsetCommit', 90],
        ['AddOffsetsToTxn', 47],
        ['EndTxn', 90],
        ['TxnOffsetCommit', 47],
      ]
      for (const [api, code] of faults) {
        // The test's producer is not transactional: only the application sends these requests.
        embedded.faults.failNext(api, 1, code)
        await produce(cluster.kafka, input, chunk(100))
        await faultsConsumed(embedded, `${api} (${code})`)
      }
      await produce(cluster.kafka, input, chunk(100))
      const expected = expectedCounts(produced.map(l => l.value))
      const { last, violations } = await readExactlyOnce(cluster.brokers, output, expected)
      expect(violations).toEqual([])
      expect(last).toEqual(expected)
      // Each fault restarted a task, or (when it hit a restarting task's producer init) delayed its start.
      expect(metric(h.app, 'task_restarts_total')).toBeGreaterThanOrEqual(3)
      if (h.app.config.client === 'kafkajs') {
        // One producer per task: the task whose transaction failed is named.
        expect(h.logger.warnings.some(w => /^Task \d+_\d+ lost its transaction on the broker/.test(w))).toBe(true)
        expect(h.logger.warnings.some(w => /^Task \d+_\d+ was fenced by a newer producer/.test(w))).toBe(true)
      } else {
        // One producer per stream thread (KIP-447): a fenced or lost transaction loses every task
        // of the thread (Kafka Streams' TaskMigratedException), named with the error's kind.
        const lost = h.logger.warnings.filter(w => w.includes('the transaction of producer'))
        expect(lost.some(w => w.includes('(transaction_state, error code 48)'))).toBe(true)
        expect(lost.some(w => w.includes('(fenced, error code 90)') || w.includes('(fenced, error code 47)'))).toBe(true)
      }
      // Idle and caught up, the repartition topic's partitions end with transaction markers: the
      // stall check sees them read past those markers and reports nothing.
      await sleep(2500)
      expect(metric(h.app, 'stalled_partitions')).toBe(0)
      expect(h.states).not.toContain('ERROR')
      expect(h.app.state).toBe('RUNNING')
    } finally {
      embedded.faults.clear()
      await h.close()
    }
  }, 120_000)

  it('reports a partition that stays unprocessed (WARN naming it, stalled_partitions metric), not a healthy idle one', async () => {
    const { input, output } = await topics('stall')
    const h = await newApp(cluster.brokers, input, output, 'exactly_once_v2', { stalledPartitionWarningMs: 1000, copy: true })
    try {
      await h.app.start()
      await waitFor(() => h.app.state === 'RUNNING', 20_000, 'RUNNING')
      // Only partition 0 gets input, so only its task commits: it is the one fenced at EndTxn,
      // and while InitProducerId keeps failing it cannot start again.
      const first = lines(0, 50).map(l => ({ ...l, partition: 0 }))
      embedded.faults.failNext('EndTxn', 1, 90)
      embedded.faults.failNext('InitProducerId', 100_000, 15)
      await produceTo(cluster.kafka, input, 0, first)
      const fenced = (w: string) => w.includes('was fenced') || w.includes('(fenced, error code 90)')
      await waitFor(() => embedded.faults.active && h.logger.warnings.some(fenced), 30_000, 'the task of partition 0 to be fenced')
      await produceTo(cluster.kafka, input, 0, lines(50, 50))
      await waitFor(() => metric(h.app, 'stalled_partitions') === 1, 30_000, 'the stalled partition to be reported')
      const stallWarnings = h.logger.warnings.filter(w => w.includes('has not advanced'))
      expect(stallWarnings.some(w => w.startsWith(`Partition ${input}-0 of task 0_0 has not advanced`))).toBe(true)
      expect(stallWarnings.some(w => w.includes(`${input}-1 `))).toBe(false)
      expect(metric(h.app, 'stalled_partitions_total')).toBeGreaterThanOrEqual(1)

      // Once the task can start again the partition is processed and no longer reported.
      embedded.faults.clear()
      let copied: string[] = []
      await waitFor(async () => {
        copied = (await readCommittedWithKcat(cluster.brokers, output)).map(r => r.key)
        return copied.length >= 100
      }, 30_000, 'all input copied')
      expect(copied.sort()).toEqual(lines(0, 100).map(l => l.key).sort())
      await waitFor(() => metric(h.app, 'stalled_partitions') === 0, 30_000, 'the stall to clear')
      expect(h.logger.warnings.filter(w => w.includes('has not advanced')).some(w => w.includes(`${input}-1 `))).toBe(false)
      expect(h.states).not.toContain('ERROR')
    } finally {
      embedded.faults.clear()
      await h.close()
    }
  }, 120_000)
})

async function produceTo(kafka: Kafka, topic: string, partition: number, messages: { key: string; value: string }[]): Promise<void> {
  const producer = kafka.producer()
  await producer.connect()
  try {
    await producer.send({ topic, messages: messages.map(m => ({ ...m, partition })) })
  } finally {
    await producer.disconnect()
  }
}

describe.runIf(!process.env.KAFKA_BROKERS)('broker restart with a data dir', () => {
  it('an exactly_once_v2 instance survives restarts of a broker that keeps its data, and every input counts once', async () => {
    const data = await tempDir('kstreams-broker-data')
    const broker = await EmbeddedKafka.start({ port: 0, dataDir: data.dir })
    const kafka = new Kafka({ clientId: 'kstreams-test', brokers: broker.brokers, logLevel: logLevel.NOTHING })
    const input = uniqueName('restart-in')
    const output = uniqueName('restart-out')
    await createTopics(kafka, [{ topic: input, numPartitions: 4 }, { topic: output, numPartitions: 4 }])
    // Commits every 3 s: each restart below lands while the tasks' transactions are open, and the
    // next thing they do is send more records into them (a broker that lost them refuses those
    // sends; one that kept them accepts them).
    const h = await newApp(broker.brokers, input, output, 'exactly_once_v2', { commitIntervalMs: 3000 })
    try {
      await h.app.start()
      await waitFor(() => h.app.state === 'RUNNING', 20_000, 'RUNNING')
      const produced: { key: string; value: string }[] = []
      for (let round = 0; round < 3; round++) {
        const c = lines(round * 400, 400)
        produced.push(...c)
        await produce(kafka, input, c.slice(0, 200))
        await sleep(500) // processed, not yet committed
        await broker.restart()
        await produce(kafka, input, c.slice(200))
      }
      const expected = expectedCounts(produced.map(l => l.value))
      const { last, violations } = await readExactlyOnce(broker.brokers, output, expected, 60_000)
      expect(violations).toEqual([])
      expect(last).toEqual(expected)
      expect(h.states).not.toContain('ERROR')
      expect(h.states).not.toContain('PENDING_ERROR')
      expect(h.app.state).toBe('RUNNING')
    } finally {
      await h.close().catch(() => {})
      await broker.stop()
      await data.remove()
    }
  }, 180_000)
})
