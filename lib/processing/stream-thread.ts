import { join } from 'node:path'
import { taskIdOf } from '../assignment/task-id.js'
import type { SubtopologySources } from '../assignment/tasks-from-metadata.js'
import { decodeAssignmentInfo, type AssignmentInfo, type SubscriptionInfo } from '../assignment/user-data.js'
import type { KafkajsGroupConsumer } from '../clients/kafkajs/index.js'
import type { AdminClient, FetchedRecord, TopicPartition } from '../clients/types.js'
import { tpKey } from '../clients/types.js'
import { classifyClientError, isMembershipLost, isRecoverableClientError, kafkaCodeOf, type ClientErrorKind } from '../clients/errors.js'
import { commitAtLeastOnce, commitExactlyOnce, TaskFlushError } from '../commit/commit-tasks.js'
import { decodePartitionTime, UNKNOWN_PARTITION_TIME } from '../commit/partition-time-metadata.js'
import type { ActiveTask } from '../tasks/active-task.js'
import type { GlobalStores } from '../tasks/global-stores.js'
import { StandbyTask } from '../tasks/standby-task.js'
import { createActiveTask, type TaskFactoryDeps } from '../tasks/task-factory.js'
import { localTaskOffsets } from './local-task-offsets.js'
import { Backoff } from './backoff.js'
import { StallWatchdog, type WatchedPartition } from './stall-watchdog.js'
import { WakeSignal } from './wake-signal.js'
import { rebalanceChannel, traced, type RebalanceTraceContext } from '../tracing/channels.js'

export interface StreamThreadDeps extends TaskFactoryDeps {
  /** The reset policy a source set for its topic, if any. */
  offsetResetFor(topic: string): 'earliest' | 'latest' | null
  /** Repartition topics: their records are deleted once consumed and committed. */
  repartitionTopics: ReadonlySet<string>
  subtopologies: readonly SubtopologySources[]
  /** Global stores, already bootstrapped; the loop keeps them up to date. */
  globals: GlobalStores | null
  consumer: KafkajsGroupConsumer
  admin: AdminClient
  processId: string
  onRebalancing(): void
  onRunning(): void
  /** An error the thread cannot handle (user code, serdes, the broker refusing for good). */
  onFatal(error: Error): void
}

/** How often the loop fetches new records of global tables (Kafka Streams' global thread polls on its own). */
const GLOBAL_UPDATE_INTERVAL_MS = 50

/** Why a task is closed dirty and started again from its last commit, per kind of commit error. */
const RESTART_REASON: Partial<Record<ClientErrorKind, string>> = {
  fenced: 'was fenced by a newer producer with its transactional id',
  transaction_state: 'lost its transaction on the broker (the coordinator or a partition no longer knows it)',
  rebalance: 'could not commit: the group has moved on',
  retriable: 'could not commit (outcome unknown after retries)',
  unknown_topic: 'could not commit: a topic it writes to is not available',
}

/** A commit stopped before sending because the tasks were lost meanwhile. */
class MembershipLostDuringCommit extends Error {
  constructor() {
    super('Offsets not committed: the tasks were lost to a group membership loss during the commit')
  }
}

function describe(err: unknown): Record<string, unknown> {
  const code = kafkaCodeOf(err)
  return { err, ...(code !== null ? { kafkaErrorCode: code } : {}) }
}

/**
 * The processing loop of one instance, with its consumer and tasks. kafkajs fetches in the
 * background and hands each batch to `onRecords`, which only queues records (pausing a partition
 * whose queue is full); this loop processes tasks in turn, punctuates, and commits every
 * commitIntervalMs. Rebalances arrive as kafkajs GROUP_JOIN events (see docs/internals.md for
 * hand-over without an onPartitionsRevoked callback).
 */
