import { taskIdOf } from '../assignment/task-id.js'
import type { SubtopologySources } from '../assignment/tasks-from-metadata.js'
import { decodeAssignmentInfo, type AssignmentInfo } from '../assignment/user-data.js'
import type { AdminClient, GroupConsumer, TopicPartition } from '../clients/types.js'
import { isRecoverableClientError, type ClientErrorKind } from '../clients/errors.js'
import { commitAtLeastOnce, commitExactlyOnce } from '../commit/commit-tasks.js'
import type { ActiveTask } from '../tasks/active-task.js'
import { StandbyTask } from '../tasks/standby-task.js'
import { createActiveTask, type TaskFactoryDeps } from '../tasks/task-factory.js'
import { committedStart } from './committed-start.js'
import { describeError } from './describe-error.js'
import type { PartitionInputs } from './partition-inputs.js'
import type { PendingAssignment } from './pending-assignment.js'
import { ThreadTransaction } from './thread-transaction.js'

export interface TaskManagerDeps extends TaskFactoryDeps {
  subtopologies: readonly SubtopologySources[]
  consumer: Pick<GroupConsumer, 'commitOffsets' | 'assignmentUserData' | 'groupMetadata'>
  admin: Pick<AdminClient, 'committedOffsets'>
  /** The reset policy a source set for its topic, if any. */
  offsetResetFor(topic: string): 'earliest' | 'latest' | null
}

/** Why a task is closed dirty and started again from its last commit, per kind of commit error. */
const RESTART_REASON: Partial<Record<ClientErrorKind, string>> = {
  fenced: 'was fenced by a newer producer with its transactional id',
  transaction_state: 'lost its transaction on the broker (the coordinator or a partition no longer knows it)',
  rebalance: 'could not commit: the group has moved on',
  retriable: 'could not commit (outcome unknown after retries)',
  unknown_topic: 'could not commit: a topic it writes to is not available',
}

/**
 * Kafka Streams' TaskManager: turns an assignment into active and standby tasks, creates them,
 * starts them from the committed offsets, moves a standby to active, and closes tasks clean
 * (commit, checkpoint) or dirty (no commit; under exactly_once_v2 an abort). Only the loop calls
 * its async methods; the consumer's callbacks call `markAllLost` alone (synchronous).
 *
 * exactly_once_v2 runs one of two models: with a thread producer (`deps.threadProducer`, a client
 * with KIP-447) every task's work commits in the thread's one transaction (`thread`), so closing a
 * task clean commits them all and a dirty close aborts for all of them; without, each task has its
 * own producer and transaction.
 */
export class TaskManager {
  readonly active = new Map<string, ActiveTask>()
  readonly standby = new Map<string, StandbyTask>()
  /** Tasks created for the assignment whose start from the committed offsets has not completed yet. */
  private readonly unstarted = new Map<string, ActiveTask>()
  private readonly topicToSubtopology = new Map<string, number>()
  private info: AssignmentInfo | null = null
  /**
   * Set when this member lost its group membership: every task it had is lost (another member may
   * have processed and committed its partitions meanwhile), so none may commit again; the loop
   * closes them dirty (`handleLostAll`) before starting the next assignment from the committed offsets.
   */
  private tasksLost = false
  /** Counts membership losses, so a commit that began before one does not send its offsets after it. */
  private epoch = 0
  /** exactly_once_v2 with a producer per task. */
  private readonly eosPerTask: boolean
  /** exactly_once_v2 with one producer per thread: the thread's transaction. */
  readonly thread: ThreadTransaction | null

  constructor(
    private readonly deps: TaskManagerDeps,
    readonly inputs: PartitionInputs,
    readonly assignment: PendingAssignment,
    /** True once the thread stops: starts under way give up. */
    private readonly stopped: () => boolean,
  ) {
    for (const s of deps.subtopologies) for (const t of s.sourceTopics) this.topicToSubtopology.set(t, s.id)
    const eos = deps.config.processingGuarantee === 'exactly_once_v2'
    this.thread = eos && deps.threadProducer ? new ThreadTransaction(deps.threadProducer, this, deps) : null
    this.eosPerTask = eos && this.thread === null
  }

  get assignmentInfo(): AssignmentInfo | null {
    return this.info
  }

  get sourceTopics(): string[] {
    return [...this.topicToSubtopology.keys()]
  }

  get lost(): boolean {
    return this.tasksLost
  }

  get membershipEpoch(): number {
    return this.epoch
  }

  taskOf(tp: TopicPartition): string | null {
    const sub = this.topicToSubtopology.get(tp.topic)
    return sub === undefined ? null : taskIdOf(sub, tp.partition)
  }

