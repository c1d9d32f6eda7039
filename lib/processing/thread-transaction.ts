import type { AdminClient, GroupConsumer, TopicPartition } from '../clients/types.js'
import { classifyClientError, isMembershipLost, isRecoverableClientError, kafkaCodeOf, type ClientErrorKind } from '../clients/errors.js'
import { commitThreadTransaction } from '../commit/commit-thread.js'
import { TaskFlushError } from '../commit/commit-tasks.js'
import type { ResolvedStreamsConfig } from '../config/types.js'
import type { ActiveTask } from '../tasks/active-task.js'
import type { ThreadProducer } from '../tasks/thread-producer.js'
import type { PendingAssignment } from './pending-assignment.js'

/** What the thread's transaction needs of the task manager. */
export interface ThreadTasks {
  readonly active: ReadonlyMap<string, ActiveTask>
  readonly membershipEpoch: number
  readonly assignment: PendingAssignment
  markAllLost(why: string): void
  restartTask(t: ActiveTask, kind: ClientErrorKind, err: unknown, why?: string): Promise<void>
}

/** A commit stopped before its offsets were sent: the tasks were lost meanwhile (the loop closes them). */
class LostDuringCommit extends Error {}

/**
 * A revoked task had output in the open transaction. The new owner may already have started from
 * the last commit, so that output must never commit: the transaction aborts.
 */
class RevokedWithOutput extends Error {
  constructor(readonly taskId: string) {
    super(`task ${taskId} had output in the open transaction when the group moved it`)
  }
}

/**
 * exactly_once_v2 with one transactional producer per stream thread (Kafka Streams' EOS v2): the
 * thread's active tasks commit together in one transaction, and a failure is the thread's, by
 * kind. A fenced producer, a lost transaction or a member the coordinator no longer knows in its
 * generation: every task is lost (closed dirty, not committed), the producer is re-created and the
 * assigned tasks start again from the committed offsets. Anything else recoverable (a task's output
 * not sent, a commit whose outcome is unknown): the transaction aborts and every task that had
 * output in it is closed dirty and started again from its last commit, as Kafka Streams closes
 * them dirty and revives them. Other errors are fatal for the thread.
 */
export class ThreadTransaction {
  constructor(
    readonly producer: ThreadProducer,
    private readonly tasks: ThreadTasks,
    private readonly deps: { config: ResolvedStreamsConfig; consumer: Pick<GroupConsumer, 'groupMetadata'>; admin: Pick<AdminClient, 'committedOffsets'> },
  ) {}

  /**
   * What a new task does before restoring: a previous owner's transaction is not fenced by its
   * start, so it waits until none holds offsets of its inputs (the client fetches them as stable,
   * KIP-447); the changelogs restored next then hold everything those offsets account for.
   */
  beforeRestore(inputs: readonly TopicPartition[]): () => Promise<unknown> {
    return () => this.deps.admin.committedOffsets(this.deps.config.applicationId, [...new Set(inputs.map(i => i.topic))])
  }

  /**
   * Commits every active task, and `closing` (tasks leaving the thread, already out of `active`).
   * `revoked`: the group moved the closing tasks, so the group metadata is the new generation's and
   * the new owner may already have started: their offsets stay out, and output of theirs in the
   * transaction aborts it. Returns true when the work is committed (or there was none); false when
   * it was not: the commit failed and was handled, or the consumer is between generations (then
   * the closing tasks' output is aborted). Throws errors that are fatal for the thread.
   */
  async commit(closing: readonly ActiveTask[] = [], revoked = false): Promise<boolean> {
    const tasks = [...closing, ...this.tasks.active.values()]
    if (tasks.length === 0 && !this.producer.inTransaction()) return true
    const epoch = this.tasks.membershipEpoch
    // The generation this commit belongs to, read now: if the group moves on while the tasks
    // flush, the coordinator refuses the offsets rather than crediting this work to the new one.
    const group = this.deps.consumer.groupMetadata()
    if (group === null) {
      // The consumer is between generations (rejoining): offsets without group metadata would not
      // be checked at all, so nothing commits until the member has its generation again.
      const withOutput = closing.filter(t => this.producer.tasksWithOutput().has(t.id))
      if (withOutput.length > 0) await this.abortAndReset('rebalance', null, `had output in the aborted transaction (task ${withOutput[0]!.id} closed while the consumer had no generation)`)
      return false
    }
    const leaving = new Set(revoked ? closing : [])
    try {
      await commitThreadTransaction(tasks, this.producer, this.deps.config.applicationId, {
        offsetsOf: t => !leaving.has(t),
        beforeOffsets: () => {
          if (this.tasks.membershipEpoch !== epoch) throw new LostDuringCommit()
          for (const t of leaving) if (this.producer.tasksWithOutput().has(t.id)) throw new RevokedWithOutput(t.id)
          return group
        },
      })
      return true
    } catch (err) {
      await this.failed(err)
      return false
    }
  }

