import type { KeyValue } from '../../stores/key-value.js'
import type { ReadOnlyKeyValueStore } from '../../stores/key-value-store.js'
import type { Serde } from '../../stores/serde.js'

/** Timestamped stores hold { value, timestamp }; queries answer the value, as Kafka Streams' keyValueStore() type. */
function unwrap(v: unknown, timestamped: boolean): unknown {
  return timestamped && v !== null && typeof v === 'object' && 'value' in v && 'timestamp' in v ? (v as { value: unknown }).value : v
}

/**
 * A read-only view over one store name across this instance's tasks (each task holds the keys of
 * its partition). Reads look in each task's store; scans chain them.
 */
export class CompositeReadOnlyKeyValueStore<K, V> implements ReadOnlyKeyValueStore<K, V> {
  constructor(
    readonly name: string,
    private readonly stores: () => ReadOnlyKeyValueStore<K, unknown>[],
    private readonly timestamped: boolean,
  ) {}

  async get(key: K): Promise<V | null> {
    for (const s of this.stores()) {
      const v = await s.get(key)
      if (v !== null && v !== undefined) return unwrap(v, this.timestamped) as V
    }
    return null
  }

  private async *chain(f: (s: ReadOnlyKeyValueStore<K, unknown>) => AsyncIterable<KeyValue<K, unknown>>): AsyncGenerator<KeyValue<K, V>> {
    for (const s of this.stores()) {
      for await (const kv of f(s)) yield { key: kv.key, value: unwrap(kv.value, this.timestamped) as V }
    }
  }

  range(from: K | null, to: K | null): AsyncIterable<KeyValue<K, V>> {
    return this.chain(s => s.range(from, to))
  }

  reverseRange(from: K | null, to: K | null): AsyncIterable<KeyValue<K, V>> {
    return this.chain(s => s.reverseRange(from, to))
  }

  all(): AsyncIterable<KeyValue<K, V>> {
    return this.chain(s => s.all())
  }

  reverseAll(): AsyncIterable<KeyValue<K, V>> {
    return this.chain(s => s.reverseAll())
  }

  prefixScan<P>(prefix: P, prefixSerde: Serde<P>): AsyncIterable<KeyValue<K, V>> {
    return this.chain(s => s.prefixScan(prefix, prefixSerde))
  }

  async approximateNumEntries(): Promise<number> {
    let n = 0
    for (const s of this.stores()) n += await s.approximateNumEntries()
    return n
  }
}
