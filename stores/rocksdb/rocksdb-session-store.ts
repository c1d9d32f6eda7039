// The persistent session store: Kafka Streams' session key layout (key | end | start) in time
// segments of RocksDB instances, segmented by session end.
import type { KeyValue, Windowed } from '../key-value.js'
import type { MaybePromise } from '../maybe-promise.js'
import type { SessionBytesStore } from '../session-store.js'
import { requireKey } from '../internals/store-errors.js'
import { SegmentedRocksStore } from './segmented-store.js'
import { SessionKeySchema, SESSION_SUFFIX, withSuffix } from './window-key-schema.js'

export class RocksDBSessionStore extends SegmentedRocksStore implements SessionBytesStore {
  protected segmentTimestamp(storeKey: Buffer): number {
    SessionKeySchema.check(storeKey, `restore of session store '${this.name}'`)
    return SessionKeySchema.extractEnd(storeKey)
  }

  put(session: Windowed<Buffer>, aggregate: Buffer | null): MaybePromise<void> {
    requireKey(this.name, session?.key)
    const { start, end } = session.window
    if (end < start) throw new RangeError(`session store '${this.name}': session end ${end} is before its start ${start}`)
    const storeKey = SessionKeySchema.toStoreKey(session.key, start, end)
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
    const storeKey = SessionKeySchema.toStoreKey(key, sessionStart, sessionEnd)
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
          gte: SessionKeySchema.toStoreKey(key, 0, Math.max(from, 0)),
          lte: withSuffix(key, SESSION_SUFFIX, 0xff),
        }
        for (const seg of await store.open().inRange(from, Number.MAX_SAFE_INTEGER)) {
          for await (const e of seg.table.range(bounds)) {
            if (!SessionKeySchema.keyEquals(e.key, key)) continue
            const end = SessionKeySchema.extractEnd(e.key)
            const start = SessionKeySchema.extractStart(e.key)
            if (end >= from && start <= latestSessionStart) yield { key: { key, window: { start, end } }, value: e.value }
          }
        }
      },
    }
  }

  fetch(key: Buffer): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.findSessions(key, 0, Number.MAX_SAFE_INTEGER)
  }
}
