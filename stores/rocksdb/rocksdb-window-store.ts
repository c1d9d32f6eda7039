// The persistent window store: Kafka Streams' window key layout (key | start | seqnum) in time
// segments of RocksDB instances. With retainDuplicates (stream-stream join buffers) every put
// gets its own sequence number, so none overwrites another.
import type { KeyValue, Windowed } from '../key-value.js'
import type { MaybePromise } from '../maybe-promise.js'
import type { WindowBytesStore } from '../window-store.js'
import { requireKey } from '../internals/store-errors.js'
import { SegmentedRocksStore, type SegmentedStoreOptions } from './segmented-store.js'
import type { RangeBounds } from './rocks-table.js'
import { WindowKeySchema, WINDOW_SUFFIX, withSuffix } from './window-key-schema.js'

const MAX_SEQ = 0xffffffff

export class RocksDBWindowStore extends SegmentedRocksStore implements WindowBytesStore {
  private seqnum = 0

  constructor(
    name: string,
    retentionPeriod: number,
    readonly windowSize: number,
    readonly retainDuplicates: boolean,
    segmentInterval: number,
    options: SegmentedStoreOptions = {},
  ) {
    super(name, retentionPeriod, segmentInterval, options)
    if (!Number.isSafeInteger(windowSize) || windowSize < 0) throw new RangeError(`window store '${name}': window size must be a non-negative integer of ms, got ${windowSize}`)
  }

  protected segmentTimestamp(storeKey: Buffer): number {
    WindowKeySchema.check(storeKey, `restore of window store '${this.name}'`)
    return WindowKeySchema.extractTimestamp(storeKey)
  }

  put(key: Buffer, value: Buffer | null, windowStart: number): MaybePromise<void> {
    requireKey(this.name, key)
    if (value === null && this.retainDuplicates) return // a duplicate-keeping store has nothing to delete by key
    const seq = this.retainDuplicates ? (this.seqnum = (this.seqnum + 1) >>> 0) : 0
    const storeKey = WindowKeySchema.toStoreKey(key, windowStart, seq)
    const seg = this.segmentForWrite(windowStart)
    if (seg instanceof Promise) {
      return seg.then((s) => {
        s?.table.put(storeKey, value)
        return this.expire()
      })
    }
    seg?.table.put(storeKey, value) // null: the window is past retention, as Kafka Streams drops it
    return this.expire()
  }

  fetch(key: Buffer, windowStart: number): MaybePromise<Buffer | null> {
    requireKey(this.name, key)
    if (windowStart < this.minLiveTime()) return null
    if (this.retainDuplicates) return this.firstDuplicate(key, windowStart)
    const seg = this.open().get(windowStart)
    if (seg === undefined) return null
    const storeKey = WindowKeySchema.toStoreKey(key, windowStart, 0)
    if (seg instanceof Promise) return seg.then((s) => (s === undefined ? null : s.table.get(storeKey)))
    return seg.table.get(storeKey)
  }

  fetchRange(key: Buffer, timeFrom: number, timeTo: number): AsyncIterable<KeyValue<number, Buffer>> {
    return this.byStart(key, timeFrom, timeTo, false)
  }

  backwardFetchRange(key: Buffer, timeFrom: number, timeTo: number): AsyncIterable<KeyValue<number, Buffer>> {
    return this.byStart(key, timeFrom, timeTo, true)
  }

  fetchKeyRange(keyFrom: Buffer | null, keyTo: Buffer | null, timeFrom: number, timeTo: number): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    if (keyFrom !== null && keyTo !== null && Buffer.compare(keyFrom, keyTo) > 0) return this.windowed(1, 0, {}, () => false)
    const bounds: RangeBounds = {}
    if (keyFrom !== null) bounds.gte = withSuffix(keyFrom, WINDOW_SUFFIX, 0x00)
    if (keyTo !== null) bounds.lte = withSuffix(keyTo, WINDOW_SUFFIX, 0xff)
    return this.windowed(timeFrom, timeTo, bounds, (k) => {
      const key = WindowKeySchema.extractKey(k)
      return (keyFrom === null || Buffer.compare(key, keyFrom) >= 0) && (keyTo === null || Buffer.compare(key, keyTo) <= 0)
    })
  }

  fetchAll(timeFrom: number, timeTo: number): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.windowed(timeFrom, timeTo, {}, () => true)
  }

  all(): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.windowed(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, {}, () => true)
  }

  private async firstDuplicate(key: Buffer, windowStart: number): Promise<Buffer | null> {
    for await (const e of this.byStart(key, windowStart, windowStart, false)) return e.value
    return null
  }

  private byStart(key: Buffer, timeFrom: number, timeTo: number, reverse: boolean): AsyncIterable<KeyValue<number, Buffer>> {
    requireKey(this.name, key)
    const store = this
    const from = Math.max(timeFrom, this.minLiveTime())
    return {
      async *[Symbol.asyncIterator]() {
        if (timeTo < from) return
        const bounds: RangeBounds = {
          gte: WindowKeySchema.toStoreKey(key, Math.max(from, 0), 0),
          lte: WindowKeySchema.toStoreKey(key, timeTo, MAX_SEQ),
          reverse,
        }
        for (const seg of await store.open().inRange(from, timeTo, reverse)) {
          for await (const e of seg.table.range(bounds)) {
            if (!WindowKeySchema.keyEquals(e.key, key)) continue
            const start = WindowKeySchema.extractTimestamp(e.key)
            if (start >= from && start <= timeTo) yield { key: start, value: e.value }
          }
        }
      },
    }
  }

  private windowed(timeFrom: number, timeTo: number, bounds: RangeBounds, keep: (storeKey: Buffer) => boolean): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    const store = this
    const from = Math.max(timeFrom, this.minLiveTime())
    return {
      async *[Symbol.asyncIterator]() {
        if (timeTo < from) return
        for (const seg of await store.open().inRange(from, timeTo)) {
          for await (const e of seg.table.range(bounds)) {
            const start = WindowKeySchema.extractTimestamp(e.key)
            if (start < from || start > timeTo || !keep(e.key)) continue
            yield { key: { key: WindowKeySchema.extractKey(e.key), window: { start, end: start + store.windowSize } }, value: e.value }
          }
        }
      },
    }
  }
}