export class StreamThread {
  readonly active = new Map<string, ActiveTask>()
  readonly standby = new Map<string, StandbyTask>()
  /** Tasks created for the assignment whose start from the committed offsets has not completed yet. */
  private readonly unstarted = new Map<string, ActiveTask>()
  /** tpKey → next offset the consumer has read to, control records included (for the watchdog). */
  private readonly fetchedTo = new Map<string, number>()
  private readonly startBackoff = new Backoff(100, 5000)
  private readonly commitBackoff = new Backoff(100, 5000)
  private commitRetryAt = 0
  private startRetryAt = 0
  private readonly watchdog: StallWatchdog | null
  private lastStallCheck = Date.now()
  private lastStandbyUpdate = 0
  private lastGlobalUpdate = 0
  private readonly inputs = new Map<string, ActiveTask>()
  private readonly positions = new Map<string, number>()
  private readonly backpressured = new Map<string, TopicPartition>()
  private readonly topicToSubtopology = new Map<string, number>()
  private pendingAssignment: TopicPartition[] | null = null
  private currentAssignment: TopicPartition[] = []
  private running = false
  private loopDone: Promise<void> | null = null
  private readonly wake = new WakeSignal()
  private lastCommit = Date.now()
  private commitRequested = false
  private lastPurge = Date.now()
  private localOffsets: Record<string, number> = {}
  private info: AssignmentInfo | null = null
  private readonly eos: boolean
  /**
   * Set when this member lost its group membership: every task it had is lost (another member may
   * have processed and committed its partitions meanwhile), so none may commit again; the loop
   * closes them dirty before starting the next assignment from the committed offsets.
   */
  private tasksLost = false
  /** Counts membership losses, so a commit that began before one does not send its offsets after it. */
  private membershipEpoch = 0
  /** Set while the coordinator has not confirmed this member for longer than the session timeout. */
  private awaitingConfirmation = false

  constructor(private readonly deps: StreamThreadDeps) {
    for (const s of deps.subtopologies) for (const t of s.sourceTopics) this.topicToSubtopology.set(t, s.id)
    this.eos = deps.config.processingGuarantee === 'exactly_once_v2'
    const thresholdMs = deps.config.stalledPartitionWarningMs
    this.watchdog = thresholdMs > 0
      ? new StallWatchdog({
          thresholdMs,
          logger: deps.config.logger,
          stalled: deps.metrics.stalledPartitions,
          detected: deps.metrics.stalledPartitionsDetected,
          endOffsets: tps => deps.reader.endOffsets(tps),
          beginningOffsets: tps => deps.reader.beginningOffsets(tps),
        })
      : null
  }

  get assignmentInfo(): AssignmentInfo | null {
    return this.info
  }

  /** Read by the partition assigner at every join. */
  subscription(): SubscriptionInfo {
    const offsets: Record<string, number> = { ...this.localOffsets }
    for (const t of this.active.values()) {
      let sum = 0
      for (const p of t.changelogPositions.values()) sum += p.offset
      offsets[t.id] = sum
    }
    for (const s of this.standby.values()) offsets[s.id] = s.offsetSum()
    return {
      version: 1,
      processId: this.deps.processId,
      host: this.deps.config.applicationServer,
      prevActive: [...this.active.keys()],
      prevStandby: [...this.standby.keys()],
      taskOffsets: offsets,
    }
  }

  async start(): Promise<void> {
    const { config, consumer } = this.deps
    this.localOffsets = await localTaskOffsets(join(config.stateDir, config.applicationId))
    await consumer.connect()
    const topics = [...this.topicToSubtopology.keys()]
    await consumer.subscribe(topics, config.autoOffsetReset === 'earliest')
    this.running = true
    this.loopDone = this.loop()
    await consumer.run({
      onAssigned: (parts, membershipLost) => this.onAssigned(parts, membershipLost),
      onRecords: (topic, partition, records, hw) => this.onRecords(topic, partition, records, hw),
      onFetched: (topic, partition, next) => {
        const key = tpKey(topic, partition)
        if (this.inputs.has(key) && next > (this.fetchedTo.get(key) ?? -1)) this.fetchedTo.set(key, next)
      },
      onRebalanceStarted: () => {
        // Without onPartitionsRevoked this is the earliest hint tasks may move: commit before the
        // new owners fence our producers, so their work is not redone and state stays clean.
        this.commitRequested = true
        this.wake.wake()
      },
      onCrash: err => this.fail(err),
      onRestarting: err => this.deps.config.logger.warn(describe(err), 'The group consumer failed and is being restarted; its tasks are lost once it rejoins'),
    })
  }

