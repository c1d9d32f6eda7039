import type { KeyValue, ValueAndTimestamp } from '../../stores/key-value.js'
import type { KeyValueStore } from '../../stores/key-value-store.js'

/**
 * The driver's view of a key-value store: timestamped stores answer with plain values, as
 * Kafka Streams' TopologyTestDriver.getKeyValueStore does. Waits for the driver to start.
 */
export class KeyValueStoreFacade<K, V> {
  constructor(
    private readonly store: () => Promise<KeyValueStore<K, any>>,
    private readonly timestamped: boolean,
  ) {}

  private unwrap(v: any): V | null {
    if (v === null || v === undefined) return null
    return this.timestamped ? (v as ValueAndTimestamp<V>).value : (v as V)
  }

  async get(key: K): Promise<V | null> {
    return this.unwrap(await (await this.store()).get(key))
  }

  async put(key: K, value: V | null): Promise<void> {
    const store = await this.store()
    await store.put(key, value === null ? null : this.timestamped ? { value, timestamp: Date.now() } : value)
  }

  async delete(key: K): Promise<V | null> {
    return this.unwrap(await (await this.store()).delete(key))
  }

  async approximateNumEntries(): Promise<number> {
    return (await this.store()).approximateNumEntries()
  }

  async *all(): AsyncIterable<KeyValue<K, V>> {
    for await (const kv of (await this.store()).all()) yield { key: kv.key, value: this.unwrap(kv.value) as V }
  }

  async *range(from: K | null, to: K | null): AsyncIterable<KeyValue<K, V>> {
    for await (const kv of (await this.store()).range(from, to)) yield { key: kv.key, value: this.unwrap(kv.value) as V }
  }

  /** Every entry, in key order. */
  async toArray(): Promise<KeyValue<K, V>[]> {
    const out: KeyValue<K, V>[] = []
    for await (const kv of this.all()) out.push(kv)
    return out
  }
}
