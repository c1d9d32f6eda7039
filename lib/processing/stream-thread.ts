import { join } from 'node:path'
import type { SubscriptionInfo, AssignmentInfo } from '../assignment/user-data.js'
import type { AdminClient, FetchedRecord, GroupConsumer, TopicPartition } from '../clients/types.js'
import { classifyClientError, isRecoverableClientError } from '../clients/errors.js'
import type { ActiveTask } from '../tasks/active-task.js'
import type { GlobalStores } from '../tasks/global-stores.js'
import type { StandbyTask } from '../tasks/standby-task.js'
import { rebalanceChannel, traced, type RebalanceTraceContext } from '../tracing/channels.js'
import { Backoff } from './backoff.js'
import { describeError } from './describe-error.js'
import { localTaskOffsets } from './local-task-offsets.js'
import { MembershipGate } from './membership-gate.js'
import { PartitionInputs } from './partition-inputs.js'
import { PendingAssignment } from './pending-assignment.js'
import { StallWatchdog, type WatchedPartition } from './stall-watchdog.js'
import { TaskCommitter } from './task-committer.js'
import { processTasks, punctuateTasks } from './task-executor.js'
import { Revocation } from './revocation.js'
import { TaskManager, type TaskManagerDeps } from './task-manager.js'
import { WakeSignal } from './wake-signal.js'

export interface StreamThreadDeps extends TaskManagerDeps {
  /** Repartition topics: their records are deleted once consumed and committed. */
  repartitionTopics: ReadonlySet<string>
  /** Global stores, already bootstrapped; the loop keeps them up to date. */
  globals: GlobalStores | null
  consumer: GroupConsumer
  admin: AdminClient
  processId: string
  onRebalancing(): void
  onRunning(): void
  /** An error the thread cannot handle (user code, serdes, the broker refusing for good). */
  onFatal(error: Error): void
}

/** How often the loop fetches new records of global tables (Kafka Streams' global thread polls on its own). */
const GLOBAL_UPDATE_INTERVAL_MS = 50
/** How often standbys fetch from their changelogs. */
const STANDBY_UPDATE_INTERVAL_MS = 100

/**
 * The processing loop of one instance: it only schedules. The consumer fetches in the background
 * and its callbacks record what happened (an assignment, records, a rebalance starting) and wake
 * the loop; each turn the loop applies queued rebalance work through the task manager, processes
 * the tasks' buffered records, punctuates, updates standbys and global stores, commits on
 * schedule and checks for stalled partitions. A consumer that reports revocation waits for the
 * thread's commit before rejoining, and the thread processes nothing until the new assignment
 * (Revocation); kafkajs only hints that a rebalance began (see docs/internals.md).
 */
export class StreamThread {
  private readonly tasks: TaskManager
  private readonly inputs: PartitionInputs
  private readonly assignment = new PendingAssignment()
  private readonly committer: TaskCommitter
  private readonly gate: MembershipGate
  private readonly watchdog: StallWatchdog | null
  private readonly startBackoff = new Backoff(100, 5000)
  private readonly wake = new WakeSignal()
  private readonly revocation: Revocation
  private readonly eos: boolean
  private running = false
  private loopDone: Promise<void> | null = null
  private lastStallCheck = Date.now()
  private lastStandbyUpdate = 0
  private lastGlobalUpdate = 0
  private localOffsets: Record<string, number> = {}

  constructor(private readonly deps: StreamThreadDeps) {
    const { config, consumer, metrics } = deps
    this.eos = config.processingGuarantee === 'exactly_once_v2'
    this.inputs = new PartitionInputs(consumer, config.bufferedRecordsPerPartition, metrics)
    this.tasks = new TaskManager(deps, this.inputs, this.assignment, () => !this.running)
    this.gate = new MembershipGate(consumer, config.logger, config.sessionTimeoutMs)
    this.committer = new TaskCommitter(deps, this.tasks, this.gate)
    this.revocation = new Revocation(config.rebalanceTimeoutMs, config.logger)
    const thresholdMs = config.stalledPartitionWarningMs
    this.watchdog = thresholdMs > 0
      ? new StallWatchdog({
          thresholdMs,
          logger: config.logger,
          stalled: metrics.stalledPartitions,
          detected: metrics.stalledPartitionsDetected,
          endOffsets: tps => deps.reader.endOffsets(tps),
          beginningOffsets: tps => deps.reader.beginningOffsets(tps),
        })
      : null
  }