  private taskOf(tp: TopicPartition): string | null {
    const sub = this.topicToSubtopology.get(tp.topic)
    return sub === undefined ? null : taskIdOf(sub, tp.partition)
  }

  /** GROUP_JOIN, synchronous: runs before kafkajs fetches for the new generation. */
  private onAssigned(parts: TopicPartition[], membershipLost: boolean): void {
    this.deps.metrics.rebalances.inc()
    this.deps.onRebalancing()
    if (membershipLost) this.loseAllTasks('joined the group again under a new member id')
    const keep = new Set<string>()
    const toPause: TopicPartition[] = []
    for (const tp of parts) {
      const key = tpKey(tp.topic, tp.partition)
      const owner = this.inputs.get(key)
      const taskId = this.taskOf(tp)
      if (owner && owner.id === taskId && !this.tasksLost) {
        keep.add(key)
        // kafkajs restarts a new generation from committed offsets; continue where we are instead.
        const pos = this.positions.get(key)
        if (pos !== undefined && pos >= 0) this.deps.consumer.seek(tp.topic, tp.partition, pos)
      } else {
        toPause.push(tp)
      }
    }
    for (const key of [...this.inputs.keys()]) if (!keep.has(key)) this.inputs.delete(key)
    this.deps.consumer.pause(toPause)
    this.pendingAssignment = parts
    this.currentAssignment = parts
    this.startRetryAt = 0
    this.wake.wake()
  }

  private onRecords(topic: string, partition: number, records: FetchedRecord[], highWatermark: number): void {
    const key = tpKey(topic, partition)
    const t = this.inputs.get(key)
    if (!t || records.length === 0) return
    const pos = this.positions.get(key) ?? -1
    let start = 0
    if (pos >= 0) while (start < records.length && records[start]!.offset < pos) start++
    if (start === records.length) return
    const slice = start === 0 ? records : records.slice(start)
    t.task.addRecords(topic, partition, slice)
    const next = slice[slice.length - 1]!.offset + 1
    this.positions.set(key, next)
    this.deps.metrics.consumerLag(topic, partition).set(Math.max(0, highWatermark - next))
    if (t.task.bufferedCount(topic, partition) >= this.deps.config.bufferedRecordsPerPartition && !this.backpressured.has(key)) {
      this.backpressured.set(key, { topic, partition })
      this.deps.consumer.pause([{ topic, partition }])
    }
    this.wake.wake()
  }

  /**
   * Kafka's onPartitionsLost: this member is no longer the one the group knew, so its tasks' input
   * positions may be behind offsets another member committed since. Stop taking records for them
   * now (synchronously, before kafkajs fetches again) and let the loop close them dirty; tasks the
   * group assigns here again start from the committed offsets.
   */
  private loseAllTasks(why: string): void {
    if (this.active.size + this.unstarted.size === 0) return
    this.membershipEpoch++
    if (!this.tasksLost) {
      const ids = [...this.active.keys(), ...this.unstarted.keys()]
      this.deps.config.logger.warn({ taskIds: ids }, `Lost group membership (${why}); tasks ${ids.join(', ')} are lost: closing them dirty without committing, their next start is from the committed offsets`)
    }
    this.tasksLost = true
    const parts: TopicPartition[] = []
    for (const key of [...this.inputs.keys()]) {
      const t = this.inputs.get(key)!
      for (const tp of t.inputs) if (tpKey(tp.topic, tp.partition) === key) parts.push(tp)
      this.inputs.delete(key)
    }
    this.deps.consumer.pause(parts)
    this.wake.wake()
  }

