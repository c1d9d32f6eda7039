// The slices of the store contracts (docs/internals.md) that windowed operators call. Any
// window / session / key-value store of the stores layer satisfies them structurally.
import type { KeyValue, Windowed } from '../../stores/key-value.js'
import type { MaybePromise } from '../../stores/maybe-promise.js'

export type { MaybePromise } from '../../stores/maybe-promise.js'
export { isPromise } from '../../stores/maybe-promise.js'
export type { KeyValue, ValueAndTimestamp } from '../../stores/key-value.js'

export interface WindowStoreView<K, V> {
  put(key: K, value: V | null, windowStart: number): MaybePromise<void>
  fetch(key: K, windowStart: number): MaybePromise<V | null>
  fetchRange(key: K, timeFrom: number, timeTo: number): AsyncIterable<KeyValue<number, V>>
}

export interface SessionStoreView<K, V> {
  findSessions(key: K, earliestSessionEnd: number, latestSessionStart: number): AsyncIterable<KeyValue<Windowed<K>, V>>
  put(session: Windowed<K>, aggregate: V | null): MaybePromise<void>
  remove(session: Windowed<K>): MaybePromise<void>
}

export interface KeyValueStoreView<K, V> {
  get(key: K): MaybePromise<V | null>
  put(key: K, value: V | null): MaybePromise<void>
  delete(key: K): MaybePromise<V | null>
  all(): AsyncIterable<KeyValue<K, V>>
}

/** Reads a (short) store iteration into an array; in-memory and cached stores iterate synchronously. */
export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  if (typeof (it as Partial<Iterable<T>>)[Symbol.iterator] === 'function') return Array.from(it as unknown as Iterable<T>)
  const out: T[] = []
  for await (const x of it) out.push(x)
  return out
}
