import type { KeyValue } from '../key-value.js'
import type { KeyValueBytesStore } from '../key-value-store.js'
import { mapMaybe, type MaybePromise } from '../maybe-promise.js'
import type { Serde } from '../serde.js'
import type { StateStore, StateStoreContext } from '../state-store.js'
import { timestampedRestoreContext } from './changelog-writer.js'
import { ChangeLoggingStore } from './change-logging-store.js'
import { isEvictingStore } from '../memory/lru-memory-store.js'

/** Writes through to the inner store and sends every write (deletes as tombstones) to the changelog. */
export class ChangeLoggingKeyValueStore extends ChangeLoggingStore<KeyValueBytesStore> implements KeyValueBytesStore {
  override init(context: StateStoreContext, root: StateStore): Promise<void> {
    // Keys an LRU store drops must not come back on restore.
    if (isEvictingStore(this.inner)) this.inner.setEvictionListener((key) => this.log(key, null))
    return super.init(context, root)
  }

  put(key: Buffer, value: Buffer | null): MaybePromise<void> {
    const done = this.inner.put(key, value)
    this.log(key, value)
    return done
  }

  // putIfAbsent and delete log after the inner store answers: the time is taken at the call
  putIfAbsent(key: Buffer, value: Buffer): MaybePromise<Buffer | null> {
    const timestamp = this.openWriter().recordTimestamp()
    return mapMaybe(this.inner.putIfAbsent(key, value), (previous) => {
      if (previous === null) this.log(key, value, timestamp)
      return previous
    })
  }

  putAll(entries: KeyValue<Buffer, Buffer | null>[]): MaybePromise<void> {
    const done = this.inner.putAll(entries)
    for (const { key, value } of entries) this.log(key, value)
    return done
  }

  delete(key: Buffer): MaybePromise<Buffer | null> {
    const timestamp = this.openWriter().recordTimestamp()
    return mapMaybe(this.inner.delete(key), (previous) => {
      this.log(key, null, timestamp)
      return previous
    })
  }

  get(key: Buffer): MaybePromise<Buffer | null> {
    return this.inner.get(key)
  }
  range(from: Buffer | null, to: Buffer | null): AsyncIterable<KeyValue<Buffer, Buffer>> {
    return this.inner.range(from, to)
  }
  reverseRange(from: Buffer | null, to: Buffer | null): AsyncIterable<KeyValue<Buffer, Buffer>> {
    return this.inner.reverseRange(from, to)
  }
  all(): AsyncIterable<KeyValue<Buffer, Buffer>> {
    return this.inner.all()
  }
  reverseAll(): AsyncIterable<KeyValue<Buffer, Buffer>> {
    return this.inner.reverseAll()
  }
  prefixScan<P>(prefix: P, prefixSerde: Serde<P>): AsyncIterable<KeyValue<Buffer, Buffer>> {
    return this.inner.prefixScan(prefix, prefixSerde)
  }
  approximateNumEntries(): MaybePromise<number> {
    return this.inner.approximateNumEntries()
  }

  /** `timestamp`: the record time taken when the write was called; now by default. */
  protected log(key: Buffer, value: Buffer | null, timestamp?: number): void {
    this.openWriter().log(key, value, timestamp)
  }
}

/**
 * For stores of ValueAndTimestamp bytes: logs the plain value with the stored timestamp as the
 * record timestamp, and restores by putting the timestamp back.
 */
export class ChangeLoggingTimestampedKeyValueStore extends ChangeLoggingKeyValueStore {
  override init(context: StateStoreContext, root: StateStore): Promise<void> {
    return super.init(timestampedRestoreContext(context), root)
  }

  protected override log(key: Buffer, value: Buffer | null, timestamp?: number): void {
    this.openWriter().logTimestamped(key, value, timestamp)
  }
}