  get active(): ReadonlyMap<string, ActiveTask> {
    return this.tasks.active
  }

  get standby(): ReadonlyMap<string, StandbyTask> {
    return this.tasks.standby
  }

  get assignmentInfo(): AssignmentInfo | null {
    return this.tasks.assignmentInfo
  }

  /** Read by the partition assigner at every join. */
  subscription(): SubscriptionInfo {
    return {
      version: 1,
      processId: this.deps.processId,
      host: this.deps.config.applicationServer,
      prevActive: [...this.tasks.active.keys()],
      prevStandby: [...this.tasks.standby.keys()],
      taskOffsets: this.tasks.taskOffsetSums(this.localOffsets),
    }
  }

  async start(): Promise<void> {
    const { config, consumer } = this.deps
    this.localOffsets = await localTaskOffsets(join(config.stateDir, config.applicationId))
    await consumer.connect()
    await consumer.subscribe(this.tasks.sourceTopics, config.autoOffsetReset === 'earliest')
    this.running = true
    this.loopDone = this.loop()
    // The callbacks record events and wake the loop; task state changes only in the loop.
    await consumer.run({
      onAssigned: (parts, membershipLost) => this.onAssigned(parts, membershipLost),
      onRecords: (topic, partition, records, hw) => this.onRecords(topic, partition, records, hw),
      onFetched: (topic, partition, next) => this.inputs.fetched(topic, partition, next),
      onRebalanceStarted: () => {
        // Without onPartitionsRevoked this is the earliest hint tasks may move: commit before the
        // new owners fence our producers, so their work is not redone and state stays clean.
        this.committer.request()
        this.wake.wake()
      },
      onPartitionsRevoked: () => {
        // Kafka's onPartitionsRevoked: the consumer rejoins once this commit is made, so it lands in
        // the current generation; processing then waits for the new assignment.
        const committed = this.revocation.revoked()
        this.deps.onRebalancing()
        this.committer.request()
        this.wake.wake()
        return committed
      },
      onCrash: err => this.fail(err),
      onRestarting: err => config.logger.warn(describeError(err), 'The group consumer failed and is being restarted; its tasks are lost once it rejoins'),
    })
  }

  /**
   * GROUP_JOIN. It queues the assignment for the loop, but two things cannot wait for the loop:
   * the consumer fetches for the new generation as soon as this returns, from the committed
   * offsets. So, synchronously: a lost membership stops every task's partitions (their positions
   * may be stale), a partition whose task stays is sought back to where that task is, and every
   * other partition is paused until its task has started from the committed offsets.
   */
  private onAssigned(parts: TopicPartition[], membershipLost: boolean): void {
    this.deps.metrics.rebalances.inc()
    this.deps.onRebalancing()
    this.revocation.assigned()
    if (membershipLost) this.tasks.markAllLost('joined the group again under a new member id')
    this.inputs.reassign(parts, tp => this.tasks.taskOf(tp), this.tasks.lost)
    this.assignment.offer(parts)
    this.wake.wake()
  }

  private onRecords(topic: string, partition: number, records: FetchedRecord[], highWatermark: number): void {
    if (this.inputs.accept(topic, partition, records, highWatermark)) this.wake.wake()
  }

  private fail(err: unknown): void {
    if (!this.running) return
    this.running = false
    this.wake.wake()
    this.deps.onFatal(err instanceof Error ? err : new Error(String(err)))
  }

  private async loop(): Promise<void> {
    const { config } = this.deps
    try {
      while (this.running) {
        if (this.tasks.lost) await this.tasks.handleLostAll()
        await this.runRebalanceWork()
        if (!this.running) break
        if (this.gate.unconfirmed()) {
          // Probably expelled: no commit may be made, so the consumer need not wait for one.
          if (this.revocation.commitDue) this.revocation.committed()
          await this.wake.wait(100)
          continue
        }
        if (this.revocation.commitDue) {
          await this.commitForRevocation()
          continue
        }
        if (this.revocation.paused()) {
          await this.wake.wait(100)
          continue
        }
        await this.updateGlobals()
        const processed = await processTasks(this.tasks.active.values(), config.maxTaskBatchRecords)
        this.inputs.resumeDrained()
        const now = Date.now()
        await punctuateTasks(this.tasks.active.values(), now)
        if (this.tasks.standby.size > 0 && now - this.lastStandbyUpdate >= STANDBY_UPDATE_INTERVAL_MS) {
          this.lastStandbyUpdate = now
          await this.tasks.updateStandbys(this.committer.sinceLastCommitMs(now) >= config.commitIntervalMs)
        }
        if (this.committer.due(now)) await this.committer.commitAll()
        await this.checkStalls(now)
        const later = Date.now()
        const pendingInMs = this.assignment.waitMs(later)
        if (processed === 0 && pendingInMs > 0) {
          await this.wake.wait(Math.min(100, config.commitIntervalMs - this.committer.sinceLastCommitMs(later), pendingInMs))
        }
      }
    } catch (err) {
      this.fail(err)
    } finally {
      this.revocation.release()
    }
  }

