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
  /** Tasks whose processors started (restoration done): only those have anything to commit. */
  private readonly started = new Set<StreamTask>()
  /** tpKey → the task owning that partition of a global topic (its state manager knows the position). */
  private readonly partitions = new Map<string, { task: StreamTask; topic: string; partition: number }>()

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
        // Persistent stores resume from their checkpoint; without one, local data may hold keys the
        // topic's compaction has since removed, so it is wiped and the topic replayed in full.
        wipeStateWithoutCheckpoint: true,
        rocksDb: this.deps.rocksDb,
        warn: m => config.logger.warn(m),
      })
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
          const offset = e.persistent ? task.stateManager.checkpointedOffset(e.topic, p) : null
          changelogs.push({ ...e, partition: p, offset })
        }
      }
      await restoreChangelogs({
        reader: this.deps.reader,
        changelogs,
        listener: this.deps.restoreListener,
        metrics: this.deps.metrics,
        logger: config.logger,
        aborted,
        positions: task.stateManager,
      })
      for (const c of changelogs) this.partitions.set(tpKey(c.topic, c.partition), { task, topic: c.topic, partition: c.partition })
      for (const name of task.storeNames()) this.stores.set(name, task.getStore(name)!)
      await task.start()
      this.started.add(task)
    }
  }

  /** One fetch round over every global partition; the records go through the global processors. */
  async update(reader: PartitionReader, maxWaitMs: number): Promise<number> {
    if (this.partitions.size === 0) return 0
    const results = await reader.fetch(
      [...this.partitions.values()].map(p => ({ topic: p.topic, partition: p.partition, offset: p.task.stateManager.changelogOffset(p.topic, p.partition) ?? 0 })),
      maxWaitMs,
    )
    let added = 0
    for (const r of results) {
      const part = this.partitions.get(tpKey(r.topic, r.partition))
      if (!part) continue
      const from = part.task.stateManager.changelogOffset(r.topic, r.partition) ?? 0
      let start = 0
      while (start < r.records.length && r.records[start]!.offset < from) start++
      if (start < r.records.length) {
        part.task.addRecords(r.topic, r.partition, start === 0 ? r.records : r.records.slice(start))
        added += r.records.length - start
      }
      part.task.stateManager.restored(r.topic, r.partition, r.nextOffset)
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
      await t.stateManager.flush()
      await t.stateManager.checkpoint()
    }
  }

  /** Commits each global task (flushing its stores), then closes it: a clean close writes the checkpoint. */
  async close(): Promise<void> {
    for (const t of this.tasks) {
      let clean = true
      try {
        if (this.started.has(t)) await t.commit()
      } catch (err) {
        clean = false
        this.deps.config.logger.warn({ task: t.id, err }, `Could not flush global task ${t.id}; the next start replays its topics from the last checkpoint`)
      }
      await t.close({ clean }).catch(e => this.deps.config.logger.warn({ task: t.id, err: e }, `Closing global task ${t.id} failed`))
    }
    this.tasks.length = 0
    this.started.clear()
    this.partitions.clear()
    this.stores.clear()
  }
}
