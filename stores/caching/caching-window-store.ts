import type { KeyValue, Windowed } from '../key-value.js'
import type { MaybePromise } from '../maybe-promise.js'
import type { WindowBytesStore } from '../window-store.js'
import {
  checkTimestamp,
  keyRangeUpper,
  readTimestamp,
  segmentId,
  TIMESTAMP_SIZE,
  toWindowKey,
  windowKeyKey,
  windowKeyMatches,
  windowKeyStart,
  writeTimestamp,
} from '../internals/key-schema.js'
import { requireKey } from '../internals/store-errors.js'
import { CachingStore, type CacheSlot } from './caching-store.js'
import { mergeSorted } from './merge-sorted.js'

const SEGMENT_PREFIX = 8

/**
 * Write-back cache in front of a bytes window store. Cache keys are segment id | window key, so
 * the cache orders entries exactly as the segmented store below (segment, then key bytes), and
 * scans merge the two. Stream time and retention are tracked as below, so expired windows are
 * neither cached nor returned. Never used with retainDuplicates (builders disable caching).
 */
export class CachingWindowStore extends CachingStore<WindowBytesStore, Windowed<Buffer>> implements WindowBytesStore {
  private observedStreamTime = -1

  constructor(
    inner: WindowBytesStore,
    private readonly retentionPeriod: number,
    private readonly segmentInterval: number,
  ) {
    super(inner, {
      get: (ck) => inner.fetch(cacheKeyKey(ck), cacheKeyStart(ck)),
      put: (ck, value) => inner.put(cacheKeyKey(ck), value, cacheKeyStart(ck)),
      listenerKey: (ck) => {
        const start = cacheKeyStart(ck)
        return { key: cacheKeyKey(ck), window: { start, end: start + inner.windowSize } }
      },
    })
  }

  get windowSize(): number {
    return this.inner.windowSize
  }

  put(key: Buffer, value: Buffer | null, windowStart: number): MaybePromise<void> {
    requireKey(this.name, key)
    checkTimestamp(this.name, 'window start', windowStart)
    if (windowStart > this.observedStreamTime) this.observedStreamTime = windowStart
    if (windowStart < this.minLiveTime()) return // expired: the store below would drop it
    return this.layer.cache.put(this.cacheKey(key, windowStart), value, this.layer.recordContext())
  }

  fetch(key: Buffer, windowStart: number): MaybePromise<Buffer | null> {
    requireKey(this.name, key)
    if (windowStart < this.minLiveTime()) return null
    const hit = this.layer.cache.get(this.cacheKey(key, windowStart))
    if (hit !== undefined) return hit.value
    return this.inner.fetch(key, windowStart)
  }

  fetchRange(key: Buffer, timeFrom: number, timeTo: number): AsyncIterable<KeyValue<number, Buffer>> {
    return this.fetchKey(key, timeFrom, timeTo, false)
  }

  backwardFetchRange(key: Buffer, timeFrom: number, timeTo: number): AsyncIterable<KeyValue<number, Buffer>> {
    return this.fetchKey(key, timeFrom, timeTo, true)
  }

