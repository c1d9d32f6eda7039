import type { KeyValue, Windowed } from '../key-value.js'
import type { MaybePromise } from '../maybe-promise.js'
import type { StateStore, StateStoreContext } from '../state-store.js'
import type { WindowBytesStore } from '../window-store.js'
import { toWindowKey } from '../internals/key-schema.js'
import { timestampedRestoreContext } from './changelog-writer.js'
import { ChangeLoggingStore } from './change-logging-store.js'

/**
 * Writes through and logs each put under its window-store key (key | start [| seqnum]). With
 * retainDuplicates the seqnum counts puts exactly as the inner store does, as Kafka Streams.
 */
export class ChangeLoggingWindowStore extends ChangeLoggingStore<WindowBytesStore> implements WindowBytesStore {
  private seqnum = 0

  constructor(
    inner: WindowBytesStore,
    private readonly retainDuplicates: boolean,
  ) {
    super(inner)
  }

  get windowSize(): number {
    return this.inner.windowSize
  }

  put(key: Buffer, value: Buffer | null, windowStart: number): MaybePromise<void> {
    const done = this.inner.put(key, value, windowStart)
    if (this.retainDuplicates) {
      if (value === null) return done
      this.seqnum = (this.seqnum + 1) >>> 0
      this.log(toWindowKey(key, windowStart, this.seqnum), value)
    } else {
      this.log(toWindowKey(key, windowStart), value)
    }
    return done
  }

  fetch(key: Buffer, windowStart: number): MaybePromise<Buffer | null> {
    return this.inner.fetch(key, windowStart)
  }
  fetchRange(key: Buffer, timeFrom: number, timeTo: number): AsyncIterable<KeyValue<number, Buffer>> {
    return this.inner.fetchRange(key, timeFrom, timeTo)
  }
  backwardFetchRange(key: Buffer, timeFrom: number, timeTo: number): AsyncIterable<KeyValue<number, Buffer>> {
    return this.inner.backwardFetchRange(key, timeFrom, timeTo)
  }
  fetchKeyRange(keyFrom: Buffer | null, keyTo: Buffer | null, timeFrom: number, timeTo: number): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.inner.fetchKeyRange(keyFrom, keyTo, timeFrom, timeTo)
  }
  fetchAll(timeFrom: number, timeTo: number): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.inner.fetchAll(timeFrom, timeTo)
  }
  all(): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.inner.all()
  }

  protected log(storedKey: Buffer, value: Buffer | null): void {
    this.openWriter().log(storedKey, value)
  }
}

/** For ValueAndTimestamp values: logs the plain value with its timestamp as record timestamp. */
export class ChangeLoggingTimestampedWindowStore extends ChangeLoggingWindowStore {
  override init(context: StateStoreContext, root: StateStore): Promise<void> {
    return super.init(timestampedRestoreContext(context), root)
  }

  protected override log(storedKey: Buffer, value: Buffer | null): void {
    this.openWriter().logTimestamped(storedKey, value)
  }
}