  /** Closes every task dirty after a membership loss: no commit, under exactly_once_v2 an abort. */
  private async closeLostTasks(): Promise<void> {
    this.tasksLost = false
    for (const t of [...this.active.values(), ...this.unstarted.values()]) {
      await this.closeTask(t, false)
      this.deps.metrics.taskRestarts.inc()
    }
  }

  private fail(err: unknown): void {
    if (!this.running) return
    this.running = false
    this.wake.wake()
    this.deps.onFatal(err instanceof Error ? err : new Error(String(err)))
  }

  private async loop(): Promise<void> {
    const { config, metrics } = this.deps
    try {
      while (this.running) {
        if (this.tasksLost) await this.closeLostTasks()
        while (this.pendingAssignment && this.running && Date.now() >= this.startRetryAt) {
          if (this.tasksLost) await this.closeLostTasks()
          const parts = this.pendingAssignment
          this.pendingAssignment = null
          try {
            await traced(rebalanceChannel, () => this.rebalanceTrace(parts), () => this.applyAssignment(parts))
            this.startBackoff.reset()
          } catch (err) {
            if (!isRecoverableClientError(err)) throw err
            const waitMs = this.startBackoff.next()
            const partitions = this.notStartedPartitions().map(tp => `${tp.topic}-${tp.partition}`)
            config.logger.warn(
              { partitions, kind: classifyClientError(err), ...describe(err) },
              `Could not start assigned tasks ${this.notStarted().join(', ')} (partitions ${partitions.join(', ')}) yet; retrying in ${waitMs} ms`,
            )
            // Started tasks keep processing meanwhile; the rest is retried after the backoff.
            this.pendingAssignment ??= this.currentAssignment
            this.startRetryAt = Date.now() + waitMs
            break
          }
          if (!this.pendingAssignment && this.running) this.deps.onRunning()
        }
        if (!this.running) break
        if (this.membershipUnconfirmed()) {
          await this.wake.wait(100)
          continue
        }
        const globals = this.deps.globals
        if (globals && globals.size > 0 && Date.now() - this.lastGlobalUpdate >= GLOBAL_UPDATE_INTERVAL_MS) {
          this.lastGlobalUpdate = Date.now()
          await globals.update(this.deps.reader, 0)
        }
        let processed = 0
        for (const t of this.active.values()) {
          if (t.task.buffered() === 0) continue
          const started = performance.now()
          const n = await t.task.process(config.maxTaskBatchRecords)
          if (n > 0) {
            processed += n
            t.metrics.processed.inc(n)
            const perRecordMs = (performance.now() - started) / n
            t.metrics.processLatency.observe(perRecordMs)
            t.metrics.recordLatency.observeMany(perRecordMs / 1000, n)
          }
          // Input ran dry: ship the output now rather than at 500 records or the next commit
          // (plentiful input keeps batching; under exactly-once this sends into the open transaction).
          if (t.task.buffered() === 0) t.collector.sendBuffered()
        }
        this.resumeDrained()
        const now = Date.now()
        for (const t of this.active.values()) {
          const fired = await t.task.punctuate(now)
          if (fired > 0) t.metrics.punctuations.inc(fired)
        }
        if (this.standby.size > 0 && now - this.lastStandbyUpdate >= 100) await this.updateStandbys(now)
        if ((this.commitRequested || now - this.lastCommit >= config.commitIntervalMs) && now >= this.commitRetryAt) await this.commitAll()
        await this.checkStalls(now)
        if (processed === 0 && (!this.pendingAssignment || Date.now() < this.startRetryAt)) {
          let waitMs = Math.min(100, config.commitIntervalMs - (Date.now() - this.lastCommit))
          if (this.pendingAssignment) waitMs = Math.min(waitMs, this.startRetryAt - Date.now())
          await this.wake.wait(waitMs)
        }
      }
    } catch (err) {
      this.fail(err)
    }
  }

