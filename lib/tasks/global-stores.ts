import { topicPartitionKey, type ChangelogOffset } from '../../stores/checkpoint/offset-checkpoint.js'
import { taskCheckpoint, wipeTaskState, writeTaskCheckpoint } from '../../stores/checkpoint/task-state.js'
import type { StateStore } from '../../stores/state-store.js'
import { GLOBAL_ALL_PARTITIONS, StreamTask } from '../../topology/internals/stream-task.js'
import type { ChangelogToRestore } from '../../topology/internals/task-types.js'
import type { PartitionReader } from '../clients/types.js'
import { tpKey } from '../clients/types.js'
import { deserializationHandlerFor } from '../errors/deserialization-errors.js'
import { restoreChangelogs } from './changelog-restorer.js'
import type { TaskFactoryDeps } from './task-factory.js'

/** Enough records per processing pass that one fetch round is applied in one go. */
const GLOBAL_PROCESS_BATCH = 10_000

/**
 * The global stores of a topology (global tables and addGlobalStore), as Kafka Streams' global
 * stream thread: one task per global sub-topology reads every partition of its source topic
 * with manual assignment, no group. The source topic is the store's changelog: `bootstrap()`
 * replays it to its end before any stream task starts, `update()` then feeds new records
 * through the global processors. Persistent stores checkpoint their positions on close and
 * resume there; without a checkpoint the store is wiped and the topic replayed in full.
 */
export class GlobalStores {
  /** name → store, shared with every stream task (filled by bootstrap). */
  readonly stores = new Map<string, StateStore>()
  private readonly tasks: StreamTask[] = []
  /** tpKey → where the next fetch starts, per partition of every global topic. */
  private readonly positions = new Map<string, { task: StreamTask; topic: string; partition: number; offset: number; persistent: boolean }>()

  constructor(
    private readonly deps: TaskFactoryDeps,
    private readonly subtopologyIds: readonly number[],
  ) {}

  get size(): number {
    return this.tasks.length
  }

  /** Opens the stores and reads every partition of their topics to the end (read_committed). */
  async bootstrap(partitionCounts: (topic: string) => number | undefined, aborted: () => boolean): Promise<void> {
    const { config } = this.deps
    // Bad records of a global topic follow the configured handler; a global task writes no
    // dead letters (it has no producer), so a dead-letter handler skips them with a warning.
    const policy = config.deserializationExceptionHandler
    const deserializationHandler = deserializationHandlerFor(
      typeof policy === 'object' ? 'logAndContinue' : policy,
      config.logger,
      { send: () => {} },
      () => {},
    )
    for (const subtopologyId of this.subtopologyIds) {
      const task = new StreamTask({
        topology: this.deps.topology,
        subtopologyId,
        partition: 0,
        applicationId: config.applicationId,
        stateDir: config.stateDir,
        collector: {
          send: (topic: string) => {
            throw new Error(`global task ${task.id} must not produce records (it tried to write to ${topic})`)
          },
        },
        cacheMaxBytes: 0,
        deserializationHandler,
        warn: m => config.logger.warn(m),
      })
      // Persistent stores resume from their checkpoint; without one, local data may hold keys the
      // topic's compaction has since removed, so it is wiped and the topic replayed in full.
      const checkpoint = await taskCheckpoint(task.taskDir, m => config.logger.warn(m)).read()
      if (checkpoint.status !== 'ok') await wipeTaskState(task.taskDir)
      this.tasks.push(task)
      const entries = await task.initialize()
      const changelogs: ChangelogToRestore[] = []
      for (const e of entries) {
        if (e.partition !== GLOBAL_ALL_PARTITIONS) {
          changelogs.push(e)
          continue
        }
        const n = partitionCounts(e.topic)
        if (n === undefined || n === 0) throw new Error(`Global store ${e.storeName}: its source topic ${e.topic} does not exist`)
        for (let p = 0; p < n; p++) {
          const offset = e.persistent ? (checkpoint.offsets.get(topicPartitionKey(e.topic, p))?.offset ?? null) : null
          changelogs.push({ ...e, partition: p, offset })
        }
      }
      const restored = await restoreChangelogs({
        reader: this.deps.reader,
        changelogs,
        listener: this.deps.restoreListener,
        metrics: this.deps.metrics,
        logger: config.logger,
        aborted,
      })
      for (const c of changelogs) {
        const key = tpKey(c.topic, c.partition)
        this.positions.set(key, { task, topic: c.topic, partition: c.partition, offset: restored.get(key)?.offset ?? 0, persistent: c.persistent })
      }
      for (const name of task.storeNames()) this.stores.set(name, task.getStore(name)!)
      await task.start()
    }
  }

  /** One fetch round over every global partition; the records go through the global processors. */
  async update(reader: PartitionReader, maxWaitMs: number): Promise<number> {
    if (this.positions.size === 0) return 0
    const results = await reader.fetch(
      [...this.positions.values()].map(p => ({ topic: p.topic, partition: p.partition, offset: p.offset })),
      maxWaitMs,
    )
    let added = 0
    for (const r of results) {
      const pos = this.positions.get(tpKey(r.topic, r.partition))
      if (!pos) continue
      let start = 0
      while (start < r.records.length && r.records[start]!.offset < pos.offset) start++
      if (start < r.records.length) {
        pos.task.addRecords(r.topic, r.partition, start === 0 ? r.records : r.records.slice(start))
        added += r.records.length - start
      }
      pos.offset = Math.max(pos.offset, r.nextOffset)
    }
    if (added > 0) for (const t of this.tasks) while (t.buffered() > 0) await t.process(GLOBAL_PROCESS_BATCH)
    return added
  }

  /**
   * Flushes the stores, then records how far they have read (persistent stores only), as Kafka
   * Streams' global checkpoint: the next start resumes there instead of replaying the topic.
   */
  async checkpoint(): Promise<void> {
    for (const t of this.tasks) {
      for (const name of t.storeNames()) await t.getStore(name)?.flush()
      const entries: ChangelogOffset[] = []
      for (const p of this.positions.values()) if (p.task === t && p.persistent) entries.push({ topic: p.topic, partition: p.partition, offset: p.offset })
      if (entries.length > 0) await writeTaskCheckpoint(t.taskDir, entries)
    }
  }

  async close(): Promise<void> {
    try {
      await this.checkpoint()
    } catch (err) {
      this.deps.config.logger.warn({ err }, 'Could not checkpoint global stores; the next start replays their topics')
    }
    for (const t of this.tasks) {
      await t.close({ clean: true }).catch(e => this.deps.config.logger.warn({ task: t.id, err: e }, `Closing global task ${t.id} failed`))
    }
    this.tasks.length = 0
    this.positions.clear()
    this.stores.clear()
  }
}
