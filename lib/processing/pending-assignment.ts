import type { TopicPartition } from '../clients/types.js'

/**
 * Rebalance work the consumer's callbacks queue for the loop: the latest assignment (all of this
 * member's partitions) and whether tasks for it still have to be created or started. A newer
 * assignment replaces an older one not yet applied; a failed start is retried after a backoff.
 */
export class PendingAssignment {
  /** The partitions the group last assigned to this member. */
  current: readonly TopicPartition[] = []
  private pending: readonly TopicPartition[] | null = null
  private retryAt = 0

  /** A rebalance completed (the consumer callback, synchronous). */
  offer(parts: readonly TopicPartition[]): void {
    this.pending = parts
    this.current = parts
    this.retryAt = 0
  }

  /** Start the current assignment's tasks again (after a loss, a restart or a failed start). */
  again(): void {
    this.pending ??= this.current
  }

  /** Whether work is queued: a running start gives way to a newer assignment. */
  get queued(): boolean {
    return this.pending !== null
  }

  /** The work to do now, if any is queued and its backoff has passed. */
  take(now: number): readonly TopicPartition[] | null {
    if (this.pending === null || now < this.retryAt) return null
    const parts = this.pending
    this.pending = null
    return parts
  }

  /** Queue the current assignment again, not before `ms` from now. */
  retryIn(ms: number, now: number): void {
    this.again()
    this.retryAt = now + ms
  }

  /** How long until queued work may run: 0 now, Infinity when nothing is queued. */
  waitMs(now: number): number {
    return this.pending === null ? Infinity : Math.max(0, this.retryAt - now)
  }

  includes(tp: TopicPartition): boolean {
    return this.current.some(a => a.topic === tp.topic && a.partition === tp.partition)
  }
}