  private async failed(err: unknown): Promise<void> {
    const { logger } = this.deps.config
    if (err instanceof LostDuringCommit) return
    if (err instanceof RevokedWithOutput) {
      await this.abortAndReset('rebalance', err, `had output in the aborted transaction (${err.message})`)
      return
    }
    const cause = err instanceof TaskFlushError ? err.cause : err
    if (!isRecoverableClientError(cause)) throw cause
    const kind = classifyClientError(cause)
    if (kind === 'fenced' || kind === 'transaction_state' || isMembershipLost(cause)) {
      // Kafka Streams' TaskMigratedException: this thread's tasks may belong to others by now.
      const why = `the transaction of producer ${this.producer.transactionalId} failed (${kind}, error code ${kafkaCodeOf(cause)})`
      this.tasks.markAllLost(why)
      this.tasks.assignment.again()
      await this.lostAll()
      return
    }
    const flush = err instanceof TaskFlushError
    const failedTasks = flush ? err.tasks : []
    const reason = flush ? `had output in the aborted transaction (the output of ${failedTasks.map(t => t.id).join(', ')} could not be sent)` : 'had output in the aborted transaction (its commit failed)'
    logger.warn({ kind, code: kafkaCodeOf(cause), err: cause }, `The transaction of stream thread producer ${this.producer.transactionalId} failed; aborting it`)
    // A commit that failed may have left the transaction on the coordinator in any state (the
    // client may consider it ended): a new producer resolves it at once, rather than the timeout.
    await this.abortAndReset(kind, cause, reason, failedTasks, !flush)
  }

  /**
   * Aborts the open transaction and closes dirty every task with output in it (and `more`, whose
   * output may be lost), restarting those the group still assigns here from their last commit.
   * `newProducer` (or a failed abort): the producer is replaced too.
   */
  private async abortAndReset(kind: ClientErrorKind, err: unknown, why: string, more: readonly ActiveTask[] = [], newProducer = false): Promise<void> {
    const dirty = new Set([...this.producer.tasksWithOutput(), ...more.map(t => t.id)])
    let reset = newProducer
    try {
      await this.producer.abort()
    } catch (abortErr) {
      this.deps.config.logger.warn({ err: abortErr }, `Aborting the transaction of ${this.producer.transactionalId} failed; re-creating the producer, which aborts it`)
      reset = true
    }
    for (const t of [...this.tasks.active.values()]) if (dirty.has(t.id)) await this.tasks.restartTask(t, kind, err, why)
    // Tasks without output in it keep running: they send through the new producer.
    if (reset) await this.producer.reset()
  }

  /**
   * The tasks were lost: abort what is open (a fenced producer cannot; its successor's
   * InitProducerId does) and close the producer; the next task start creates a new one, as Kafka
   * Streams re-creates the thread producer in handleLostAll.
   */
  async lostAll(): Promise<void> {
    await this.producer.abort().catch(() => {})
    await this.producer.close()
  }

  /** The thread stops: abort what is still open (a dirty stop) and close the producer for good. */
  async close(): Promise<void> {
    await this.producer.abort().catch(() => {})
    await this.producer.dispose()
  }
}
