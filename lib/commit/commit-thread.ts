import type { GroupMetadata, TopicPartitionOffset } from '../clients/types.js'
import { prepareCommit } from '../../topology/internals/task-commit.js'
import type { ActiveTask } from '../tasks/active-task.js'
import type { ThreadProducer } from '../tasks/thread-producer.js'
import { commitChannel, traced, type CommitTraceContext } from '../tracing/channels.js'
import { TaskFlushError, withPartitionTimes } from './commit-tasks.js'

export interface ThreadCommitOptions {
  /** Whose input offsets go into the transaction (default: every task's). */
  offsetsOf?: (t: ActiveTask) => boolean
  /**
   * Called once every task is flushed, right before the offsets are sent: returns the group
   * metadata to send them with, or throws to stop the commit (the transaction stays open).
   */
  beforeOffsets(): GroupMetadata | undefined
}

/**
 * exactly_once_v2 with one transactional producer per stream thread (KIP-447, Kafka Streams'
 * TaskExecutor.commitOffsetsOrTransaction): flush every task, then commit the output, changelog
 * records and input offsets of all of them in the thread's one transaction, the offsets carrying
 * the consumer's group metadata so a member of an old generation is refused. Nothing to commit and
 * no open transaction: no transaction. Returns whether a transaction was committed.
 *
 * Throws TaskFlushError when a task's output could not be sent (the transaction is then the
 * caller's to abort), or the producer's error.
 */
export function commitThreadTransaction(
  tasks: readonly ActiveTask[],
  producer: ThreadProducer,
  groupId: string,
  opts: ThreadCommitOptions,
): Promise<boolean> {
  const context = (): CommitTraceContext => ({ applicationId: groupId, guarantee: 'exactly_once_v2', taskIds: tasks.map(t => t.id), offsets: [] })
  return traced(commitChannel, context, ctx => threadTransaction(tasks, producer, groupId, opts, ctx))
}

async function threadTransaction(
  tasks: readonly ActiveTask[],
  producer: ThreadProducer,
  groupId: string,
  opts: ThreadCommitOptions,
  trace: CommitTraceContext | null,
): Promise<boolean> {
  const prepared = await prepareCommit(tasks)
  const failed = tasks.filter((_, i) => prepared[i]!.error !== undefined)
  if (failed.length > 0) throw new TaskFlushError(failed, prepared.find(p => p.error !== undefined)!.error)
  const offsetsOf = opts.offsetsOf ?? (() => true)
  const perTask: [ActiveTask, TopicPartitionOffset[]][] = []
  const changed: TopicPartitionOffset[] = []
  tasks.forEach((t, i) => {
    if (!offsetsOf(t)) return
    const offsets = withPartitionTimes(prepared[i]!.offsets)
    perTask.push([t, offsets])
    changed.push(...t.changedOffsets(offsets))
  })
  if (changed.length === 0 && !producer.inTransaction()) return false
  const group = opts.beforeOffsets()
  if (trace) trace.offsets = changed
  await producer.commit(groupId, changed, group)
  for (const [t, offsets] of perTask) t.markCommitted(offsets)
  for (const t of tasks) t.updateChangelogPositions()
  return true
}
