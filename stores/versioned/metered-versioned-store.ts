import type { Serde } from '../serde.js'
import { MeteredStore } from '../metered/metered-store.js'
import type { VersionedBytesStore, VersionedKeyValueStore, VersionedRecord } from './versioned-store.js'

/** The outermost layer of a versioned store: serdes around the bytes store (serde topic = the changelog topic). */
export class MeteredVersionedStore<K, V> extends MeteredStore<VersionedBytesStore, K, V> implements VersionedKeyValueStore<K, V> {
  /** Marks a versioned store for the DSL and interactive queries. */
  readonly versioned = true as const

  constructor(inner: VersionedBytesStore, keySerde: Serde<K>, valueSerde: Serde<V>) {
    super(inner, keySerde, valueSerde)
  }

  get historyRetention(): number {
    return this.inner.historyRetention
  }

  put(key: K, value: V | null, timestamp: number): Promise<number> {
    checkTimestamp(this.name, timestamp)
    return this.inner.put(this.serdes.rawKey(key), this.serdes.rawValue(value), timestamp)
  }

  async delete(key: K, timestamp: number): Promise<VersionedRecord<V> | null> {
    checkTimestamp(this.name, timestamp)
    return this.typed(await this.inner.delete(this.serdes.rawKey(key), timestamp))
  }

  async get(key: K, asOfTimestamp?: number): Promise<VersionedRecord<V> | null> {
    if (asOfTimestamp !== undefined) checkTimestamp(this.name, asOfTimestamp)
    return this.typed(await this.inner.get(this.serdes.rawKey(key), asOfTimestamp))
  }

  private typed(r: VersionedRecord<Buffer> | null): VersionedRecord<V> | null {
    if (r === null) return null
    const out: VersionedRecord<V> = { value: this.serdes.value(r.value) as V, timestamp: r.timestamp }
    if (r.validTo !== undefined) out.validTo = r.validTo
    return out
  }
}

function checkTimestamp(store: string, t: number): void {
  if (!Number.isSafeInteger(t)) throw new TypeError(`State store "${store}": a version timestamp must be an integer number of ms, got ${String(t)}`)
}
