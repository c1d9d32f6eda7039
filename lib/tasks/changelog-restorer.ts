import type { ChangelogOffset } from '../../stores/checkpoint/offset-checkpoint.js'
import { StateRestorer } from '../../stores/restore/state-restorer.js'
import type { StateRestoreListener } from '../../stores/restore/state-restore-listener.js'
import type { RestoreRecord } from '../../stores/state-store.js'
import type { ChangelogToRestore } from '../../topology/internals/task-types.js'
import type { PartitionReader } from '../clients/types.js'
import { tpKey } from '../clients/types.js'
import type { Logger } from '../config/types.js'
import type { StreamsMetrics } from '../metrics/streams-metrics.js'

export interface RestoreOptions {
  reader: PartitionReader
  changelogs: readonly ChangelogToRestore[]
  listener?: StateRestoreListener
  metrics?: StreamsMetrics
  logger: Logger
  /** Polled between fetches: restore stops early when the task is being closed. */
  aborted?: () => boolean
  /** The task's state manager: records where each changelog's restoration stopped (its position). */
  positions?: { restored(topic: string, partition: number, nextOffset: number): void }
}

/**
 * Replays changelog partitions into their stores, from the checkpointed offset (or the log
 * start) to the end offset read when restore began (the last stable offset: only committed
 * transactions). Records go to the store's restore callback in fetch-sized batches, bypassing
 * caches, changelogs and processors. Returns each changelog's next offset.
 */
export async function restoreChangelogs(opts: RestoreOptions): Promise<Map<string, ChangelogOffset>> {
  const out = new Map<string, ChangelogOffset>()
  if (opts.changelogs.length === 0) return out
  const tps = opts.changelogs.map(c => ({ topic: c.topic, partition: c.partition }))
  const [ends, starts] = await Promise.all([opts.reader.endOffsets(tps), opts.reader.beginningOffsets(tps)])

  const restorers = new Map<string, { restorer: StateRestorer; gauge?: ReturnType<StreamsMetrics['restoreProgress']> }>()
  for (const c of opts.changelogs) {
    const key = tpKey(c.topic, c.partition)
    const logStart = starts.get(key) ?? 0
    const end = ends.get(key) ?? 0
    let start = c.offset ?? logStart
    if (start < logStart) start = logStart // compacted or deleted below the checkpoint
    if (start > end) {
      opts.logger.warn(`Checkpoint of store ${c.storeName} is ahead of ${c.topic}-${c.partition} (${start} > ${end}); nothing to restore`)
      start = end
    }
    const gauge = opts.metrics?.restoreProgress(c.storeName, c.topic, c.partition)
    gauge?.total.set(end - start)
    gauge?.restored.set(0)
    restorers.set(key, {
      gauge,
      restorer: new StateRestorer({
        storeName: c.storeName, changelogTopic: c.topic, partition: c.partition,
        restore: c.restore, startOffset: start, endOffset: end, listener: opts.listener,
      }),
    })
  }

  for (;;) {
    const open = [...restorers.values()].filter(r => !r.restorer.isComplete)
    if (open.length === 0 || opts.aborted?.()) break
    const results = await opts.reader.fetch(
      open.map(r => ({ topic: r.restorer.changelogTopic, partition: r.restorer.partition, offset: r.restorer.nextOffset })),
      100,
    )
    for (const res of results) {
      const entry = restorers.get(tpKey(res.topic, res.partition))
      if (!entry) continue
      const batch: RestoreRecord[] = []
      for (const r of res.records) if (r.key !== null) batch.push({ key: r.key, value: r.value, timestamp: r.timestamp, offset: r.offset })
      await entry.restorer.restoreBatch(batch, res.nextOffset)
      entry.gauge?.restored.set(entry.restorer.totalRestored)
    }
  }
  for (const [key, { restorer }] of restorers) {
    const done = await restorer.finish()
    out.set(key, done)
    opts.positions?.restored(done.topic, done.partition, done.offset)
  }
  return out
}