  /**
   * Whether the coordinator has gone longer than the session timeout without confirming this
   * member (the process was paused or starved): it has probably been expelled and its tasks given
   * to another member, which may have processed and committed since. Processing and commits wait
   * (a commit flushes stores, which would write this member's stale state to the changelogs after
   * the new owner's) until a heartbeat is answered, or the next assignment reports the tasks lost.
   */
  private membershipUnconfirmed(): boolean {
    const silentMs = this.deps.consumer.unconfirmedForMs()
    if (silentMs === null) {
      if (this.awaitingConfirmation) {
        this.awaitingConfirmation = false
        this.deps.config.logger.info('The group coordinator answered again; processing resumes')
      }
      return false
    }
    if (!this.awaitingConfirmation) {
      this.awaitingConfirmation = true
      this.deps.config.logger.warn(
        { silentMs, sessionTimeoutMs: this.deps.config.sessionTimeoutMs },
        `No answer from the group coordinator for ${silentMs} ms, longer than the session timeout (${this.deps.config.sessionTimeoutMs} ms): ` +
          'this member may have been expelled and its tasks reassigned; not processing or committing until the coordinator answers',
      )
    }
    return true
  }

  private rebalanceTrace(partitions: TopicPartition[]): RebalanceTraceContext {
    return { applicationId: this.deps.config.applicationId, memberId: this.deps.consumer.memberId(), partitions }
  }

  /** Standbys tail their changelogs between batches; checkpoints follow the commit interval. */
  private async updateStandbys(now: number): Promise<void> {
    const checkpoint = now - this.lastCommit >= this.deps.config.commitIntervalMs
    this.lastStandbyUpdate = now
    for (const s of this.standby.values()) {
      await s.update(this.deps.reader, 10)
      if (checkpoint) await s.checkpoint()
    }
  }

  private resumeDrained(): void {
    if (this.backpressured.size === 0) return
    const resume: TopicPartition[] = []
    for (const [key, tp] of this.backpressured) {
      const t = this.inputs.get(key)
      if (!t) {
        this.backpressured.delete(key)
        continue
      }
      if (t.task.bufferedCount(tp.topic, tp.partition) < this.deps.config.bufferedRecordsPerPartition / 2) {
        resume.push(tp)
        this.backpressured.delete(key)
      }
    }
    this.deps.consumer.resume(resume)
  }

