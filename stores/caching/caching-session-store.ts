import type { KeyValue, Windowed } from '../key-value.js'
import type { MaybePromise } from '../maybe-promise.js'
import type { SessionBytesStore } from '../session-store.js'
import {
  sessionKeyEnd,
  sessionKeyKey,
  sessionKeyMatches,
  sessionKeyStart,
  toSessionKey,
} from '../internals/key-schema.js'
import { requireKey } from '../internals/store-errors.js'
import { checkSession } from '../memory/in-memory-session-store.js'
import { CachingStore, type CacheSlot } from './caching-store.js'
import { mergeSorted } from './merge-sorted.js'

const MAX_TIME = Number.MAX_SAFE_INTEGER

/**
 * Write-back cache in front of a bytes session store. Cache keys are session keys
 * (key | end | start), so one key's cached sessions order by end, then start, as below.
 */
export class CachingSessionStore extends CachingStore<SessionBytesStore, Windowed<Buffer>> implements SessionBytesStore {
  private observedStreamTime = -1

  constructor(
    inner: SessionBytesStore,
    private readonly retentionPeriod: number,
  ) {
    super(inner, {
      get: (ck) => inner.fetchSession(sessionKeyKey(ck), sessionKeyStart(ck), sessionKeyEnd(ck)),
      put: (ck, value) => inner.put(toWindowed(ck), value),
      listenerKey: toWindowed,
    })
  }


  put(session: Windowed<Buffer>, aggregate: Buffer | null): MaybePromise<void> {
    const { start, end } = checkSession(this.name, session)
    if (end > this.observedStreamTime) this.observedStreamTime = end
    if (end < this.minLiveTime()) return // expired: the store below would drop it
    return this.layer.cache.put(toSessionKey(session.key, start, end), aggregate, this.layer.recordContext())
  }

  remove(session: Windowed<Buffer>): MaybePromise<void> {
    return this.put(session, null)
  }

  fetchSession(key: Buffer, sessionStart: number, sessionEnd: number): MaybePromise<Buffer | null> {
    requireKey(this.name, key)
    if (sessionEnd < this.minLiveTime()) return null
    const hit = this.layer.cache.get(toSessionKey(key, sessionStart, sessionEnd))
    if (hit !== undefined) return hit.value
    return this.inner.fetchSession(key, sessionStart, sessionEnd)
  }

  findSessions(key: Buffer, earliestSessionEnd: number, latestSessionStart: number): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    requireKey(this.name, key)
    const earliestEnd = Math.max(earliestSessionEnd, this.minLiveTime(), 0)
    const cache = this.layer.cache
    const lo = toSessionKey(key, 0, earliestEnd)
    const hi = toSessionKey(key, MAX_TIME, MAX_TIME)
    return mergeSorted<CacheSlot, KeyValue<Windowed<Buffer>, Buffer>, KeyValue<Windowed<Buffer>, Buffer>>(
      function* () {
        for (const slot of cache.range(lo, hi, false)) {
          const ck = slot.value.key
          if (!sessionKeyMatches(ck, key)) continue
          if (sessionKeyEnd(ck) < earliestEnd || sessionKeyStart(ck) > latestSessionStart) continue
          yield slot
        }
      },
      // Clamped: the store below learns of newer stream time only when the cache flushes.
      this.inner.findSessions(key, earliestEnd, latestSessionStart),
      (c, s) => sessionKeyEnd(c.value.key) - s.key.window.end || sessionKeyStart(c.value.key) - s.key.window.start,
      (c) => (c.value.value === null ? null : { key: toWindowed(c.value.key), value: c.value.value }),
      (s) => s,
    )
  }

  fetch(key: Buffer): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.findSessions(key, 0, MAX_TIME)
  }

  private minLiveTime(): number {
    return this.observedStreamTime - this.retentionPeriod + 1
  }
}

function toWindowed(ck: Buffer): Windowed<Buffer> {
  return { key: sessionKeyKey(ck), window: { start: sessionKeyStart(ck), end: sessionKeyEnd(ck) } }
}
