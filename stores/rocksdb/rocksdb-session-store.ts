// The persistent session store: the shared session key layout (key | end | start, see
// stores/internals/key-schema.ts; also the changelog key) in time segments of RocksDB
// instances, segmented by session end.
import type { KeyValue, Windowed } from '../key-value.js'
import type { MaybePromise } from '../maybe-promise.js'
import type { SessionBytesStore } from '../session-store.js'
import { requireKey } from '../internals/store-errors.js'
import { SegmentedRocksStore } from './segmented-store.js'
import { checkTimestamp, keyRangeUpper, SESSION_SUFFIX_SIZE, sessionKeyEnd, sessionKeyKey, sessionKeyMatches, sessionKeyStart, toSessionKey } from '../internals/key-schema.js'

export class RocksDBSessionStore extends SegmentedRocksStore implements SessionBytesStore {
  protected segmentTimestamp(storeKey: Buffer): number {
    if (storeKey.length < SESSION_SUFFIX_SIZE) throw new RangeError(`restore of session store '${this.name}': a key of ${storeKey.length} bytes is shorter than its ${SESSION_SUFFIX_SIZE}-byte session suffix`)
    return sessionKeyEnd(storeKey)
  }

  put(session: Windowed<Buffer>, aggregate: Buffer | null): MaybePromise<void> {
    requireKey(this.name, session?.key)
    const { start, end } = session.window
    checkTimestamp(this.name, 'session start', start)
    checkTimestamp(this.name, 'session end', end)
    if (end < start) throw new RangeError(`session store '${this.name}': session end ${end} is before its start ${start}`)
    const storeKey = toSessionKey(session.key, start, end)
    const seg = this.segmentForWrite(end)
    if (seg instanceof Promise) {
      return seg.then((s) => {
        s?.table.put(storeKey, aggregate)
        return this.expire()
      })
    }
    seg?.table.put(storeKey, aggregate) // null: the session is past retention
    return this.expire()
  }

  remove(session: Windowed<Buffer>): MaybePromise<void> {
    return this.put(session, null)
  }

  fetchSession(key: Buffer, sessionStart: number, sessionEnd: number): MaybePromise<Buffer | null> {
    requireKey(this.name, key)
    if (sessionEnd < this.minLiveTime()) return null
    const seg = this.open().get(sessionEnd)
    if (seg === undefined) return null
    const storeKey = toSessionKey(key, sessionStart, sessionEnd)
    if (seg instanceof Promise) return seg.then((s) => (s === undefined ? null : s.table.get(storeKey)))
    return seg.table.get(storeKey)
  }

  findSessions(key: Buffer, earliestSessionEnd: number, latestSessionStart: number): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    requireKey(this.name, key)
    const store = this
    return {
      async *[Symbol.asyncIterator]() {
        const from = Math.max(earliestSessionEnd, store.minLiveTime())
        const bounds = {
          gte: toSessionKey(key, 0, Math.max(from, 0)),
          lte: keyRangeUpper(key, SESSION_SUFFIX_SIZE)!,
        }
        for (const seg of await store.open().inRange(from, Number.MAX_SAFE_INTEGER)) {
          for await (const e of seg.table.range(bounds)) {
            if (!sessionKeyMatches(e.key, key)) continue
            const end = sessionKeyEnd(e.key)
            const start = sessionKeyStart(e.key)
            if (end >= from && start <= latestSessionStart) yield { key: { key, window: { start, end } }, value: e.value }
          }
        }
      },
    }
  }

  fetch(key: Buffer): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.findSessions(key, 0, Number.MAX_SAFE_INTEGER)
  }

  /**
   * Scans the segments covering the ends; within a segment keys come in byte order, so this sorts
   * by end. Like Kafka Streams' time-ordered session store, only dropped segments limit it.
   */
  findSessionsByEnd(earliestSessionEnd: number, latestSessionEnd: number): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    const store = this
    return {
      async *[Symbol.asyncIterator]() {
        const from = Math.max(earliestSessionEnd, 0)
        if (latestSessionEnd < from) return
        const found: KeyValue<Windowed<Buffer>, Buffer>[] = []
        for (const seg of await store.open().inRange(from, latestSessionEnd)) {
          for await (const e of seg.table.range({})) {
            if (e.key.length < SESSION_SUFFIX_SIZE) continue
            const end = sessionKeyEnd(e.key)
            if (end < from || end > latestSessionEnd) continue
            found.push({ key: { key: sessionKeyKey(e.key), window: { start: sessionKeyStart(e.key), end } }, value: e.value })
          }
        }
        yield* found.sort((a, b) => a.key.window.end - b.key.window.end)
      },
    }
  }
}
