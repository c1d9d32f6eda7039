import type { KeyValue, Windowed } from '../key-value.js'
import type { SessionBytesStore } from '../session-store.js'
import type { RestoreRecord, StateStore, StateStoreContext } from '../state-store.js'
import { SyncAsyncIterable } from '../internals/async-iterable.js'
import { InvalidStateStoreError, requireKey } from '../internals/store-errors.js'
import { TimeSegments } from '../internals/time-segments.js'
import {
  checkTimestamp,
  segmentId,
  sessionKeyEnd,
  sessionKeyKey,
  sessionKeyMatches,
  sessionKeyStart,
  toSessionKey,
} from '../internals/key-schema.js'

export interface SessionStoreOptions {
  retentionPeriod: number
  segmentInterval: number
}

const MAX_TIME = Number.MAX_SAFE_INTEGER

/**
 * Session store in memory, laid out as the RocksDB one: segments by session end holding session
 * keys (key | end | start) in byte order, so one key's sessions come by end, then start. Stream
 * time is the largest session end put; sessions ending at or before streamTime - retention are
 * expired: dropped on put, never returned.
 */
export class InMemorySessionStore implements SessionBytesStore {
  readonly persistent = false
  private readonly segments = new TimeSegments<Buffer>()
  private observedStreamTime = -1
  private open = false

  constructor(
    readonly name: string,
    private readonly options: SessionStoreOptions,
  ) {}

  async init(context: StateStoreContext, root: StateStore): Promise<void> {
    context.register(root, async (batch) => this.restore(batch))
    this.open = true
  }

  /** Applies changelog records (session keys) directly. */
  restore(batch: RestoreRecord[]): void {
    for (const r of batch) this.putStored(r.key, sessionKeyEnd(r.key), r.value)
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {
    this.open = false
    this.segments.clear()
  }

  isOpen(): boolean {
    return this.open
  }

  put(session: Windowed<Buffer>, aggregate: Buffer | null): void {
    this.checkOpen()
    const { start, end } = checkSession(this.name, session)
    this.putStored(toSessionKey(session.key, start, end), end, aggregate)
  }

  remove(session: Windowed<Buffer>): void {
    this.put(session, null)
  }

  fetchSession(key: Buffer, sessionStart: number, sessionEnd: number): Buffer | null {
    this.checkOpen()
    requireKey(this.name, key)
    if (sessionEnd < this.minLiveTime()) return null
    const segment = this.segments.get(segmentId(sessionEnd, this.options.segmentInterval))
    return segment?.get(toSessionKey(key, sessionStart, sessionEnd)) ?? null
  }

  findSessions(
    key: Buffer,
    earliestSessionEnd: number,
    latestSessionStart: number,
  ): SyncAsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    this.checkOpen()
    requireKey(this.name, key)
    const earliestEnd = Math.max(earliestSessionEnd, this.minLiveTime(), 0)
    const segments = this.segments
    const interval = this.options.segmentInterval
    return new SyncAsyncIterable(function* () {
      if (latestSessionStart < 0) return
      const lo = toSessionKey(key, 0, earliestEnd)
      const hi = toSessionKey(key, MAX_TIME, MAX_TIME)
      for (const segment of segments.between(segmentId(earliestEnd, interval), MAX_TIME)) {
        for (const slot of segment.range(lo, hi)) {
          if (!sessionKeyMatches(slot.key, key)) continue
          const start = sessionKeyStart(slot.key)
          const end = sessionKeyEnd(slot.key)
          if (end < earliestEnd || start > latestSessionStart) continue
          yield { key: { key, window: { start, end } }, value: slot.value }
        }
      }
    })
  }

  fetch(key: Buffer): SyncAsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.findSessions(key, 0, MAX_TIME)
  }

  /** Sessions of every key ending in [earliestSessionEnd, latestSessionEnd], sorted by end (stable: key order within one end). */
  findSessionsByEnd(earliestSessionEnd: number, latestSessionEnd: number): SyncAsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    this.checkOpen()
    const from = Math.max(earliestSessionEnd, 0) // only dropped segments limit it, as the RocksDB store
    const segments = this.segments
    const interval = this.options.segmentInterval
    return new SyncAsyncIterable(function* () {
      if (latestSessionEnd < from) return
      const found: KeyValue<Windowed<Buffer>, Buffer>[] = []
      for (const segment of segments.between(segmentId(from, interval), segmentId(latestSessionEnd, interval))) {
        for (const slot of segment.range(null, null)) {
          const end = sessionKeyEnd(slot.key)
          if (end < from || end > latestSessionEnd) continue
          found.push({ key: { key: sessionKeyKey(slot.key), window: { start: sessionKeyStart(slot.key), end } }, value: slot.value })
        }
      }
      yield* found.sort((a, b) => a.key.window.end - b.key.window.end)
    })
  }

  private minLiveTime(): number {
    return this.observedStreamTime - this.options.retentionPeriod + 1
  }

  private putStored(stored: Buffer, end: number, value: Buffer | null): void {
    const { retentionPeriod, segmentInterval } = this.options
    if (end > this.observedStreamTime) {
      this.observedStreamTime = end
      this.segments.dropBefore(segmentId(Math.max(0, end - retentionPeriod), segmentInterval))
    }
    if (end < this.minLiveTime()) return // expired
    const id = segmentId(end, segmentInterval)
    if (value === null) this.segments.get(id)?.delete(stored)
    else this.segments.getOrCreate(id).set(stored, value)
  }

  private checkOpen(): void {
    if (!this.open) throw new InvalidStateStoreError(this.name, 'is not open')
  }
}

export function checkSession(storeName: string, session: Windowed<unknown>): { start: number; end: number } {
  if (!session || !session.window) throw new TypeError(`State store "${storeName}": session must be { key, window: { start, end } }`)
  requireKey(storeName, session.key)
  const { start, end } = session.window
  checkTimestamp(storeName, 'session start', start)
  checkTimestamp(storeName, 'session end', end)
  if (end < start) throw new RangeError(`State store "${storeName}": session end ${end} is before its start ${start}`)
  return { start, end }
}
