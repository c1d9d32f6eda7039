// The persistent key-value store: bytes keys and values in one RocksDB instance per store per
// task, at `<taskDir>/rocksdb/<store>`. Writes are buffered and reach RocksDB as one write batch
// on flush() (the task's commit); reads see them before that.
import { join } from 'node:path'
import type { KeyValue } from '../key-value.js'
import type { KeyValueBytesStore } from '../key-value-store.js'
import { mapMaybe, type MaybePromise } from '../maybe-promise.js'
import type { Serde } from '../serde.js'
import type { RestoreRecord, StateStore, StateStoreContext } from '../state-store.js'
import { invalidateCheckpointEntries, ROCKSDB_DIR } from '../checkpoint/task-state.js'
import { openStoreDatabase, type Warn } from './open-store.js'
import { withConfiguredOptions } from './rocksdb-options.js'
import type { NativeOpenOptions } from './rocks-database.js'
import { RocksTable, type BytesEntry, type RangeBounds } from './rocks-table.js'
import { InvalidStateStoreError, requireKey } from '../internals/store-errors.js'

export interface RocksDBStoreOptions {
  native?: NativeOpenOptions
  /** unflushed writes past this size are written early as their own batch (default 8 MiB) */
  maxPendingBytes?: number
  warn?: Warn
}

const EMPTY: AsyncIterable<KeyValue<Buffer, Buffer>> = { [Symbol.asyncIterator]: () => ({ next: async () => ({ done: true, value: undefined }) }) }

export class RocksDBKeyValueStore implements KeyValueBytesStore {
  readonly persistent = true
  private table: RocksTable | null = null
  /** the store opened without any previous data (new, or rebuilt after corruption) */
  freshlyCreated = false
  path: string | null = null

  constructor(readonly name: string, private readonly options: RocksDBStoreOptions = {}) {
    if (!name) throw new Error('a RocksDB store needs a non-empty name')
  }

  async init(context: StateStoreContext, root: StateStore): Promise<void> {
    if (this.table !== null) throw new InvalidStateStoreError(this.name, 'is already open')
    this.path = join(context.taskDir, ROCKSDB_DIR, this.name)
    const native = withConfiguredOptions(this.options.native, context.rocksDb?.options(this.name, this.path))
    this.released = context.rocksDb ? context.rocksDb.closed.bind(context.rocksDb, this.path) : null
    let opened
    try {
      opened = await openStoreDatabase({ storeName: this.name, path: this.path, native, warn: this.options.warn })
    } catch (e) {
      this.release()
      throw e
    }
    this.freshlyCreated = opened.fresh
    if (opened.fresh) {
      await invalidateCheckpointEntries(context.taskDir, [{ topic: context.changelogTopic(this.name), partition: context.partition }], this.options.warn)
    }
    this.table = new RocksTable(opened.db, this.options.maxPendingBytes, { startedEmpty: opened.fresh })
    context.register(root, (batch) => this.restoreBatch(batch))
  }

  /**
   * Writes a batch of changelog records straight to RocksDB as one write batch (no cache, no
   * changelog). Timestamped stores get their values already re-joined with the record timestamp
   * by the change-logging layer's restore context.
   */
  async restoreBatch(batch: RestoreRecord[]): Promise<void> {
    await this.open().writeBatch(batch)
  }

  get(key: Buffer): MaybePromise<Buffer | null> {
    return this.open().get(checkKey(this.name, key))
  }

  put(key: Buffer, value: Buffer | null): void {
    this.open().put(checkKey(this.name, key), value)
  }

  putIfAbsent(key: Buffer, value: Buffer): MaybePromise<Buffer | null> {
    return mapMaybe(this.get(key), (old) => {
      if (old === null) this.put(key, value)
      return old
    })
  }

  putAll(entries: KeyValue<Buffer, Buffer | null>[]): void {
    const table = this.open()
    for (const e of entries) table.put(checkKey(this.name, e.key), e.value)
  }

  delete(key: Buffer): MaybePromise<Buffer | null> {
    return mapMaybe(this.get(key), (old) => {
      this.put(key, null)
      return old
    })
  }

  range(from: Buffer | null, to: Buffer | null): AsyncIterable<BytesEntry> {
    return this.scan(from, to, false)
  }

  reverseRange(from: Buffer | null, to: Buffer | null): AsyncIterable<BytesEntry> {
    return this.scan(from, to, true)
  }

  all(): AsyncIterable<BytesEntry> {
    return this.open().range({})
  }

  reverseAll(): AsyncIterable<BytesEntry> {
    return this.open().range({ reverse: true })
  }

  prefixScan<P>(prefix: P, prefixSerde: Serde<P>): AsyncIterable<BytesEntry> {
    const bytes = prefixSerde.serialize(this.name, prefix)
    if (bytes === null) throw new Error(`prefixScan on store '${this.name}': the prefix serialized to null`)
    const bounds: RangeBounds = { gte: bytes }
    const next = prefixSuccessor(bytes)
    if (next !== null) bounds.lt = next
    return this.open().range(bounds)
  }

  approximateNumEntries(): MaybePromise<number> {
    return this.open().approximateNumEntries()
  }

  async flush(): Promise<void> {
    if (this.table !== null) await this.table.flush()
  }

  /** Closes RocksDB. Unflushed writes are dropped, as in Kafka Streams: the task flushes first. */
  async close(): Promise<void> {
    const table = this.table
    if (table === null) return
    this.table = null
    try {
      await table.close()
    } finally {
      this.release()
    }
  }

  private released: (() => void) | null = null

  private release(): void {
    const r = this.released
    this.released = null
    r?.()
  }

  isOpen(): boolean {
    return this.table !== null
  }

  private scan(from: Buffer | null, to: Buffer | null, reverse: boolean): AsyncIterable<BytesEntry> {
    const table = this.open()
    if (from !== null && to !== null && Buffer.compare(from, to) > 0) return EMPTY
    const bounds: RangeBounds = { reverse }
    if (from !== null) bounds.gte = from
    if (to !== null) bounds.lte = to
    return table.range(bounds)
  }

  private open(): RocksTable {
    if (this.table === null) throw new InvalidStateStoreError(this.name, 'is not open')
    return this.table
  }
}

function checkKey(store: string, key: Buffer): Buffer {
  requireKey(store, key)
  return key
}

/** The smallest key greater than every key starting with `prefix`, or null if there is none. */
export function prefixSuccessor(prefix: Buffer): Buffer | null {
  for (let i = prefix.length - 1; i >= 0; i--) {
    if (prefix[i] !== 0xff) {
      const out = Buffer.from(prefix.subarray(0, i + 1))
      out[i]++
      return out
    }
  }
  return null
}
