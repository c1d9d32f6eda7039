// The persistent window store: the shared window key layout (key | start [| seqnum], see
// stores/internals/key-schema.ts; also the changelog key) in time segments of RocksDB instances. With retainDuplicates (stream-stream join buffers) every put
// gets its own sequence number, so none overwrites another.
import type { KeyValue, Windowed } from '../key-value.js'
import type { MaybePromise } from '../maybe-promise.js'
import type { WindowBytesStore } from '../window-store.js'
import { requireKey } from '../internals/store-errors.js'
import { SegmentedRocksStore, type SegmentedStoreOptions } from './segmented-store.js'
import type { RangeBounds } from './rocks-table.js'
import type { RestoreRecord } from '../state-store.js'
import { checkTimestamp, keyRangeUpper, toWindowKey, windowKeySeqnum, windowKeyBounds, windowKeyKey, windowKeyMatches, windowKeyStart, windowKeySuffixSize } from '../internals/key-schema.js'

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
    const suffix = windowKeySuffixSize(this.retainDuplicates)
    if (storeKey.length < suffix) throw new RangeError(`restore of window store '${this.name}': a key of ${storeKey.length} bytes is shorter than its ${suffix}-byte window suffix`)
    return windowKeyStart(storeKey, this.retainDuplicates)
  }

  /** Duplicates restored keep their sequence numbers; new puts continue after the highest. */
  override restoreBatch(batch: RestoreRecord[]): Promise<void> {
    if (this.retainDuplicates) {
      for (const r of batch) if (r.key.length >= windowKeySuffixSize(true)) this.seqnum = Math.max(this.seqnum, windowKeySeqnum(r.key) + 1) >>> 0
    }
    return super.restoreBatch(batch)
  }

  put(key: Buffer, value: Buffer | null, windowStart: number): MaybePromise<void> {
    requireKey(this.name, key)
    checkTimestamp(this.name, 'window start', windowStart)
    if (value === null && this.retainDuplicates) return // a duplicate-keeping store has nothing to delete by key
    const storeKey = this.retainDuplicates ? toWindowKey(key, windowStart, (this.seqnum = (this.seqnum + 1) >>> 0)) : toWindowKey(key, windowStart)
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
    const storeKey = toWindowKey(key, windowStart)
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
    if (keyFrom !== null) bounds.gte = keyFrom
    if (keyTo !== null) bounds.lte = keyRangeUpper(keyTo, windowKeySuffixSize(this.retainDuplicates))!
    return this.windowed(timeFrom, timeTo, bounds, (k) => {
      const key = windowKeyKey(k, this.retainDuplicates)
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
        const [gte, lte] = windowKeyBounds(key, Math.max(from, 0), timeTo, store.retainDuplicates)
        const bounds: RangeBounds = { gte, lte, reverse }
        for (const seg of await store.open().inRange(from, timeTo, reverse)) {
          for await (const e of seg.table.range(bounds)) {
            if (!windowKeyMatches(e.key, key, store.retainDuplicates)) continue
            const start = windowKeyStart(e.key, store.retainDuplicates)
            if (start >= from && start <= timeTo) yield { key: start, value: e.value }
          }
        }
      },
    }
  }

  private windowed(timeFrom: number, timeTo: number, bounds: RangeBounds, keep: (storeKey: Buffer) => boolean): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    const store = this
    const from = Math.max(timeFrom, this.minLiveTime())
    const suffix = windowKeySuffixSize(this.retainDuplicates)
    return {
      async *[Symbol.asyncIterator]() {
        if (timeTo < from) return
        for (const seg of await store.open().inRange(from, timeTo)) {
          for await (const e of seg.table.range(bounds)) {
            if (e.key.length < suffix) continue
            const start = windowKeyStart(e.key, store.retainDuplicates)
            if (start < from || start > timeTo || !keep(e.key)) continue
            yield { key: { key: windowKeyKey(e.key, store.retainDuplicates), window: { start, end: start + store.windowSize } }, value: e.value }
          }
        }
      },
    }
  }
}
