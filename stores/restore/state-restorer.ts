// Restores one store from one changelog partition. The runtime fetches the records (from the
// checkpointed offset to the end offset it read when restore began) and hands them over in
// batches; this side writes each batch to the store through the callback the store registered
// (bulk, bypassing cache, changelog and processors), tracks the position, and reports progress.
import type { RestoreCallback, RestoreRecord } from '../state-store.js'
import type { ChangelogOffset } from '../checkpoint/offset-checkpoint.js'
import type { StateRestoreListener } from './state-restore-listener.js'

export interface StateRestorerOptions {
  storeName: string
  changelogTopic: string
  partition: number
  /** the callback the store passed to `context.register` */
  restore: RestoreCallback
  /** first offset to restore: the checkpointed offset, or 0 (the log start) without one */
  startOffset: number
  /** exclusive: the changelog's end offset (last stable offset under read_committed) at restore start */
  endOffset: number
  listener?: StateRestoreListener
}

export class StateRestorer {
  readonly storeName: string
  readonly changelogTopic: string
  readonly partition: number
  readonly startOffset: number
  readonly endOffset: number
  private position: number
  private total = 0
  private started = false
  private ended = false

  constructor(private readonly opts: StateRestorerOptions) {
    const { storeName, changelogTopic, partition, startOffset, endOffset } = opts
    if (!Number.isSafeInteger(startOffset) || startOffset < 0) throw new RangeError(`restore of store '${storeName}' from ${changelogTopic}-${partition}: invalid start offset ${startOffset}`)
    if (!Number.isSafeInteger(endOffset) || endOffset < 0) throw new RangeError(`restore of store '${storeName}' from ${changelogTopic}-${partition}: invalid end offset ${endOffset}`)
    this.storeName = storeName
    this.changelogTopic = changelogTopic
    this.partition = partition
    this.startOffset = startOffset
    this.endOffset = endOffset
    this.position = startOffset
  }

  /** The next offset to fetch. */
  get nextOffset(): number {
    return this.position
  }

  get totalRestored(): number {
    return this.total
  }

  /** Everything up to the end offset is in the store (also true when there was nothing to do). */
  get isComplete(): boolean {
    return this.position >= this.endOffset
  }

  /**
   * Writes one fetched batch. Records at or past the end offset are left out (they arrived after
   * restore began and are processed as ordinary input of the changelog's owner, not restored).
   * `positionAfter` is the consumer's position after the batch: with transactions, commit
   * markers occupy offsets no record carries, and only the position shows they were passed.
   */
  async restoreBatch(records: RestoreRecord[], positionAfter?: number): Promise<void> {
    if (this.ended) throw new Error(`restore of store '${this.storeName}' from ${this.changelogTopic}-${this.partition} has already ended`)
    await this.start()
    let n = records.length
    while (n > 0 && records[n - 1].offset >= this.endOffset) n--
    const batch = n === records.length ? records : records.slice(0, n)
    if (batch.length > 0) {
      await this.opts.restore(batch)
      this.total += batch.length
      const last = batch[batch.length - 1].offset
      this.position = Math.max(this.position, last + 1)
      await this.opts.listener?.onBatchRestored(this.storeName, this.changelogTopic, this.partition, last, batch.length)
    }
    if (positionAfter !== undefined) this.position = Math.max(this.position, Math.min(positionAfter, this.endOffset))
  }

  /** Reports the end; returns the checkpoint entry for the restored partition. */
  async finish(): Promise<ChangelogOffset> {
    if (!this.ended) {
      this.ended = true
      if (this.started) await this.opts.listener?.onRestoreEnd(this.storeName, this.changelogTopic, this.partition, this.total)
    }
    return { topic: this.changelogTopic, partition: this.partition, offset: this.position }
  }

  private async start(): Promise<void> {
    if (this.started) return
    this.started = true
    await this.opts.listener?.onRestoreStart(this.storeName, this.changelogTopic, this.partition, this.startOffset, this.endOffset)
  }
}

/**
 * Restores from an async source of batches until the end offset (convenience for callers that
 * already have the records: tests, benchmarks, a runtime reading a local copy).
 */
export async function restoreFrom(restorer: StateRestorer, batches: AsyncIterable<RestoreRecord[]> | Iterable<RestoreRecord[]>): Promise<ChangelogOffset> {
  if (!restorer.isComplete) {
    for await (const batch of batches) {
      await restorer.restoreBatch(batch)
      if (restorer.isComplete) break
    }
  }
  return restorer.finish()
}
