import type { Logger } from '../config/types.js'

/**
 * Kafka Streams' eager rebalance, for a consumer that reports revocation (onPartitionsRevoked):
 * the revocation asks the loop for a commit, and the consumer rejoins only once that commit is
 * made (or failed), so it reaches the coordinator in the generation it belongs to. From that
 * commit until the next assignment the thread processes nothing: a task revoked in that window
 * would otherwise have output in the thread's open transaction, and closing it would abort the
 * transaction for every task of the thread.
 *
 * The pause ends with the next assignment, or after `maxPauseMs` (the rebalance timeout: the
 * consumer gives up waiting for the group then) with a warning, so a rejoin that never completes
 * cannot stop processing for good.
 */
export class Revocation {
  private waiters: (() => void)[] = []
  private commitWanted = false
  /** When the revocation commit was made; 0 when not paused. */
  private pausedAt = 0
  /** An assignment arrived after the revocation was asked for and before its commit was made. */
  private assignedMeanwhile = false

  constructor(private readonly maxPauseMs: number, private readonly logger: Logger) {}

  /** onPartitionsRevoked (a consumer callback, synchronous): settles once the loop has committed. */
  revoked(): Promise<void> {
    this.commitWanted = true
    this.assignedMeanwhile = false
    return new Promise(resolve => this.waiters.push(resolve))
  }

  /** The loop must make the revocation commit before anything else. */
  get commitDue(): boolean {
    return this.commitWanted
  }

  /** The revocation commit was made or failed: the consumer may rejoin, processing waits for the assignment. */
  committed(now = Date.now()): void {
    this.commitWanted = false
    if (!this.assignedMeanwhile) this.pausedAt = now
    this.assignedMeanwhile = false
    this.settle()
  }

  /** The new assignment arrived (onAssigned, synchronous): processing may resume. */
  assigned(): void {
    this.pausedAt = 0
    if (this.commitWanted) this.assignedMeanwhile = true
  }

  /** Whether processing waits for the next assignment. */
  paused(now = Date.now()): boolean {
    if (this.pausedAt === 0) return false
    if (now - this.pausedAt < this.maxPauseMs) return true
    this.logger.warn(`No assignment within ${this.maxPauseMs} ms (the rebalance timeout) of the revocation commit; processing resumes with the tasks this thread has`)
    this.pausedAt = 0
    return false
  }

  /** The thread stops: a consumer waiting for the commit may go on. */
  release(): void {
    this.commitWanted = false
    this.pausedAt = 0
    this.settle()
  }

  private settle(): void {
    const waiters = this.waiters
    this.waiters = []
    for (const w of waiters) w()
  }
}