  /** Changelog offset sums per task this member has, for the assignor (added to local ones on disk). */
  taskOffsetSums(local: Readonly<Record<string, number>>): Record<string, number> {
    const offsets: Record<string, number> = { ...local }
    for (const t of this.active.values()) {
      let sum = 0
      for (const p of t.changelogPositions.values()) sum += p.offset
      offsets[t.id] = sum
    }
    for (const s of this.standby.values()) offsets[s.id] = s.offsetSum()
    return offsets
  }

  /**
   * Kafka's onPartitionsLost, synchronous (a consumer callback may call it): this member is no
   * longer the one the group knew, so its tasks' input positions may be behind offsets another
   * member committed since. Their partitions stop taking records now, before the consumer fetches
   * again; the loop closes the tasks dirty, and tasks the group assigns here again start from the
   * committed offsets.
   */
  markAllLost(why: string): void {
    if (this.active.size + this.unstarted.size === 0) return
    this.epoch++
    if (!this.tasksLost) {
      const ids = [...this.active.keys(), ...this.unstarted.keys()]
      this.deps.config.logger.warn({ taskIds: ids }, `Lost group membership (${why}); tasks ${ids.join(', ')} are lost: closing them dirty without committing, their next start is from the committed offsets`)
    }
    this.tasksLost = true
    this.inputs.dropAll()
  }

  /**
   * Closes every task dirty after a membership loss: no commit, under exactly_once_v2 an abort
   * (with a thread producer, the producer is re-created too, as Kafka Streams' handleLostAll).
   */
  async handleLostAll(): Promise<void> {
    this.tasksLost = false
    for (const t of [...this.active.values(), ...this.unstarted.values()]) {
      await this.closeTask(t, false)
      this.deps.metrics.taskRestarts.inc()
    }
    if (this.thread) await this.thread.lostAll()
  }

  /**
   * Makes the tasks match an assignment: closes those no longer assigned (clean), drops standbys
   * no longer wanted or becoming active here (the active task restores from the standby's
   * checkpoint, so only the remaining delta), creates and starts new active tasks, then standbys.
   * Gives way as soon as a newer assignment is queued.
   */
  async handleAssignment(parts: readonly TopicPartition[]): Promise<void> {
    const { config } = this.deps
    const wanted = new Map<string, TopicPartition[]>()
    for (const tp of parts) {
      const id = this.taskOf(tp)
      if (id === null) continue
      if (!wanted.has(id)) wanted.set(id, [])
      wanted.get(id)!.push(tp)
    }

    // Assignment user data (standbys, host map, group-wide errors): read back from the coordinator.
    try {
      const info = decodeAssignmentInfo(await this.deps.consumer.assignmentUserData())
      if (info) this.info = info
    } catch (err) {
      config.logger.debug({ err }, 'Could not read assignment user data')
    }
    if (this.info?.error) throw new Error(this.info.error)

    await this.closeTasks([...this.active.values(), ...this.unstarted.values()].filter(t => !wanted.has(t.id)), true, true)
    // The thread's commit failed as lost: the loop closes every task first, then starts them again.
    if (this.tasksLost) return
    const wantedStandby = new Set((this.info?.standby ?? []).filter(id => !wanted.has(id)))
    for (const s of [...this.standby.values()]) {
      if (!wantedStandby.has(s.id)) {
        this.standby.delete(s.id)
        await s.close()
      }
    }

    const budget = Math.floor(config.cacheMaxBytes / Math.max(1, wanted.size))
    // A task counts as active only once it has started from the committed offsets: if a start
    // fails, the retry finds the task still unstarted and starts it (created tasks are kept).
    let failure: unknown = null
    for (const [id, tps] of wanted) {
      if (this.active.has(id)) continue
      if (this.assignment.queued || this.stopped()) return // a newer rebalance supersedes this one
      try {
        let t = this.unstarted.get(id)
        if (!t) {
          t = await createActiveTask(this.deps, id, tps, budget, this.stopped, this.thread?.beforeRestore(tps))
          this.unstarted.set(id, t)
        }
        this.inputs.startAt(t, await committedStart(this.deps, t))
        this.unstarted.delete(id)
        this.active.set(id, t)
      } catch (err) {
        // Try the other tasks first: one unavailable coordinator or partition leader must not
        // hold back partitions that can start.
        if (!isRecoverableClientError(err)) throw err
        failure ??= err
      }
    }
    if (failure !== null) throw failure
    for (const id of wantedStandby) {
      if (this.standby.has(id)) continue
      if (this.assignment.queued || this.stopped()) return
      this.standby.set(id, await StandbyTask.create(this.deps, id, 0))
    }
  }

  /** Assigned input partitions whose task has not started (they stay paused until it does). */
  notStartedPartitions(): TopicPartition[] {
    return this.assignment.current.filter(tp => {
      const id = this.taskOf(tp)
      return id !== null && !this.active.has(id)
    })
  }

