// A StreamThread over the in-memory fakes of ./fakes.ts, a counting topology and real RocksDB
// stores in a temporary state directory.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { encodeAssignmentInfo } from '../../../lib/assignment/user-data.js'
import type { TopicPartition } from '../../../lib/clients/types.js'
import { resolveConfig } from '../../../lib/config/resolve.js'
import type { StreamsConfig } from '../../../lib/config/types.js'
import { ProductionErrorRouter } from '../../../lib/errors/production-errors.js'
import { StreamsMetrics } from '../../../lib/metrics/streams-metrics.js'
import { threadProducerFor } from '../../../lib/lifecycle/thread-start.js'
import { StreamThread } from '../../../lib/processing/stream-thread.js'
import { taskCheckpoint } from '../../../stores/checkpoint/task-state.js'
import { Consumed, Materialized, Produced, Serdes, StreamsBuilder } from '../../../topology/index.js'
import { FakeAdmin, FakeClients, FakeCluster, FakeGroupConsumer, FakeProducer, FakeReader } from './fakes.js'

const S = Serdes.String()
export const IN = 'in'
export const OUT = 'out'
export const CHANGELOG = 'app-counts-changelog'
export const in0: TopicPartition = { topic: IN, partition: 0 }
export const in1: TopicPartition = { topic: IN, partition: 1 }

const quiet = { debug() {}, info() {}, warn() {}, error() {} }

/** Counts records per key (persistent store 'counts', changelogged) and writes each count to 'out'. */
function countingTopology() {
  const b = new StreamsBuilder()
  b.stream(IN, Consumed.with(S, S)).groupByKey().count(Materialized.as('counts')).toStream().mapValues(v => String(v)).to(OUT, Produced.with(S, S))
  return b.build()
}

export interface Harness {
  cluster: FakeCluster
  consumer: FakeGroupConsumer
  reader: FakeReader
  clients: FakeClients
  shared: FakeProducer
  thread: StreamThread
  stateDir: string
  fatal: Error[]
  /** Waits (bounded) until `cond` holds, letting the loop run. */
  until(cond: () => boolean | Promise<boolean>, what: string): Promise<void>
  /** The output values written to 'out' for `key`. */
  outputs(key: string): string[]
  /** The checkpoint file of a task: changelog offsets, or its status when there is none. */
  checkpoint(taskId: string): Promise<Record<string, number> | string>
  /** Sets the assignment user data the next assignment reads (standby tasks). */
  standbys(ids: string[]): void
  stop(clean: boolean): Promise<void>
}

/**
 * `kip447`: the clients commit offsets in transactions with group metadata, so exactly_once_v2
 * runs one transactional producer for the thread (`app-p1-1`); without, one per task (kafkajs).
 */
export async function startThread(overrides: Partial<StreamsConfig> = {}, opts: { kip447?: boolean } = {}): Promise<Harness> {
  const stateDir = mkdtempSync(join(tmpdir(), 'kstreams-thread-'))
  const config = resolveConfig({
    applicationId: 'app',
    brokers: ['127.0.0.1:9092'],
    stateDir,
    cacheMaxBytes: 0,
    commitIntervalMs: 3_600_000,
    stalledPartitionWarningMs: 0,
    logger: quiet,
    ...overrides,
  })
  const cluster = new FakeCluster()
  const kip447 = opts.kip447 ?? false
  const consumer = new FakeGroupConsumer(cluster, kip447)
  const reader = new FakeReader(cluster)
  const clients = new FakeClients(cluster, kip447)
  const shared = clients.producer()
  const metrics = new StreamsMetrics()
  const topology = countingTopology()
  const meta = topology.metadata(config.applicationId)
  const fatal: Error[] = []
  const thread = new StreamThread({
    topology,
    config,
    clients,
    sharedProducer: () => shared,
    reader,
    metrics,
    errors: new ProductionErrorRouter('fail', quiet, () => shared),
    partitionCount: () => 2,
    subtopologies: meta.subtopologies.map(s => ({ id: s.id, sourceTopics: s.sourceTopics })),
    repartitionTopics: new Set(),
    globals: null,
    consumer,
    admin: new FakeAdmin(cluster),
    processId: 'p1',
    threadProducer: threadProducerFor(config, clients, 'p1'),
    offsetResetFor: () => null,
    onRebalancing() {},
    onRunning() {},
    onFatal: e => void fatal.push(e),
  })
  await thread.start()
  const h: Harness = {
    cluster,
    consumer,
    reader,
    clients,
    shared,
    thread,
    stateDir,
    fatal,
    async until(cond, what) {
      for (let i = 0; i < 400 && !(await cond()); i++) {
        if (fatal.length > 0) throw fatal[0]
        await new Promise(r => setTimeout(r, 5))
      }
      if (!(await cond())) throw new Error(`Timed out waiting until ${what}`)
    },
    outputs(key) {
      const out: string[] = []
      for (const p of [0, 1]) for (const r of cluster.visible(OUT, p)) if (r.key?.toString() === key) out.push(r.value!.toString())
      return out
    },
    async checkpoint(taskId) {
      const read = await taskCheckpoint(join(stateDir, 'app', taskId)).read()
      if (read.status !== 'ok') return read.status
      const out: Record<string, number> = {}
      for (const o of read.offsets.values()) out[`${o.topic}-${o.partition}`] = o.offset
      return out
    },
    standbys(ids) {
      consumer.userData = encodeAssignmentInfo({ version: 1, active: [], standby: ids, hostMap: {}, error: null })
    },
    async stop(clean) {
      await thread.shutdown(clean)
      rmSync(stateDir, { recursive: true, force: true })
    },
  }
  return h
}
