import type { KeyValue, Windowed } from '../key-value.js'
import type { RestoreRecord, StateStore, StateStoreContext } from '../state-store.js'
import type { WindowBytesStore } from '../window-store.js'
import { SyncAsyncIterable } from '../internals/async-iterable.js'
import { InvalidStateStoreError, requireKey } from '../internals/store-errors.js'
import { TimeSegments } from '../internals/time-segments.js'
import {
  checkTimestamp,
  keyRangeLower,
  keyRangeUpper,
  segmentId,
  toWindowKey,
  windowKeyBounds,
  windowKeyKey,
  windowKeyMatches,
  windowKeySeqnum,
  windowKeyStart,
  windowKeySuffixSize,
} from '../internals/key-schema.js'

export interface WindowStoreOptions {
  retentionPeriod: number
  windowSize: number
  retainDuplicates: boolean
  segmentInterval: number
}

/**
 * Window store in memory, laid out as the RocksDB one: time segments of window-store keys
 * (key | start [| seqnum]) in byte order. Stream time is the largest window start put; windows
 * starting at or before streamTime - retention are expired: dropped on put, never returned.
 *
 * Order: single-key fetches by window start; multi-key fetches by segment, then stored key bytes.
 */
export class InMemoryWindowStore implements WindowBytesStore {
  readonly persistent = false
  readonly windowSize: number
  private readonly segments = new TimeSegments<Buffer>()
  private observedStreamTime = -1
  private seqnum = 0
  private open = false

  constructor(
    readonly name: string,
    private readonly options: WindowStoreOptions,
  ) {
    this.windowSize = options.windowSize
  }

  async init(context: StateStoreContext, root: StateStore): Promise<void> {
    context.register(root, async (batch) => this.restore(batch))
    this.open = true
  }

  /** Applies changelog records (window-store keys) directly. */
  restore(batch: RestoreRecord[]): void {
    const dups = this.options.retainDuplicates
    for (const r of batch) {
      const start = windowKeyStart(r.key, dups)
      if (dups) this.seqnum = Math.max(this.seqnum, windowKeySeqnum(r.key) + 1) >>> 0
      this.putStored(r.key, start, r.value)
    }
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {
    this.open = false
    this.segments.clear()
  }

  isOpen(): boolean {
    return this.open
  }

  put(key: Buffer, value: Buffer | null, windowStart: number): void {
    this.checkOpen()
    requireKey(this.name, key)
    checkTimestamp(this.name, 'window start', windowStart)
    if (this.options.retainDuplicates) {
      if (value === null) return // join buffers never delete single entries; they expire
      this.seqnum = (this.seqnum + 1) >>> 0
      this.putStored(toWindowKey(key, windowStart, this.seqnum), windowStart, value)
    } else {
      this.putStored(toWindowKey(key, windowStart), windowStart, value)
    }
  }

  fetch(key: Buffer, windowStart: number): Buffer | null {
    this.checkOpen()
    requireKey(this.name, key)
    if (windowStart < this.minLiveTime()) return null
    const segment = this.segments.get(segmentId(windowStart, this.options.segmentInterval))
    if (segment === undefined) return null
    if (!this.options.retainDuplicates) return segment.get(toWindowKey(key, windowStart)) ?? null
    const [lo, hi] = windowKeyBounds(key, windowStart, windowStart, true)
    for (const slot of segment.range(lo, hi)) return slot.value
    return null
  }

  fetchRange(key: Buffer, timeFrom: number, timeTo: number): SyncAsyncIterable<KeyValue<number, Buffer>> {
    return this.fetchKey(key, timeFrom, timeTo, false)
  }

  backwardFetchRange(key: Buffer, timeFrom: number, timeTo: number): SyncAsyncIterable<KeyValue<number, Buffer>> {
    return this.fetchKey(key, timeFrom, timeTo, true)
  }

  fetchKeyRange(
    keyFrom: Buffer | null,
    keyTo: Buffer | null,
    timeFrom: number,
    timeTo: number,
  ): SyncAsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.fetchKeys(keyFrom, keyTo, timeFrom, timeTo)
  }

  fetchAll(timeFrom: number, timeTo: number): SyncAsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.fetchKeys(null, null, timeFrom, timeTo)
  }

  all(): SyncAsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.fetchKeys(null, null, 0, Number.MAX_SAFE_INTEGER)
  }

  /** Window starts at or before this are expired. */
  private minLiveTime(): number {
    return this.observedStreamTime - this.options.retentionPeriod + 1
  }

  private putStored(stored: Buffer, windowStart: number, value: Buffer | null): void {
    const { retentionPeriod, segmentInterval } = this.options
    if (windowStart > this.observedStreamTime) {
      this.observedStreamTime = windowStart
      this.segments.dropBefore(segmentId(Math.max(0, this.observedStreamTime - retentionPeriod), segmentInterval))
    }
    if (windowStart < this.minLiveTime()) return // expired: Kafka Streams drops it too
    const id = segmentId(windowStart, segmentInterval)
    if (value === null) this.segments.get(id)?.delete(stored)
    else this.segments.getOrCreate(id).set(stored, value)
  }

  private fetchKey(key: Buffer, timeFrom: number, timeTo: number, reverse: boolean) {
    this.checkOpen()
    requireKey(this.name, key)
    const from = Math.max(timeFrom, this.minLiveTime(), 0)
    const { retainDuplicates, segmentInterval } = this.options
    const segments = this.segments
    return new SyncAsyncIterable<KeyValue<number, Buffer>>(function* () {
      if (from > timeTo) return
      const [lo, hi] = windowKeyBounds(key, from, timeTo, retainDuplicates)
      for (const segment of segments.between(segmentId(from, segmentInterval), segmentId(timeTo, segmentInterval), reverse)) {
        for (const slot of segment.range(lo, hi, reverse)) {
          if (!windowKeyMatches(slot.key, key, retainDuplicates)) continue
          yield { key: windowKeyStart(slot.key, retainDuplicates), value: slot.value }
        }
      }
    })
  }

  private fetchKeys(keyFrom: Buffer | null, keyTo: Buffer | null, timeFrom: number, timeTo: number) {
    this.checkOpen()
    const from = Math.max(timeFrom, this.minLiveTime(), 0)
    const { retainDuplicates, segmentInterval } = this.options
    const windowSize = this.windowSize
    const segments = this.segments
    const lo = keyRangeLower(keyFrom)
    const hi = keyRangeUpper(keyTo, windowKeySuffixSize(retainDuplicates))
    return new SyncAsyncIterable<KeyValue<Windowed<Buffer>, Buffer>>(function* () {
      if (from > timeTo) return
      if (keyFrom !== null && keyTo !== null && Buffer.compare(keyFrom, keyTo) > 0) return
      for (const segment of segments.between(segmentId(from, segmentInterval), segmentId(timeTo, segmentInterval))) {
        for (const slot of segment.range(lo, hi)) {
          const start = windowKeyStart(slot.key, retainDuplicates)
          if (start < from || start > timeTo) continue
          const key = windowKeyKey(slot.key, retainDuplicates)
          if (keyFrom !== null && Buffer.compare(key, keyFrom) < 0) continue
          if (keyTo !== null && Buffer.compare(key, keyTo) > 0) continue
          yield { key: { key, window: { start, end: start + windowSize } }, value: slot.value }
        }
      }
    })
  }

  private checkOpen(): void {
    if (!this.open) throw new InvalidStateStoreError(this.name, 'is not open')
  }
}