  /** Ids of assigned tasks that have not started yet. */
  notStarted(): string[] {
    return [...new Set(this.notStartedPartitions().map(tp => this.taskOf(tp)!))]
  }

  /**
   * After a commit failed with a recoverable kind (exactly_once_v2: the transaction is lost,
   * fenced or its outcome unknown), or a task's output could not be sent (at_least_once: records
   * since the last commit are not all written). Close the task dirty (exactly_once_v2: abort, and
   * the state-wipe rule rebuilds its state from the committed changelog) and, when the group still
   * assigns it here, create it again: a new producer's InitProducerId resolves any old
   * transaction, and processing resumes from the committed offsets.
   */
  async restartTask(t: ActiveTask, kind: ClientErrorKind, err: unknown, why?: string): Promise<void> {
    const stillOurs = t.inputs.some(i => this.assignment.includes(i))
    const reason = why ?? RESTART_REASON[kind] ?? 'failed to commit'
    this.deps.config.logger.warn(
      { task: t.id, kind, ...describeError(err) },
      `Task ${t.id} ${reason}; closing it dirty${stillOurs ? ' and restarting it from its last commit' : ''}`,
    )
    await this.closeTask(t, false)
    this.deps.metrics.taskRestarts.inc()
    // A frozen instance can learn of its new assignment before it learns of the fencing:
    // if the group still gives it this task, start it afresh from the committed state.
    if (stillOurs) this.assignment.again()
  }

  /**
   * Closes tasks leaving the thread (`revoked`: the group moved them). With a thread producer a
   * clean close commits the thread's one transaction first, every task's work in it; tasks whose
   * work could not commit close dirty.
   */
  private async closeTasks(closing: readonly ActiveTask[], clean: boolean, revoked: boolean): Promise<void> {
    if (!this.thread || closing.length === 0) {
      for (const t of closing) await this.closeTask(t, clean)
      return
    }
    const started = closing.filter(t => this.active.get(t.id) === t)
    for (const t of started) this.active.delete(t.id)
    const committed = clean ? await this.thread.commit(started, revoked) : false
    for (const t of closing) await this.closeTask(t, clean && committed, true)
  }

  /**
   * Clean: commit what was processed (unless `committed`: the thread's transaction did), then close
   * and checkpoint. Dirty: drop and close.
   */
  async closeTask(t: ActiveTask, clean: boolean, committed = false): Promise<void> {
    const { config, consumer } = this.deps
    this.active.delete(t.id)
    if (this.unstarted.get(t.id) === t) this.unstarted.delete(t.id)
    // Dirty: stop fetching until a restart seeks back to the committed offsets, so no batch read
    // from the old position arrives after that seek.
    this.inputs.release(t, clean ? [] : t.inputs.filter(tp => this.assignment.includes(tp)))
    let closedClean = false
    if (clean) {
      try {
        if (committed) {
          // the thread's transaction holds this task's work
        } else if (this.thread) {
          if (!(await this.thread.commit([t]))) throw new Error(`the transaction of ${this.thread.producer.transactionalId} did not commit`)
        } else if (this.eosPerTask) await commitExactlyOnce(t, config.applicationId)
        else await commitAtLeastOnce([t], offsets => consumer.commitOffsets(offsets), config.applicationId)
        await t.task.close({ clean: true })
        await t.writeCheckpoint()
        closedClean = true
      } catch (err) {
        config.logger.info({ task: t.id, err }, `Task ${t.id} could not commit on close; closing it dirty`)
      }
    }
    if (!closedClean) {
      t.collector.discard()
      // With a thread producer the thread aborts its transaction once for every task in it.
      if (this.eosPerTask) await t.producer.abortTransaction().catch(() => {})
      await t.task.close({ clean: false }).catch(e => config.logger.warn({ task: t.id, err: e }, `Closing task ${t.id} failed`))
    }
    if (t.ownsProducer) await t.producer.disconnect().catch(() => {})
    this.deps.metrics.removeTask(t.id)
  }

  /** Standbys tail their changelogs; `checkpoint` on the commit interval. */
  async updateStandbys(checkpoint: boolean): Promise<void> {
    for (const s of this.standby.values()) {
      await s.update(this.deps.reader, 10)
      if (checkpoint) await s.checkpoint()
    }
  }

  /**
   * Closes every task (clean: committing first) and standby, and the thread's producer: the
   * thread is stopping.
   */
  async closeAll(clean: boolean): Promise<void> {
    await this.closeTasks([...this.active.values(), ...this.unstarted.values()], clean, false)
    for (const s of [...this.standby.values()]) {
      this.standby.delete(s.id)
      await s.close()
    }
    await this.thread?.close()
  }
}
