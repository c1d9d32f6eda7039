import type { KeyValue, ValueAndTimestamp, Windowed } from './key-value.js'
import type { MaybePromise } from './maybe-promise.js'
import type { StateStore } from './state-store.js'

export interface ReadOnlyWindowStore<K, V> {
  readonly windowSize: number
  fetch(key: K, windowStart: number): MaybePromise<V | null>
  /** Windows of `key` starting in [timeFrom, timeTo], by window start. */
  fetchRange(key: K, timeFrom: number, timeTo: number): AsyncIterable<KeyValue<number, V>>
  backwardFetchRange(key: K, timeFrom: number, timeTo: number): AsyncIterable<KeyValue<number, V>>
  /** Keys in [keyFrom, keyTo] (null = open), windows starting in [timeFrom, timeTo]. */
  fetchKeyRange(keyFrom: K | null, keyTo: K | null, timeFrom: number, timeTo: number): AsyncIterable<KeyValue<Windowed<K>, V>>
  fetchAll(timeFrom: number, timeTo: number): AsyncIterable<KeyValue<Windowed<K>, V>>
  all(): AsyncIterable<KeyValue<Windowed<K>, V>>
}

/** With retainDuplicates (stream-stream join buffers) every put is kept and none overwrites. */
export interface WindowStore<K, V> extends StateStore, ReadOnlyWindowStore<K, V> {
  /** A null value deletes the window (ignored with retainDuplicates). */
  put(key: K, value: V | null, windowStart: number): MaybePromise<void>
}

export type TimestampedWindowStore<K, V> = WindowStore<K, ValueAndTimestamp<V>>
export type WindowBytesStore = WindowStore<Buffer, Buffer>