  /** Commits every task; returns when offsets (and under EOS, transactions) are durable. */
  async commitAll(): Promise<void> {
    const started = performance.now()
    this.lastCommit = Date.now()
    this.commitRequested = false
    const tasks = [...this.active.values()]
    if (tasks.length === 0 || this.tasksLost) return
    if (this.membershipUnconfirmed()) {
      this.commitRequested = true
      return
    }
    const epoch = this.membershipEpoch
    if (this.eos) {
      for (const t of tasks) {
        if (this.tasksLost || !this.active.has(t.id)) continue
        try {
          await commitExactlyOnce(t, this.deps.config.applicationId)
        } catch (err) {
          if (!isRecoverableClientError(err)) throw err
          await this.restartTask(t, classifyClientError(err), err)
        }
      }
    } else {
      try {
        await commitAtLeastOnce(tasks, offsets => {
          // The flush before this may have let a GROUP_JOIN in that lost these tasks.
          if (this.membershipEpoch !== epoch) throw new MembershipLostDuringCommit()
          return this.deps.consumer.commitOffsets(offsets)
        }, this.deps.config.applicationId)
        this.commitBackoff.reset()
      } catch (err) {
        const kind = classifyClientError(err)
        if (err instanceof MembershipLostDuringCommit) {
          // Nothing sent: the loop closes the lost tasks.
        } else if (err instanceof TaskFlushError) {
          // Their output since the last commit is not all written and is not kept: nothing was
          // committed, and those tasks start again from their last commit (records reprocessed,
          // never lost). The other tasks commit at the next interval.
          if (!isRecoverableClientError(err.cause)) throw err.cause
          const flushKind = classifyClientError(err.cause)
          for (const t of err.tasks) if (this.active.get(t.id) === t) await this.restartTask(t, flushKind, err.cause, 'could not send its output')
          this.commitRequested = true
        } else if (isMembershipLost(err)) {
          // Kafka's CommitFailedException: the coordinator no longer knows this member (or its
          // generation), so its tasks may have moved and moved on; they are lost, not revoked.
          this.loseAllTasks(`offset commit answered error code ${kafkaCodeOf(err)}`)
          // kafkajs rejoins at its next heartbeat if the group moved on; until a new assignment
          // arrives, the assigned tasks start again from the committed offsets (Kafka Streams
          // rejoins at once; a commit refused by mistake must not leave the partitions idle).
          this.pendingAssignment ??= this.currentAssignment
        } else if (kind === 'rebalance') {
          // The group moved on (or is moving): kafkajs rejoins at its next heartbeat, tasks that stay
          // here commit at the next interval, tasks that move are redone by their new owner from
          // the last commit. Records may be processed twice, never lost.
          this.deps.config.logger.info(describe(err), 'Offset commit refused by the group coordinator (rebalance); records since the last commit are committed later or reprocessed')
          this.commitRequested = true
          this.commitRetryAt = Date.now() + this.commitBackoff.next()
        } else if (kind === 'retriable' || kind === 'unknown_topic') {
          const waitMs = this.commitBackoff.next()
          this.deps.config.logger.warn(describe(err), `Commit failed; retrying in ${waitMs} ms`)
          this.commitRequested = true
          this.commitRetryAt = Date.now() + waitMs
        } else {
          throw err
        }
      }
    }
    this.deps.metrics.commits.inc()
    const tookMs = performance.now() - started
    this.deps.metrics.commitLatency.observe(tookMs)
    this.deps.metrics.commitLatencySeconds.observe(tookMs / 1000)
    if (Date.now() - this.lastPurge >= this.deps.config.repartitionPurgeIntervalMs) await this.purgeRepartitionTopics()
  }

  /**
   * After a commit failed with a recoverable kind (exactly_once_v2: the transaction is lost,
   * fenced or its outcome unknown), or a task's output could not be sent (at_least_once: records
   * since the last commit are not all written). Close the task dirty (exactly_once_v2: abort, and
   * the state-wipe rule rebuilds its state from the committed changelog) and, when the group still
   * assigns it here, create it again: a new producer's InitProducerId resolves any old
   * transaction, and processing resumes from the committed offsets.
   */
  private async restartTask(t: ActiveTask, kind: ClientErrorKind, err: unknown, why?: string): Promise<void> {
    const stillOurs = t.inputs.some(i => this.currentAssignment.some(a => a.topic === i.topic && a.partition === i.partition))
    const reason = why ?? RESTART_REASON[kind] ?? 'failed to commit'
    this.deps.config.logger.warn(
      { task: t.id, kind, ...describe(err) },
      `Task ${t.id} ${reason}; closing it dirty${stillOurs ? ' and restarting it from its last commit' : ''}`,
    )
    await this.closeTask(t, false)
    this.deps.metrics.taskRestarts.inc()
    // A frozen instance can learn of its new assignment before it learns of the fencing:
    // if the group still gives it this task, start it afresh from the committed state.
    if (stillOurs) this.pendingAssignment ??= this.currentAssignment
  }

  /** Repartition records below the committed offsets are never read again: delete them. */
  private async purgeRepartitionTopics(): Promise<void> {
    this.lastPurge = Date.now()
    const offsets: { topic: string; partition: number; offset: number }[] = []
    for (const t of this.active.values()) {
      for (const tp of t.inputs) {
        if (!this.deps.repartitionTopics.has(tp.topic)) continue
        const off = t.committed.get(tpKey(tp.topic, tp.partition))
        if (off !== undefined && off > 0) offsets.push({ ...tp, offset: off })
      }
    }
    if (offsets.length === 0) return
    try {
      await this.deps.admin.deleteRecordsBefore(offsets)
    } catch (err) {
      this.deps.config.logger.debug({ err }, 'Purging repartition topics failed; retrying later')
    }
  }