  fetchKeyRange(keyFrom: Buffer | null, keyTo: Buffer | null, timeFrom: number, timeTo: number): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.fetchKeys(keyFrom, keyTo, timeFrom, timeTo)
  }

  fetchAll(timeFrom: number, timeTo: number): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.fetchKeys(null, null, timeFrom, timeTo)
  }

  all(): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.fetchKeys(null, null, 0, Number.MAX_SAFE_INTEGER)
  }

  private minLiveTime(): number {
    return this.observedStreamTime - this.retentionPeriod + 1
  }

  private cacheKey(key: Buffer, windowStart: number): Buffer {
    const out = Buffer.allocUnsafe(SEGMENT_PREFIX + key.length + TIMESTAMP_SIZE)
    writeTimestamp(out, 0, segmentId(windowStart, this.segmentInterval))
    key.copy(out, SEGMENT_PREFIX)
    writeTimestamp(out, SEGMENT_PREFIX + key.length, windowStart)
    return out
  }

  /** Scan bound: the segment prefix followed by `rest`; with rest null, past every key of the segment. */
  private segmentBound(segment: number, rest: Buffer | null): Buffer {
    if (rest === null) {
      const out = Buffer.allocUnsafe(SEGMENT_PREFIX)
      writeTimestamp(out, 0, segment + 1) // shorter than any cache key, so below all of segment + 1
      return out
    }
    const out = Buffer.allocUnsafe(SEGMENT_PREFIX + rest.length)
    writeTimestamp(out, 0, segment)
    rest.copy(out, SEGMENT_PREFIX)
    return out
  }

  private fetchKey(key: Buffer, timeFrom: number, timeTo: number, reverse: boolean): AsyncIterable<KeyValue<number, Buffer>> {
    requireKey(this.name, key)
    const from = Math.max(timeFrom, this.minLiveTime(), 0)
    const cache = this.layer.cache
    const lo = this.cacheKey(key, from)
    const hi = from > timeTo ? lo : this.cacheKey(key, timeTo)
    const sign = reverse ? -1 : 1
    return mergeSorted<CacheSlot, KeyValue<number, Buffer>, KeyValue<number, Buffer>>(
      function* () {
        if (from > timeTo) return
        for (const slot of cache.range(lo, hi, reverse)) {
          const stored = slot.value.key.subarray(SEGMENT_PREFIX)
          if (!windowKeyMatches(stored, key, false)) continue
          const start = windowKeyStart(stored, false)
          if (start >= from && start <= timeTo) yield slot
        }
      },
      // Clamped: the store below learns of newer stream time only when the cache flushes.
      this.inner[reverse ? 'backwardFetchRange' : 'fetchRange'](key, from, timeTo),
      (c, s) => sign * (cacheKeyStart(c.value.key) - s.key),
      (c) => (c.value.value === null ? null : { key: cacheKeyStart(c.value.key), value: c.value.value }),
      (s) => s,
    )
  }

  private fetchKeys(
    keyFrom: Buffer | null,
    keyTo: Buffer | null,
    timeFrom: number,
    timeTo: number,
  ): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    // Clamped here too: the store below learns of newer stream time only when the cache flushes.
    const from = Math.max(timeFrom, this.minLiveTime(), 0)
    const below = this.inner.fetchKeyRange(keyFrom, keyTo, from, timeTo)
    const cache = this.layer.cache
    const windowSize = this.inner.windowSize
    const interval = this.segmentInterval
    const lo = this.segmentBound(segmentId(from, interval), keyFrom ?? Buffer.alloc(0))
    const hi = this.segmentBound(segmentId(Math.max(from, timeTo), interval), keyRangeUpper(keyTo, TIMESTAMP_SIZE))
    return mergeSorted<CacheSlot, KeyValue<Windowed<Buffer>, Buffer>, KeyValue<Windowed<Buffer>, Buffer>>(
      function* () {
        if (from > timeTo) return
        for (const slot of cache.range(lo, hi, false)) {
          const ck = slot.value.key
          const start = cacheKeyStart(ck)
          if (start < from || start > timeTo) continue
          const k = cacheKeyKey(ck)
          if (keyFrom !== null && Buffer.compare(k, keyFrom) < 0) continue
          if (keyTo !== null && Buffer.compare(k, keyTo) > 0) continue
          yield slot
        }
      },
      below,
      (c, s) => {
        const ck = c.value.key
        const start = s.key.window.start
        const bySegment = readTimestamp(ck, 0) - segmentId(start, interval)
        if (bySegment !== 0) return bySegment
        return Buffer.compare(ck.subarray(SEGMENT_PREFIX), toWindowKey(s.key.key, start))
      },
      (c) => {
        if (c.value.value === null) return null
        const start = cacheKeyStart(c.value.key)
        return { key: { key: cacheKeyKey(c.value.key), window: { start, end: start + windowSize } }, value: c.value.value }
      },
      (s) => s,
    )
  }
}

function cacheKeyKey(ck: Buffer): Buffer {
  return windowKeyKey(ck.subarray(SEGMENT_PREFIX), false)
}

function cacheKeyStart(ck: Buffer): number {
  return readTimestamp(ck, ck.length - TIMESTAMP_SIZE)
}
