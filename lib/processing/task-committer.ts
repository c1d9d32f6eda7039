import type { AdminClient, GroupConsumer } from '../clients/types.js'
import { tpKey } from '../clients/types.js'
import { classifyClientError, isMembershipLost, isRecoverableClientError, kafkaCodeOf } from '../clients/errors.js'
import { commitAtLeastOnce, commitExactlyOnce, TaskFlushError } from '../commit/commit-tasks.js'
import type { ResolvedStreamsConfig } from '../config/types.js'
import type { StreamsMetrics } from '../metrics/streams-metrics.js'
import { Backoff } from './backoff.js'
import { describeError } from './describe-error.js'
import type { MembershipGate } from './membership-gate.js'
import type { TaskManager } from './task-manager.js'

export interface TaskCommitterDeps {
  config: ResolvedStreamsConfig
  metrics: StreamsMetrics
  consumer: Pick<GroupConsumer, 'commitOffsets'>
  admin: Pick<AdminClient, 'deleteRecordsBefore'>
  /** Repartition topics: their records are deleted once consumed and committed. */
  repartitionTopics: ReadonlySet<string>
}

/** A commit stopped before sending because the tasks were lost meanwhile. */
class MembershipLostDuringCommit extends Error {
  constructor() {
    super('Offsets not committed: the tasks were lost to a group membership loss during the commit')
  }
}

/**
 * Commits every active task on the commit interval or on request, and decides what a refused
 * commit means, by the error's kind: a lost membership loses every task, a fenced or lost
 * transaction or unsent output restarts the task from its last commit, a rebalance or a transient
 * error retries later with a backoff; anything else is fatal for the thread. Under exactly_once_v2
 * with a thread producer the thread's transaction commits every task at once and handles its own
 * failures (ThreadTransaction); with a producer per task each task commits on its own.
 */
export class TaskCommitter {
  private lastCommit = Date.now()
  private requested = false
  private retryAt = 0
  private lastPurge = Date.now()
  private readonly backoff = new Backoff(100, 5000)
  private readonly eos: boolean

  constructor(
    private readonly deps: TaskCommitterDeps,
    private readonly tasks: TaskManager,
    private readonly gate: MembershipGate,
  ) {
    this.eos = deps.config.processingGuarantee === 'exactly_once_v2'
  }

  /** Commit at the next turn of the loop (a rebalance is starting, or a commit must be retried). */
  request(): void {
    this.requested = true
  }

  due(now: number): boolean {
    return (this.requested || now - this.lastCommit >= this.deps.config.commitIntervalMs) && now >= this.retryAt
  }

  sinceLastCommitMs(now: number): number {
    return now - this.lastCommit
  }

  /** Commits every task; returns when offsets (and under EOS, transactions) are durable. */
  async commitAll(): Promise<void> {
    const { config, metrics } = this.deps
    const started = performance.now()
    this.lastCommit = Date.now()
    this.requested = false
    const tasks = [...this.tasks.active.values()]
    if (tasks.length === 0 || this.tasks.lost) return
    if (this.gate.unconfirmed()) {
      this.requested = true
      return
    }
    const epoch = this.tasks.membershipEpoch
    if (this.tasks.thread) {
      // One transaction for every task of the thread; a failure is handled inside, by kind. Not
      // committed (between generations, or failed): try again at the next turn.
      if (!(await this.tasks.thread.commit())) this.requested = true
    } else if (this.eos) {
      for (const t of tasks) {
        if (this.tasks.lost || !this.tasks.active.has(t.id)) continue
        try {
          await commitExactlyOnce(t, config.applicationId)
        } catch (err) {
          if (!isRecoverableClientError(err)) throw err
          await this.tasks.restartTask(t, classifyClientError(err), err)
        }
      }
    } else {
      try {
        await commitAtLeastOnce(tasks, offsets => {
          // The flush before this may have let a GROUP_JOIN in that lost these tasks.
          if (this.tasks.membershipEpoch !== epoch) throw new MembershipLostDuringCommit()
          return this.deps.consumer.commitOffsets(offsets)
        }, config.applicationId)
        this.backoff.reset()
      } catch (err) {
        await this.refused(err)
      }
    }
    metrics.commits.inc()
    const tookMs = performance.now() - started
    metrics.commitLatency.observe(tookMs)
    metrics.commitLatencySeconds.observe(tookMs / 1000)
    if (Date.now() - this.lastPurge >= config.repartitionPurgeIntervalMs) await this.purgeRepartitionTopics()
  }

  /** An at_least_once commit failed: act by the error's kind. */
  private async refused(err: unknown): Promise<void> {
    const { logger } = this.deps.config
    const kind = classifyClientError(err)
    if (err instanceof MembershipLostDuringCommit) {
      // Nothing sent: the loop closes the lost tasks.
    } else if (err instanceof TaskFlushError) {
      // Their output since the last commit is not all written and is not kept: nothing was
      // committed, and those tasks start again from their last commit (records reprocessed,
      // never lost). The other tasks commit at the next interval.
      if (!isRecoverableClientError(err.cause)) throw err.cause
      const flushKind = classifyClientError(err.cause)
      for (const t of err.tasks) if (this.tasks.active.get(t.id) === t) await this.tasks.restartTask(t, flushKind, err.cause, 'could not send its output')
      this.requested = true
    } else if (isMembershipLost(err)) {
      // Kafka's CommitFailedException: the coordinator no longer knows this member (or its
      // generation), so its tasks may have moved and moved on; they are lost, not revoked.
      this.tasks.markAllLost(`offset commit answered error code ${kafkaCodeOf(err)}`)
      // kafkajs rejoins at its next heartbeat if the group moved on; until a new assignment
      // arrives, the assigned tasks start again from the committed offsets (Kafka Streams
      // rejoins at once; a commit refused by mistake must not leave the partitions idle).
      this.tasks.assignment.again()
    } else if (kind === 'rebalance') {
      // The group moved on (or is moving): kafkajs rejoins at its next heartbeat, tasks that stay
      // here commit at the next interval, tasks that move are redone by their new owner from
      // the last commit. Records may be processed twice, never lost.
      logger.info(describeError(err), 'Offset commit refused by the group coordinator (rebalance); records since the last commit are committed later or reprocessed')
      this.requested = true
      this.retryAt = Date.now() + this.backoff.next()
    } else if (kind === 'retriable' || kind === 'unknown_topic') {
      const waitMs = this.backoff.next()
      logger.warn(describeError(err), `Commit failed; retrying in ${waitMs} ms`)
      this.requested = true
      this.retryAt = Date.now() + waitMs
    } else {
      throw err
    }
  }

  /** Repartition records below the committed offsets are never read again: delete them. */
  private async purgeRepartitionTopics(): Promise<void> {
    this.lastPurge = Date.now()
    const offsets: { topic: string; partition: number; offset: number }[] = []
    for (const t of this.tasks.active.values()) {
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
}