  private async applyAssignment(parts: TopicPartition[]): Promise<void> {
    const { consumer, config } = this.deps
    const wanted = new Map<string, TopicPartition[]>()
    for (const tp of parts) {
      const id = this.taskOf(tp)
      if (id === null) continue
      if (!wanted.has(id)) wanted.set(id, [])
      wanted.get(id)!.push(tp)
    }

    // Assignment user data (standbys, host map, group-wide errors): read back from the coordinator.
    try {
      const data = await consumer.assignmentUserData()
      const info = decodeAssignmentInfo(data)
      if (info) this.info = info
    } catch (err) {
      config.logger.debug({ err }, 'Could not read assignment user data')
    }
    if (this.info?.error) throw new Error(this.info.error)

    for (const t of [...this.active.values(), ...this.unstarted.values()]) {
      if (!wanted.has(t.id)) await this.closeTask(t, true)
    }
    // Standbys: drop those no longer assigned and those becoming active here (the active task
    // restores from the standby's checkpoint, so only the remaining delta).
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
      if (this.pendingAssignment || !this.running) return // a newer rebalance supersedes this one
      try {
        let t = this.unstarted.get(id)
        if (!t) {
          t = await createActiveTask(this.deps, id, tps, budget, () => !this.running)
          this.unstarted.set(id, t)
        }
        await this.startFromCommitted(t)
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
      if (this.pendingAssignment || !this.running) return
      this.standby.set(id, await StandbyTask.create(this.deps, id, 0))
    }
  }

  /** Ids of assigned tasks that have not started yet. */
  private notStarted(): string[] {
    const ids = new Set<string>()
    for (const tp of this.notStartedPartitions()) ids.add(this.taskOf(tp)!)
    return [...ids]
  }

  /** Assigned input partitions whose task has not started (they stay paused until it does). */
  private notStartedPartitions(): TopicPartition[] {
    return this.currentAssignment.filter(tp => {
      const id = this.taskOf(tp)
      return id !== null && !this.active.has(id)
    })
  }

  /** The stall watchdog, on the commit schedule (never per record). */
  private async checkStalls(now: number): Promise<void> {
    const watchdog = this.watchdog
    if (!watchdog) return
    const interval = Math.max(this.deps.config.commitIntervalMs, Math.floor(this.deps.config.stalledPartitionWarningMs / 4))
    if (now - this.lastStallCheck < interval) return
    this.lastStallCheck = now
    const watched: WatchedPartition[] = []
    for (const tp of this.currentAssignment) {
      const taskId = this.taskOf(tp)
      if (taskId === null) continue
      const key = tpKey(tp.topic, tp.partition)
      const started = this.inputs.get(key)?.id === taskId
      const pos = this.positions.get(key)
      const position = started && pos !== undefined && pos >= 0 ? Math.max(pos, this.fetchedTo.get(key) ?? -1) : null
      watched.push({ topic: tp.topic, partition: tp.partition, taskId, position })
    }
    await watchdog.check(now, watched)
  }