  /** The commit a revocation asked for; made or failed, the consumer may rejoin. */
  private async commitForRevocation(): Promise<void> {
    try {
      await this.committer.commitAll()
    } finally {
      this.revocation.committed()
    }
  }

  /** Applies queued assignments (the newest wins); a start that fails recoverably is retried after a backoff. */
  private async runRebalanceWork(): Promise<void> {
    const { config } = this.deps
    while (this.running) {
      const parts = this.assignment.take(Date.now())
      if (parts === null) return
      if (this.tasks.lost) await this.tasks.handleLostAll()
      try {
        await traced(rebalanceChannel, () => this.rebalanceTrace(parts), () => this.tasks.handleAssignment(parts))
        this.startBackoff.reset()
      } catch (err) {
        if (!isRecoverableClientError(err)) throw err
        const waitMs = this.startBackoff.next()
        const partitions = this.tasks.notStartedPartitions().map(tp => `${tp.topic}-${tp.partition}`)
        config.logger.warn(
          { partitions, kind: classifyClientError(err), ...describeError(err) },
          `Could not start assigned tasks ${this.tasks.notStarted().join(', ')} (partitions ${partitions.join(', ')}) yet; retrying in ${waitMs} ms`,
        )
        // Started tasks keep processing meanwhile; the rest is retried after the backoff.
        this.assignment.retryIn(waitMs, Date.now())
        return
      }
      if (!this.assignment.queued && this.running) this.deps.onRunning()
    }
  }

  private async updateGlobals(): Promise<void> {
    const globals = this.deps.globals
    if (!globals || globals.size === 0 || Date.now() - this.lastGlobalUpdate < GLOBAL_UPDATE_INTERVAL_MS) return
    this.lastGlobalUpdate = Date.now()
    await globals.update(this.deps.reader, 0)
  }

  private rebalanceTrace(partitions: readonly TopicPartition[]): RebalanceTraceContext {
    return { applicationId: this.deps.config.applicationId, memberId: this.deps.consumer.memberId(), partitions: [...partitions] }
  }

  /** The stall watchdog, on the commit schedule (never per record). */
  private async checkStalls(now: number): Promise<void> {
    const watchdog = this.watchdog
    if (!watchdog) return
    const interval = Math.max(this.deps.config.commitIntervalMs, Math.floor(this.deps.config.stalledPartitionWarningMs / 4))
    if (now - this.lastStallCheck < interval) return
    this.lastStallCheck = now
    const watched: WatchedPartition[] = []
    for (const tp of this.assignment.current) {
      const taskId = this.tasks.taskOf(tp)
      if (taskId === null) continue
      watched.push({ topic: tp.topic, partition: tp.partition, taskId, position: this.inputs.readPosition(tp, taskId) })
    }
    await watchdog.check(now, watched)
  }

  /** Commits every task now (also a final commit before a clean close). */
  commitAll(): Promise<void> {
    return this.committer.commitAll()
  }

  /** Stops processing and closes every task (committing first when clean), then leaves the group. */
  async shutdown(clean: boolean): Promise<void> {
    this.running = false
    this.wake.wake()
    if (this.loopDone) await this.loopDone
    if (clean && this.tasks.active.size > 0 && !this.eos) {
      try {
        await this.committer.commitAll()
      } catch (err) {
        this.deps.config.logger.warn({ err }, 'Final commit failed')
      }
    }
    // A member the coordinator may have expelled must not flush its state on the way out.
    await this.tasks.closeAll(clean && !this.tasks.lost && !this.gate.unconfirmed())
    await this.deps.consumer.disconnect().catch(() => {})
  }
}
