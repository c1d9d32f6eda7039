import type { KeyValue, Windowed } from './key-value.js'
import type { MaybePromise } from './maybe-promise.js'
import type { StateStore } from './state-store.js'

export interface ReadOnlySessionStore<K, V> {
  /** Sessions of `key` with end >= earliestSessionEnd and start <= latestSessionStart. */
  findSessions(key: K, earliestSessionEnd: number, latestSessionStart: number): AsyncIterable<KeyValue<Windowed<K>, V>>
  fetchSession(key: K, sessionStart: number, sessionEnd: number): MaybePromise<V | null>
  /** Every session of `key`. */
  fetch(key: K): AsyncIterable<KeyValue<Windowed<K>, V>>
  /**
   * Sessions of every key ending in [earliestSessionEnd, latestSessionEnd], by end (Kafka Streams'
   * keyless findSessions; emit-on-window-close reads closed sessions with it). Optional: stores
   * of your own may lack it, and caching layers do not offer it.
   */
  findSessionsByEnd?(earliestSessionEnd: number, latestSessionEnd: number): AsyncIterable<KeyValue<Windowed<K>, V>>
}

export interface SessionStore<K, V> extends StateStore, ReadOnlySessionStore<K, V> {
  /** A null aggregate removes the session. */
  put(session: Windowed<K>, aggregate: V | null): MaybePromise<void>
  remove(session: Windowed<K>): MaybePromise<void>
}

export type SessionBytesStore = SessionStore<Buffer, Buffer>
