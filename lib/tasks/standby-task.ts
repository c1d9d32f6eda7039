import { ThreadCache } from '../../stores/cache/thread-cache.js'
import type { RecordContext, RestoreRecord, StateStore } from '../../stores/state-store.js'
import { StateManager } from '../../topology/internals/state-manager.js'
import type { ChangelogToRestore } from '../../topology/internals/task-types.js'
import { parseTaskId } from '../assignment/task-id.js'
import type { PartitionReader } from '../clients/types.js'
import { tpKey } from '../clients/types.js'
import type { TaskFactoryDeps } from './task-factory.js'
import { childLogger } from '../config/logger.js'

/** A standby processes nothing: its stores' changelog writes carry no record's context. */
const NO_RECORD: RecordContext = Object.freeze({ topic: '', partition: -1, offset: -1, timestamp: -1, headers: Object.freeze({}) })

/**
 * A standby replica: the task's stores, kept warm by tailing their changelogs (read_committed),
 * never processing input. It is a state manager and nothing more: no processors, no record
 * collector. When the task moves here it restores only what the standby has not yet read. Its
 * checkpoint is always valid (it only ever holds committed data).
 */
export class StandbyTask {
  /** tpKey → the changelog a fetch result applies to. */
  private readonly changelogs = new Map<string, ChangelogToRestore>()

  private constructor(
    readonly id: string,
    readonly stateManager: StateManager,
  ) {}

  static async create(deps: TaskFactoryDeps, taskId: string, cacheMaxBytes: number): Promise<StandbyTask> {
    const { subtopology, partition } = parseTaskId(taskId)
    const stateManager = new StateManager({
      topology: deps.topology,
      subtopologyId: subtopology,
      partition,
      applicationId: deps.config.applicationId,
      stateDir: deps.config.stateDir,
      exactlyOnce: deps.config.processingGuarantee === 'exactly_once_v2',
      standby: true,
      cache: cacheMaxBytes > 0 ? new ThreadCache(cacheMaxBytes) : null,
      collector: {
        send: (topic) => {
          throw new Error(`standby task ${taskId} must not produce records (a store tried to write to ${topic})`)
        },
      },
      recordContext: () => NO_RECORD,
      rocksDb: deps.rocksDb,
      warn: m => childLogger(deps.config.logger, { task: taskId, standby: true }).warn(m),
    })
    const standby = new StandbyTask(taskId, stateManager)
    try {
      const changelogs = await stateManager.initialize()
      const tps = changelogs.map(c => ({ topic: c.topic, partition: c.partition }))
      const starts = changelogs.some(c => c.offset === null) ? await deps.reader.beginningOffsets(tps) : new Map<string, number>()
      for (const c of changelogs) {
        const key = tpKey(c.topic, c.partition)
        standby.changelogs.set(key, c)
        stateManager.restored(c.topic, c.partition, c.offset ?? starts.get(key) ?? 0)
      }
    } catch (err) {
      await stateManager.close(false)
      throw err
    }
    return standby
  }

  /** A store of this replica (interactive queries over standbys). */
  getStore(name: string): StateStore | undefined {
    return this.stateManager.getStore(name)
  }

  /** Sum of changelog positions: how caught up this replica is (for the assignor). */
  offsetSum(): number {
    let sum = 0
    for (const p of this.stateManager.changelogOffsets()) sum += p.offset
    return sum
  }

  /** One fetch round over the standby's changelogs; returns the records applied. */
  async update(reader: PartitionReader, maxWaitMs: number): Promise<number> {
    if (this.changelogs.size === 0) return 0
    const results = await reader.fetch(this.stateManager.changelogOffsets(), maxWaitMs)
    let applied = 0
    for (const r of results) {
      if (!this.changelogs.has(tpKey(r.topic, r.partition))) continue
      const from = this.stateManager.changelogOffset(r.topic, r.partition) ?? 0
      const batch: RestoreRecord[] = []
      for (const rec of r.records) if (rec.key !== null && rec.offset >= from) batch.push({ key: rec.key, value: rec.value, timestamp: rec.timestamp, offset: rec.offset })
      await this.stateManager.restore(r.topic, r.partition, batch, r.nextOffset)
      applied += batch.length
    }
    return applied
  }

  /** Stores first, so the checkpoint never claims more than is on disk. */
  async checkpoint(): Promise<void> {
    await this.stateManager.flush()
    await this.stateManager.checkpoint()
  }

  /** Flushes the stores to disk, closes them and writes the checkpoint; on failure closes dirty. */
  async close(): Promise<void> {
    try {
      await this.stateManager.flush()
      await this.stateManager.close(true)
    } catch {
      await this.stateManager.close(false).catch(() => {})
    }
  }
}
