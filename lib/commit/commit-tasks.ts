import type { TopicPartitionOffset } from '../clients/types.js'
import type { CommittableOffset } from '../../topology/internals/task-types.js'
import { prepareCommit } from '../../topology/internals/task-commit.js'
import type { ActiveTask } from '../tasks/active-task.js'
import { encodePartitionTime } from './partition-time-metadata.js'
import { commitChannel, traced, type CommitTraceContext } from '../tracing/channels.js'

/**
 * Some tasks' output could not be sent: records they processed since their last commit are not
 * all written, so their offsets must not be committed (the collector does not keep what failed).
 */
export class TaskFlushError extends Error {
  constructor(readonly tasks: readonly ActiveTask[], override readonly cause: unknown) {
    super(`Output of task(s) ${tasks.map(t => t.id).join(', ')} could not be sent: ${(cause as Error)?.message ?? String(cause)}`, { cause })
    this.name = 'TaskFlushError'
  }
}

/**
 * at_least_once: flush every task (stores forward and log their dirty entries), wait for every
 * produced record to be acknowledged, then commit the input offsets in one request. A crash
 * before the offset commit replays from the previous commit: duplicates, never loss.
 */
export function commitAtLeastOnce(
  tasks: readonly ActiveTask[],
  commitOffsets: (offsets: TopicPartitionOffset[]) => Promise<void>,
  applicationId: string,
): Promise<number> {
  return traced(commitChannel, commitContext(applicationId, 'at_least_once', tasks), ctx => atLeastOnce(tasks, commitOffsets, ctx))
}

async function atLeastOnce(
  tasks: readonly ActiveTask[],
  commitOffsets: (offsets: TopicPartitionOffset[]) => Promise<void>,
  trace: CommitTraceContext | null,
): Promise<number> {
  const prepared = await prepareCommit(tasks)
  const failed = tasks.filter((_, i) => prepared[i]!.error !== undefined)
  if (failed.length > 0) throw new TaskFlushError(failed, prepared.find(p => p.error !== undefined)!.error)
  const perTask = tasks.map((t, i): [ActiveTask, TopicPartitionOffset[]] => [t, withPartitionTimes(prepared[i]!.offsets)])
  const changed: TopicPartitionOffset[] = []
  for (const [t, offsets] of perTask) changed.push(...t.changedOffsets(offsets))
  if (trace) trace.offsets = changed
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
export function commitExactlyOnce(task: ActiveTask, groupId: string): Promise<boolean> {
  return traced(commitChannel, commitContext(groupId, 'exactly_once_v2', [task]), ctx => exactlyOnce(task, groupId, ctx))
}

async function exactlyOnce(task: ActiveTask, groupId: string, trace: CommitTraceContext | null): Promise<boolean> {
  const [prepared] = await prepareCommit([task])
  if (prepared!.error !== undefined) throw prepared!.error
  const offsets = withPartitionTimes(prepared!.offsets)
  const changed = task.changedOffsets(offsets)
  if (changed.length === 0 && !task.producer.inTransaction()) return false
  if (trace) trace.offsets = offsets
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

function commitContext(applicationId: string, guarantee: CommitTraceContext['guarantee'], tasks: readonly ActiveTask[]) {
  return (): CommitTraceContext => ({ applicationId, guarantee, taskIds: tasks.map(t => t.id), offsets: [] })
}
