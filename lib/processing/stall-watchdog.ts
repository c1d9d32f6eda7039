import type { TopicPartition } from '../clients/types.js'
import { tpKey } from '../clients/types.js'
import type { Logger } from '../config/types.js'
import type { Counter, Gauge } from '../metrics/registry.js'

/** An input partition this instance is assigned, as the thread sees it at a check. */
export interface WatchedPartition extends TopicPartition {
  taskId: string
  /** Next offset to consume; null while the partition's task has not started. */
  position: number | null
}

export interface StallWatchdogDeps {
  thresholdMs: number
  logger: Logger
  stalled: Gauge
  detected: Counter
  /** Read-committed end offsets (last stable offsets), from the broker. */
  endOffsets(partitions: readonly TopicPartition[]): Promise<Map<string, number>>
  beginningOffsets(partitions: readonly TopicPartition[]): Promise<Map<string, number>>
}

interface Track {
  position: number | null
  since: number
  stalled: boolean
  warnedAt: number
}

/**
 * Finds assigned partitions that have records to read but whose position has not moved for
 * `thresholdMs`: a task that cannot start, a partition left paused, a fetch that never returns.
 * Each is logged at WARN with topic, partition, task, position and lag (again every threshold
 * while it lasts) and counted in the `stalled_partitions` gauge. The thread calls `check` on its
 * commit schedule; only partitions that have not moved for the threshold cost a ListOffsets.
 */
export class StallWatchdog {
  private readonly tracks = new Map<string, Track>()

  constructor(private readonly deps: StallWatchdogDeps) {}

  async check(now: number, partitions: readonly WatchedPartition[]): Promise<void> {
    const { thresholdMs } = this.deps
    const current = new Set<string>()
    const suspects: WatchedPartition[] = []
    for (const p of partitions) {
      const key = tpKey(p.topic, p.partition)
      current.add(key)
      const t = this.tracks.get(key)
      if (!t || t.position !== p.position) {
        this.tracks.set(key, { position: p.position, since: now, stalled: false, warnedAt: 0 })
        continue
      }
      if (now - t.since >= thresholdMs) suspects.push(p)
    }
    for (const key of [...this.tracks.keys()]) if (!current.has(key)) this.tracks.delete(key)
    if (suspects.length > 0) await this.examine(now, suspects)
    let stalled = 0
    for (const t of this.tracks.values()) if (t.stalled) stalled++
    this.deps.stalled.set(stalled)
  }

  private async examine(now: number, suspects: readonly WatchedPartition[]): Promise<void> {
    let ends: Map<string, number>
    let starts = new Map<string, number>()
    try {
      ends = await this.deps.endOffsets(suspects)
      const unstarted = suspects.filter(p => p.position === null)
      if (unstarted.length > 0) starts = await this.deps.beginningOffsets(unstarted)
    } catch (err) {
      this.deps.logger.debug({ err }, 'Stalled-partition check could not read end offsets; retrying at the next check')
      return
    }
    for (const p of suspects) {
      const key = tpKey(p.topic, p.partition)
      const t = this.tracks.get(key)!
      const end = ends.get(key)
      const from = p.position ?? starts.get(key)
      if (end === undefined || from === undefined) continue
      const lag = end - from
      if (lag <= 0) {
        // Idle and caught up: healthy. Look again only after another threshold without progress.
        t.stalled = false
        t.since = now
        continue
      }
      if (!t.stalled) this.deps.detected.inc()
      if (!t.stalled || now - t.warnedAt >= this.deps.thresholdMs) {
        t.warnedAt = now
        this.deps.logger.warn(
          { topic: p.topic, partition: p.partition, task: p.taskId, position: p.position, lag, stalledMs: now - t.since },
          `Partition ${p.topic}-${p.partition} of task ${p.taskId} has not advanced for ${now - t.since} ms with ${lag} record(s) to process` +
            (p.position === null ? ' (its task has not started)' : ` (position ${p.position})`),
        )
      }
      t.stalled = true
    }
  }
}
