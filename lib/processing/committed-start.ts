import type { AdminClient, PartitionReader } from '../clients/types.js'
import { tpKey } from '../clients/types.js'
import { decodePartitionTime, UNKNOWN_PARTITION_TIME } from '../commit/partition-time-metadata.js'
import type { ResolvedStreamsConfig } from '../config/types.js'
import type { ActiveTask } from '../tasks/active-task.js'

export interface CommittedStartDeps {
  admin: Pick<AdminClient, 'committedOffsets'>
  reader: Pick<PartitionReader, 'endOffsets' | 'beginningOffsets'>
  config: Pick<ResolvedStreamsConfig, 'applicationId' | 'autoOffsetReset' | 'logger'>
  /** The reset policy a source set for its topic, if any. */
  offsetResetFor(topic: string): 'earliest' | 'latest' | null
}

/**
 * Where a new task's inputs start: the group's committed offsets (recorded as the task's last
 * commit, with the partition times committed beside them so stream time resumes where the last
 * owner stopped), else the source's reset policy resolved to a real offset. Returns tpKey → offset.
 */
export async function committedStart(deps: CommittedStartDeps, t: ActiveTask): Promise<Map<string, number>> {
  const { admin, config } = deps
  const topics = [...new Set(t.inputs.map(i => i.topic))]
  const committed = await admin.committedOffsets(config.applicationId, topics)
  const byKey = new Map(committed.map(c => [tpKey(c.topic, c.partition), c.offset]))
  for (const c of committed) {
    const time = decodePartitionTime(c.metadata, m => config.logger.warn({ task: t.id }, `task ${t.id}, ${c.topic}-${c.partition}: ${m}`))
    if (time !== UNKNOWN_PARTITION_TIME && t.inputs.some(tp => tp.topic === c.topic && tp.partition === c.partition)) {
      t.task.initializePartitionTime(c.topic, c.partition, time)
    }
  }
  // No committed offset: the source's own reset policy (Consumed.withOffsetResetPolicy), else the
  // config's, resolved to a real offset here (kafkajs mishandles seeks to its special offsets).
  const uncommitted = t.inputs.filter(tp => !byKey.has(tpKey(tp.topic, tp.partition)))
  const latest = uncommitted.filter(tp => (deps.offsetResetFor(tp.topic) ?? config.autoOffsetReset) === 'latest')
  const earliest = uncommitted.filter(tp => !latest.includes(tp))
  const [ends, starts] = await Promise.all([
    latest.length > 0 ? deps.reader.endOffsets(latest) : new Map<string, number>(),
    earliest.length > 0 ? deps.reader.beginningOffsets(earliest) : new Map<string, number>(),
  ])
  const offsets = new Map<string, number>()
  for (const tp of t.inputs) {
    const key = tpKey(tp.topic, tp.partition)
    const committedOffset = byKey.get(key)
    if (committedOffset !== undefined) t.committed.set(key, committedOffset)
    offsets.set(key, committedOffset ?? ends.get(key) ?? starts.get(key) ?? 0)
  }
  return offsets
}
