import type { FetchedRecord, GroupConsumer, TopicPartition } from '../clients/types.js'
import { tpKey } from '../clients/types.js'
import type { StreamsMetrics } from '../metrics/streams-metrics.js'
import type { ActiveTask } from '../tasks/active-task.js'

/**
 * The input side of the active tasks: which started task takes each partition's records, how far
 * each partition has been handed over (positions) and read (for the stall watchdog), and
 * backpressure (a partition whose queue is full is paused until its task drains it).
 *
 * Its state changes from the consumer's callbacks as well as from the loop, always synchronously:
 * a method never awaits, so no callback can interleave inside one.
 */
export class PartitionInputs {
  private readonly owners = new Map<string, ActiveTask>()
  /** tpKey → next offset handed to the task: records below it are stale duplicates. */
  private readonly positions = new Map<string, number>()
  /** tpKey → next offset the consumer has read to, control records included. */
  private readonly fetchedTo = new Map<string, number>()
  private readonly backpressured = new Map<string, TopicPartition>()

  constructor(
    private readonly consumer: Pick<GroupConsumer, 'pause' | 'resume' | 'seek'>,
    private readonly maxBuffered: number,
    private readonly metrics: Pick<StreamsMetrics, 'consumerLag'>,
  ) {}

  /** Hands fetched records to the partition's task, skipping offsets it already has; true when any were queued. */
  accept(topic: string, partition: number, records: FetchedRecord[], highWatermark: number): boolean {
    const key = tpKey(topic, partition)
    const t = this.owners.get(key)
    if (!t || records.length === 0) return false
    const pos = this.positions.get(key) ?? -1
    let start = 0
    if (pos >= 0) while (start < records.length && records[start]!.offset < pos) start++
    if (start === records.length) return false
    const slice = start === 0 ? records : records.slice(start)
    t.task.addRecords(topic, partition, slice)
    const next = slice[slice.length - 1]!.offset + 1
    this.positions.set(key, next)
    this.metrics.consumerLag(topic, partition).set(Math.max(0, highWatermark - next))
    if (t.task.bufferedCount(topic, partition) >= this.maxBuffered && !this.backpressured.has(key)) {
      this.backpressured.set(key, { topic, partition })
      this.consumer.pause([{ topic, partition }])
    }
    return true
  }

  fetched(topic: string, partition: number, next: number): void {
    const key = tpKey(topic, partition)
    if (this.owners.has(key) && next > (this.fetchedTo.get(key) ?? -1)) this.fetchedTo.set(key, next)
  }

  /**
   * A new generation's partitions: a partition whose task keeps it continues from its position
   * (the consumer restarts a generation from the committed offsets, so it is sought back);
   * every other partition stops taking records and is paused until its task has started.
   */
  reassign(parts: readonly TopicPartition[], taskOf: (tp: TopicPartition) => string | null, keepNone: boolean): void {
    const keep = new Set<string>()
    const toPause: TopicPartition[] = []
    for (const tp of parts) {
      const key = tpKey(tp.topic, tp.partition)
      const owner = this.owners.get(key)
      if (owner && owner.id === taskOf(tp) && !keepNone) {
        keep.add(key)
        const pos = this.positions.get(key)
        if (pos !== undefined && pos >= 0) this.consumer.seek(tp.topic, tp.partition, pos)
      } else {
        toPause.push(tp)
      }
    }
    for (const key of [...this.owners.keys()]) if (!keep.has(key)) this.owners.delete(key)
    this.consumer.pause(toPause)
  }

  /** Every task is lost: none takes records any more, and their partitions are paused. */
  dropAll(): void {
    const parts: TopicPartition[] = []
    for (const [key, t] of this.owners) for (const tp of t.inputs) if (tpKey(tp.topic, tp.partition) === key) parts.push(tp)
    this.owners.clear()
    this.consumer.pause(parts)
  }

  /** A task has started: its partitions are read from `offsets` (tpKey → offset) on. */
  startAt(t: ActiveTask, offsets: ReadonlyMap<string, number>): void {
    for (const tp of t.inputs) {
      const key = tpKey(tp.topic, tp.partition)
      const off = offsets.get(key) ?? 0
      this.consumer.seek(tp.topic, tp.partition, off)
      this.positions.set(key, off)
      this.owners.set(key, t)
    }
    this.consumer.resume(t.inputs)
  }

  /** A task closes: forget its partitions; `pause` those still assigned so no stale batch arrives before a restart seeks. */
  release(t: ActiveTask, pause: readonly TopicPartition[]): void {
    for (const tp of t.inputs) {
      const key = tpKey(tp.topic, tp.partition)
      if (this.owners.get(key) === t) this.owners.delete(key)
      this.positions.delete(key)
      this.fetchedTo.delete(key)
      this.backpressured.delete(key)
    }
    this.consumer.pause(pause)
  }

  /** Resumes partitions whose task has drained its queue below half the limit. */
  resumeDrained(): void {
    if (this.backpressured.size === 0) return
    const resume: TopicPartition[] = []
    for (const [key, tp] of this.backpressured) {
      const t = this.owners.get(key)
      if (!t) {
        this.backpressured.delete(key)
        continue
      }
      if (t.task.bufferedCount(tp.topic, tp.partition) < this.maxBuffered / 2) {
        resume.push(tp)
        this.backpressured.delete(key)
      }
    }
    this.consumer.resume(resume)
  }

  /** How far a started task's partition is read, or null when `taskId` has not started it. */
  readPosition(tp: TopicPartition, taskId: string): number | null {
    const key = tpKey(tp.topic, tp.partition)
    if (this.owners.get(key)?.id !== taskId) return null
    const pos = this.positions.get(key)
    return pos !== undefined && pos >= 0 ? Math.max(pos, this.fetchedTo.get(key) ?? -1) : null
  }
}
