import type { KeyValue } from '../../stores/key-value.js'
import type { KeyValueStore } from '../../stores/key-value-store.js'
import type { Serde } from '../../stores/serde.js'
import { deferredScan, viewOrNull, type StoreRef, type ValueView } from './deferred-store.js'

/** Kafka Streams' ConsumerRecord.NO_TIMESTAMP: what its driver's facade stamps on a put. */
const NO_TIMESTAMP = -1

/**
 * The driver's view of a key-value store, available before the driver has started: every read
 * waits for the store. Over a timestamped store `getKeyValueStore` answers plain values and
 * `getTimestampedKeyValueStore` answers ValueAndTimestamp, as in Kafka Streams' driver.
 */
export class KeyValueStoreFacade<K, V> {
  /** @internal Made by TopologyTestDriver. */
  constructor(
    readonly name: string,
    private readonly store: StoreRef<KeyValueStore<K, any>>,
    private readonly view: ValueView<any, V>,
  ) {}

  async get(key: K): Promise<V | null> {
    return viewOrNull(await (await this.store()).get(key), this.view)
  }

  /** Inclusive bounds; null is an open end. */
  range(from: K | null, to: K | null): AsyncIterable<KeyValue<K, V>> {
    return deferredScan(this.store, (s) => s.range(from, to), this.view)
  }

  reverseRange(from: K | null, to: K | null): AsyncIterable<KeyValue<K, V>> {
    return deferredScan(this.store, (s) => s.reverseRange(from, to), this.view)
  }

  all(): AsyncIterable<KeyValue<K, V>> {
    return deferredScan(this.store, (s) => s.all(), this.view)
  }

  reverseAll(): AsyncIterable<KeyValue<K, V>> {
    return deferredScan(this.store, (s) => s.reverseAll(), this.view)
  }

  prefixScan<P>(prefix: P, prefixSerde: Serde<P>): AsyncIterable<KeyValue<K, V>> {
    return deferredScan(this.store, (s) => s.prefixScan(prefix, prefixSerde), this.view)
  }

  async approximateNumEntries(): Promise<number> {
    return (await this.store()).approximateNumEntries()
  }

  /** A null value deletes. */
  async put(key: K, value: V | null): Promise<void> {
    await (await this.store()).put(key, value === null ? null : this.view.write(value, NO_TIMESTAMP))
  }

  /** Returns the existing value (and writes nothing), or null after writing. */
  async putIfAbsent(key: K, value: V): Promise<V | null> {
    return viewOrNull(await (await this.store()).putIfAbsent(key, this.view.write(value, NO_TIMESTAMP)), this.view)
  }

  async putAll(entries: KeyValue<K, V | null>[]): Promise<void> {
    const stored = entries.map((kv) => ({ key: kv.key, value: kv.value === null ? null : this.view.write(kv.value, NO_TIMESTAMP) }))
    await (await this.store()).putAll(stored)
  }

  /** Returns the deleted value. */
  async delete(key: K): Promise<V | null> {
    return viewOrNull(await (await this.store()).delete(key), this.view)
  }

  /** Every entry, in key order. */
  async toArray(): Promise<KeyValue<K, V>[]> {
    const out: KeyValue<K, V>[] = []
    for await (const kv of this.all()) out.push(kv)
    return out
  }
}
