import type { CacheFlushListener, CachedStateStore } from '../cached-state-store.js'
import type { KeyValue, Windowed } from '../key-value.js'
import { mapMaybe, type MaybePromise } from '../maybe-promise.js'
import type { SessionBytesStore, SessionStore } from '../session-store.js'
import { missingFindSessionsByEnd } from '../internals/store-errors.js'
import { MeteredStore, typedWindowed, windowedFlushListener } from './metered-store.js'

/** Typed session store over a bytes one (serde topic = changelog topic). */
export class MeteredSessionStore<K, V>
  extends MeteredStore<SessionBytesStore, K, V>
  implements SessionStore<K, V>, CachedStateStore<Windowed<K>, V>
{
  setFlushListener(listener: CacheFlushListener<Windowed<K>, V>, sendOldValues: boolean): boolean {
    return this.setFlushListenerBelow(() => windowedFlushListener(this.serdes, listener), sendOldValues)
  }

  put(session: Windowed<K>, aggregate: V | null): MaybePromise<void> {
    return this.inner.put(this.rawSession(session), this.serdes.rawValue(aggregate))
  }

  remove(session: Windowed<K>): MaybePromise<void> {
    return this.inner.remove(this.rawSession(session))
  }

  fetchSession(key: K, sessionStart: number, sessionEnd: number): MaybePromise<V | null> {
    return mapMaybe(this.inner.fetchSession(this.serdes.rawKey(key), sessionStart, sessionEnd), (r) => this.serdes.value(r))
  }

  findSessions(key: K, earliestSessionEnd: number, latestSessionStart: number): AsyncIterable<KeyValue<Windowed<K>, V>> {
    return typedWindowed(this.serdes, this.inner.findSessions(this.serdes.rawKey(key), earliestSessionEnd, latestSessionStart))
  }

  fetch(key: K): AsyncIterable<KeyValue<Windowed<K>, V>> {
    return typedWindowed(this.serdes, this.inner.fetch(this.serdes.rawKey(key)))
  }

  findSessionsByEnd(earliestSessionEnd: number, latestSessionEnd: number): AsyncIterable<KeyValue<Windowed<K>, V>> {
    return typedWindowed(this.serdes, missingFindSessionsByEnd(this.inner, this.name).findSessionsByEnd!(earliestSessionEnd, latestSessionEnd))
  }

  private rawSession(session: Windowed<K>): Windowed<Buffer> {
    if (!session || !session.window) throw new TypeError(`State store "${this.name}": session must be { key, window: { start, end } }`)
    return { key: this.serdes.rawKey(session.key), window: session.window }
  }
}
