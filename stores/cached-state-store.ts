import type { RecordContext } from './state-store.js'

/**
 * Receives what a caching store flushes, deduplicated per key, with the record context of the
 * last write of that key. May return a promise (async downstream processors); the flush awaits it.
 */
export interface CacheFlushListener<K, V> {
  (key: K, newValue: V | null, oldValue: V | null, context: RecordContext): void | Promise<void>
}

export interface CachedStateStore<K, V> {
  /** Returns false when the store has no caching layer: the caller forwards updates itself. */
  setFlushListener(listener: CacheFlushListener<K, V>, sendOldValues: boolean): boolean
}

export function isCachedStateStore(store: unknown): store is CachedStateStore<unknown, unknown> {
  return typeof (store as { setFlushListener?: unknown })?.setFlushListener === 'function'
}