  /** Seeks a new task's inputs to the group's committed offsets and lets records in. */
  private async startFromCommitted(t: ActiveTask): Promise<void> {
    const { consumer, admin, config } = this.deps
    const topics = [...new Set(t.inputs.map(i => i.topic))]
    const committed = await admin.committedOffsets(config.applicationId, topics)
    const byKey = new Map(committed.map(c => [tpKey(c.topic, c.partition), c.offset]))
    // Partition times committed with the offsets: stream time resumes where the last owner stopped.
    for (const c of committed) {
      const time = decodePartitionTime(c.metadata, m => config.logger.warn({ task: t.id }, `task ${t.id}, ${c.topic}-${c.partition}: ${m}`))
      if (time !== UNKNOWN_PARTITION_TIME && t.inputs.some(tp => tp.topic === c.topic && tp.partition === c.partition)) {
        t.task.initializePartitionTime(c.topic, c.partition, time)
      }
    }
    // No committed offset: the source's own reset policy (Consumed.withOffsetResetPolicy), else the
    // config's, resolved to a real offset here (kafkajs mishandles seeks to its special offsets).
    const uncommitted = t.inputs.filter(tp => !byKey.has(tpKey(tp.topic, tp.partition)))
    const latest = uncommitted.filter(tp => (this.deps.offsetResetFor(tp.topic) ?? config.autoOffsetReset) === 'latest')
    const earliest = uncommitted.filter(tp => !latest.includes(tp))
    const [ends, starts] = await Promise.all([
      latest.length > 0 ? this.deps.reader.endOffsets(latest) : new Map<string, number>(),
      earliest.length > 0 ? this.deps.reader.beginningOffsets(earliest) : new Map<string, number>(),
    ])
    for (const tp of t.inputs) {
      const key = tpKey(tp.topic, tp.partition)
      const committedOffset = byKey.get(key)
      if (committedOffset !== undefined) t.committed.set(key, committedOffset)
      const off = committedOffset ?? ends.get(key) ?? starts.get(key) ?? 0
      consumer.seek(tp.topic, tp.partition, off)
      this.positions.set(key, off)
      this.inputs.set(key, t)
    }
    consumer.resume(t.inputs)
  }

  /** Clean: commit what was processed, then close and checkpoint. Dirty: drop and close. */
  private async closeTask(t: ActiveTask, clean: boolean): Promise<void> {
    const { config, consumer } = this.deps
    this.active.delete(t.id)
    if (this.unstarted.get(t.id) === t) this.unstarted.delete(t.id)
    for (const tp of t.inputs) {
      const key = tpKey(tp.topic, tp.partition)
      if (this.inputs.get(key) === t) this.inputs.delete(key)
      this.positions.delete(key)
      this.fetchedTo.delete(key)
      this.backpressured.delete(key)
    }
    // Dirty: stop fetching until a restart seeks back to the committed offsets, so no batch read
    // from the old position arrives after that seek.
    if (!clean) consumer.pause(t.inputs.filter(tp => this.currentAssignment.some(a => a.topic === tp.topic && a.partition === tp.partition)))
    let closedClean = false
    if (clean) {
      try {
        if (this.eos) await commitExactlyOnce(t, config.applicationId)
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
      if (this.eos) await t.producer.abortTransaction().catch(() => {})
      await t.task.close({ clean: false }).catch(e => config.logger.warn({ task: t.id, err: e }, `Closing task ${t.id} failed`))
    }
    if (t.ownsProducer) await t.producer.disconnect().catch(() => {})
    this.deps.metrics.removeTask(t.id)
  }

  /** Stops processing and closes every task (committing first when clean), then leaves the group. */
  async shutdown(clean: boolean): Promise<void> {
    this.running = false
    this.wake.wake()
    if (this.loopDone) await this.loopDone
    if (clean && this.active.size > 0 && !this.eos) {
      try {
        await this.commitAll()
      } catch (err) {
        this.deps.config.logger.warn({ err }, 'Final commit failed')
      }
    }
    // A member the coordinator may have expelled must not flush its state on the way out.
    const cleanClose = clean && !this.tasksLost && !this.membershipUnconfirmed()
    for (const t of [...this.active.values()]) await this.closeTask(t, cleanClose)
    for (const t of [...this.unstarted.values()]) await this.closeTask(t, cleanClose)
    for (const s of [...this.standby.values()]) {
      this.standby.delete(s.id)
      await s.close()
    }
    await this.deps.consumer.disconnect().catch(() => {})
  }
}
