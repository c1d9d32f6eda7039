import type { Serde } from '../serde.js'
import { SerdeStoreBuilder } from '../builders/serde-store-builder.js'
import { ChangeLoggingVersionedStore } from './change-logging-versioned-store.js'
import { MeteredVersionedStore } from './metered-versioned-store.js'
import type { VersionedBytesStore, VersionedBytesStoreSupplier, VersionedKeyValueStore } from './versioned-store.js'

/** Kafka Streams' windowstore.changelog.additional.retention.ms default, added to the history retention for compaction. */
const CHANGELOG_ADDITIONAL_RETENTION_MS = 86_400_000

/**
 * metered(serdes) → change-logging? → the supplier's versioned bytes store. Versioned stores
 * have no caching layer (as Kafka Streams). The changelog keeps every version for the history
 * retention plus one day before compaction (`min.compaction.lag.ms`), as Kafka Streams sets it.
 */
export class VersionedKeyValueStoreBuilder<K, V> extends SerdeStoreBuilder<VersionedKeyValueStore<K, V>, VersionedBytesStoreSupplier, K, V> {
  /** Read by the DSL: a table materialized with this builder is versioned. */
  readonly versioned = true as const

  constructor(supplier: VersionedBytesStoreSupplier, keySerde: Serde<K>, valueSerde: Serde<V>) {
    super(supplier, keySerde, valueSerde, 'versionedKeyValueStoreBuilder: a versioned store supplier is required')
    if (supplier.versioned !== true) throw new TypeError(`versionedKeyValueStoreBuilder: store supplier '${supplier.name}' is not versioned`)
    this.logConfig = this.withCompactionLag({})
  }

  get historyRetention(): number {
    return this.supplier.historyRetention
  }

  override withCachingEnabled(): this {
    throw new TypeError(`Versioned store '${this.name}' does not support caching`)
  }

  override withLoggingEnabled(config: Record<string, string> = {}): this {
    super.withLoggingEnabled(config)
    this.logConfig = this.withCompactionLag(this.logConfig)
    return this
  }

  build(): VersionedKeyValueStore<K, V> {
    let store: VersionedBytesStore = this.supplier.get()
    if (this.loggingEnabled) store = new ChangeLoggingVersionedStore(store)
    return new MeteredVersionedStore(store, this.keySerde, this.valueSerde)
  }

  private withCompactionLag(config: Record<string, string>): Record<string, string> {
    return { 'min.compaction.lag.ms': String(this.supplier.historyRetention + CHANGELOG_ADDITIONAL_RETENTION_MS), ...config }
  }
}
