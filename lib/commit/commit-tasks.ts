import type { TopicPartitionOffset } from '../clients/types.js'
import type { CommittableOffset } from '../../topology/internals/task-types.js'
import type { ActiveTask } from '../tasks/active-task.js'
import { encodePartitionTime } from './partition-time-metadata.js'

/**
 * at_least_once: flush every task (stores forward and log their dirty entries), wait for every
 * produced record to be acknowledged, then commit the input offsets in one request. A crash
 * before the offset commit replays from the previous commit: duplicates, never loss.
 */
export async function commitAtLeastOnce(
  tasks: readonly ActiveTask[],
  commitOffsets: (offsets: TopicPartitionOffset[]) => Promise<void>,
): Promise<number> {
  const perTask: [ActiveTask, TopicPartitionOffset[]][] = []
  for (const t of tasks) perTask.push([t, withPartitionTimes(await t.task.commit())])
  await Promise.all(tasks.map(t => t.collector.flush()))
  const changed: TopicPartitionOffset[] = []
  for (const [t, offsets] of perTask) changed.push(...t.changedOffsets(offsets))
  if (changed.length > 0) await commitOffsets(changed)
  for (const [t, offsets] of perTask) t.markCommitted(offsets)
  await Promise.all(tasks.map(t => t.writeCheckpoint()))
  return changed.length
}

/**
 * exactly_once_v2 (one transactional producer per task, see docs/internals.md): the task's
 * output records, changelog records and input offsets commit in one transaction. kafkajs sends
 * TxnOffsetCommit without group metadata (no KIP-447), so zombie fencing rests on the
 * transactional id `<applicationId>-<taskId>`: a new owner's InitProducerId bumps its epoch.
 */
export async function commitExactlyOnce(task: ActiveTask, groupId: string): Promise<boolean> {
  const offsets = withPartitionTimes(await task.task.commit())
  await task.collector.flush()
  const changed = task.changedOffsets(offsets)
  if (changed.length === 0 && !task.producer.inTransaction()) return false
  if (!task.producer.inTransaction()) await task.producer.beginTransaction()
  if (changed.length > 0) await task.producer.sendOffsetsInTransaction(groupId, changed)
  await task.producer.commitTransaction()
  task.markCommitted(offsets)
  task.updateChangelogPositions()
  return true
}

/** Offsets to commit, each carrying its partition's time as metadata (Kafka Streams' format). */
export function withPartitionTimes(offsets: readonly CommittableOffset[]): TopicPartitionOffset[] {
  return offsets.map(o => ({ topic: o.topic, partition: o.partition, offset: o.offset, metadata: encodePartitionTime(o.partitionTime) }))
}
