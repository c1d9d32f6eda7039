import type { KeyValue, ValueAndTimestamp } from './key-value.js'
import type { MaybePromise } from './maybe-promise.js'
import type { Serde } from './serde.js'
import type { StateStore } from './state-store.js'

export interface ReadOnlyKeyValueStore<K, V> {
  get(key: K): MaybePromise<V | null>
  /** Inclusive bounds; null is an open end. from > to yields nothing. */
  range(from: K | null, to: K | null): AsyncIterable<KeyValue<K, V>>
  reverseRange(from: K | null, to: K | null): AsyncIterable<KeyValue<K, V>>
  all(): AsyncIterable<KeyValue<K, V>>
  reverseAll(): AsyncIterable<KeyValue<K, V>>
  /** Keys whose serialized bytes start with the serialized prefix, in key order. */
  prefixScan<P>(prefix: P, prefixSerde: Serde<P>): AsyncIterable<KeyValue<K, V>>
  approximateNumEntries(): MaybePromise<number>
}

export interface KeyValueStore<K, V> extends StateStore, ReadOnlyKeyValueStore<K, V> {
  /** A null value deletes. */
  put(key: K, value: V | null): MaybePromise<void>
  /** Returns the existing value (and writes nothing) or null after writing. */
  putIfAbsent(key: K, value: V): MaybePromise<V | null>
  putAll(entries: KeyValue<K, V | null>[]): MaybePromise<void>
  /** Returns the deleted value. */
  delete(key: K): MaybePromise<V | null>
}

export type TimestampedKeyValueStore<K, V> = KeyValueStore<K, ValueAndTimestamp<V>>
export type ReadOnlyTimestampedKeyValueStore<K, V> = ReadOnlyKeyValueStore<K, ValueAndTimestamp<V>>

/** The bytes-level store every layer below the typed one implements. */
export type KeyValueBytesStore = KeyValueStore<Buffer, Buffer>
