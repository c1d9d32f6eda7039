// What the RocksDB and in-memory versioned stores share: the grace period (= history
// retention) on writes, the retention bound on as-of reads, the observed stream time, restore
// from the changelog and purging expired versions, over a VersionTable each provides.
import type { RestoreRecord, StateStore, StateStoreContext } from '../state-store.js'
import { InvalidStateStoreError, requireKey } from '../internals/store-errors.js'
import { VersionHistory, type VersionTable } from './version-history.js'
import { PUT_RETURN_CODE_NOT_PUT, type VersionedBytesStore, type VersionedRecord } from './versioned-store.js'

export interface OpenedVersionTable extends VersionTable {
  flush(): Promise<void>
  close(): Promise<void>
}

export abstract class VersionedStoreBase implements VersionedBytesStore {
  abstract readonly persistent: boolean
  protected table: OpenedVersionTable | null = null
  private history: VersionHistory | null = null
  /** the highest timestamp written or restored; -1 before any, as Kafka Streams */
  protected observedStreamTime = -1
  private purgedUpTo = Number.NEGATIVE_INFINITY

  constructor(
    readonly name: string,
    readonly historyRetention: number,
    readonly segmentInterval: number,
  ) {
    if (!name) throw new Error('a versioned store needs a non-empty name')
  }

  /** Opens the table (and reads back the stream time it kept, if any). */
  protected abstract openTable(context: StateStoreContext): Promise<OpenedVersionTable>
  /** Keeps the observed stream time with the data (persistent stores), on flush. */
  protected saveStreamTime(_table: OpenedVersionTable): void {}

  async init(context: StateStoreContext, root: StateStore): Promise<void> {
    if (this.table !== null) throw new InvalidStateStoreError(this.name, 'is already open')
    const table = await this.openTable(context)
    this.table = table
    this.history = new VersionHistory(table)
    context.register(root, (batch) => this.restoreBatch(batch))
  }

  /**
   * Replays changelog records (plain value, version timestamp) as puts, as Kafka Streams: a
   * record already past the grace period when it is reached is skipped.
   */
  async restoreBatch(batch: RestoreRecord[]): Promise<void> {
    const history = this.open()
    for (const r of batch) {
      if (r.timestamp < this.observedStreamTime - this.historyRetention) continue
      if (r.timestamp > this.observedStreamTime) this.observedStreamTime = r.timestamp
      await history.put(r.key, r.value, r.timestamp)
    }
    await this.flush()
  }

  async put(key: Buffer, value: Buffer | null, timestamp: number): Promise<number> {
    requireKey(this.name, key)
    const history = this.open()
    if (timestamp < this.observedStreamTime - this.historyRetention) return PUT_RETURN_CODE_NOT_PUT
    if (timestamp > this.observedStreamTime) this.observedStreamTime = timestamp
    return history.put(key, value, timestamp)
  }

  async delete(key: Buffer, timestamp: number): Promise<VersionedRecord<Buffer> | null> {
    requireKey(this.name, key)
    const history = this.open()
    if (timestamp < this.observedStreamTime - this.historyRetention) return null
    const existing = await this.get(key, timestamp)
    if (timestamp > this.observedStreamTime) this.observedStreamTime = timestamp
    await history.put(key, null, timestamp)
    return existing
  }

  async get(key: Buffer, asOfTimestamp?: number): Promise<VersionedRecord<Buffer> | null> {
    requireKey(this.name, key)
    const history = this.open()
    if (asOfTimestamp !== undefined && asOfTimestamp < this.observedStreamTime - this.historyRetention) {
      // beyond the history retention only the latest version still answers (it never expires)
      const latest = await history.latest(key)
      return latest !== null && latest.timestamp <= asOfTimestamp ? { value: latest.value, timestamp: latest.timestamp } : null
    }
    return history.get(key, asOfTimestamp)
  }

  /** Purges expired versions once per segment interval of stream time, then writes the pending batch. */
  async flush(): Promise<void> {
    const table = this.table
    if (table === null) return
    const bound = this.observedStreamTime - this.historyRetention
    if (this.observedStreamTime >= 0 && bound >= this.purgedUpTo + this.segmentInterval) {
      await this.history!.purge(bound)
      this.purgedUpTo = bound
    }
    this.saveStreamTime(table)
    await table.flush()
  }

  /** Unflushed writes are dropped, as in Kafka Streams: the task flushes first. */
  async close(): Promise<void> {
    const table = this.table
    if (table === null) return
    this.table = null
    this.history = null
    await table.close()
  }

  isOpen(): boolean {
    return this.table !== null
  }

  private open(): VersionHistory {
    if (this.history === null) throw new InvalidStateStoreError(this.name, 'is not open')
    return this.history
  }
}
