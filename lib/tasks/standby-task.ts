import type { ChangelogOffset } from '../../stores/checkpoint/offset-checkpoint.js'
import { writeTaskCheckpoint } from '../../stores/checkpoint/task-state.js'
import type { RestoreRecord } from '../../stores/state-store.js'
import { StreamTask } from '../../topology/internals/stream-task.js'
import type { ChangelogToRestore } from '../../topology/internals/task-types.js'
import { parseTaskId } from '../assignment/task-id.js'
import type { PartitionReader } from '../clients/types.js'
import { tpKey } from '../clients/types.js'
import type { TaskFactoryDeps } from './task-factory.js'
import { childLogger } from '../config/logger.js'

/**
 * A standby replica: the task's stores, kept warm by tailing their changelogs (read_committed),
 * never processing input. When the task moves here it restores only what the standby has not
 * yet read. Its checkpoint is always valid (it only ever holds committed data).
 */
export class StandbyTask {
  private readonly positions = new Map<string, { changelog: ChangelogToRestore; offset: number }>()

  private constructor(readonly task: StreamTask) {}

  get id(): string {
    return this.task.id
  }

  static async create(deps: TaskFactoryDeps, taskId: string, cacheMaxBytes: number): Promise<StandbyTask> {
    const { subtopology, partition } = parseTaskId(taskId)
    const task = new StreamTask({
      topology: deps.topology,
      subtopologyId: subtopology,
      partition,
      applicationId: deps.config.applicationId,
      stateDir: deps.config.stateDir,
      collector: {
        send: () => {
          throw new Error(`standby task ${taskId} must not produce records`)
        },
      },
      cacheMaxBytes,
      exactlyOnce: deps.config.processingGuarantee === 'exactly_once_v2',
      warn: m => childLogger(deps.config.logger, { task: taskId, standby: true }).warn(m),
    })
    const standby = new StandbyTask(task)
    try {
      const changelogs = await task.initialize()
      const tps = changelogs.map(c => ({ topic: c.topic, partition: c.partition }))
      const starts = changelogs.some(c => c.offset === null) ? await deps.reader.beginningOffsets(tps) : new Map<string, number>()
      for (const c of changelogs) {
        const key = tpKey(c.topic, c.partition)
        standby.positions.set(key, { changelog: c, offset: c.offset ?? starts.get(key) ?? 0 })
      }
    } catch (err) {
      await task.close({ clean: false }).catch(() => {})
      throw err
    }
    return standby
  }

  /** Sum of changelog positions: how caught up this replica is (for the assignor). */
  offsetSum(): number {
    let sum = 0
    for (const p of this.positions.values()) sum += p.offset
    return sum
  }

  /** One fetch round over the standby's changelogs; returns the records applied. */
  async update(reader: PartitionReader, maxWaitMs: number): Promise<number> {
    if (this.positions.size === 0) return 0
    const results = await reader.fetch(
      [...this.positions.values()].map(p => ({ topic: p.changelog.topic, partition: p.changelog.partition, offset: p.offset })),
      maxWaitMs,
    )
    let applied = 0
    for (const r of results) {
      const pos = this.positions.get(tpKey(r.topic, r.partition))
      if (!pos) continue
      const batch: RestoreRecord[] = []
      for (const rec of r.records) if (rec.key !== null && rec.offset >= pos.offset) batch.push({ key: rec.key, value: rec.value, timestamp: rec.timestamp, offset: rec.offset })
      if (batch.length > 0) await pos.changelog.restore(batch)
      applied += batch.length
      pos.offset = Math.max(pos.offset, r.nextOffset)
    }
    return applied
  }

  /** Stores first, so the checkpoint never claims more than is on disk. */
  async checkpoint(): Promise<void> {
    for (const name of this.task.storeNames()) await this.task.getStore(name)?.flush()
    await this.writeCheckpoint()
  }

  private async writeCheckpoint(): Promise<void> {
    const entries: ChangelogOffset[] = []
    for (const p of this.positions.values()) {
      if (p.changelog.persistent) entries.push({ topic: p.changelog.topic, partition: p.changelog.partition, offset: p.offset })
    }
    if (entries.length > 0) await writeTaskCheckpoint(this.task.taskDir, entries)
  }

  /** Flushes the stores to disk, writes the checkpoint and closes. */
  async close(): Promise<void> {
    try {
      for (const name of this.task.storeNames()) await this.task.getStore(name)?.flush()
      await this.task.close({ clean: true })
      await this.writeCheckpoint()
    } catch {
      await this.task.close({ clean: false }).catch(() => {})
    }
  }
}
