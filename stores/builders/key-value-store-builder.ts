import type { KeyValueBytesStore, KeyValueStore, TimestampedKeyValueStore } from '../key-value-store.js'
import type { Serde } from '../serde.js'
import type { KeyValueBytesStoreSupplier } from '../store-supplier.js'
import { CachingKeyValueStore } from '../caching/caching-key-value-store.js'
import { ChangeLoggingKeyValueStore, ChangeLoggingTimestampedKeyValueStore } from '../logging/change-logging-key-value-store.js'
import { MeteredKeyValueStore } from '../metered/metered-key-value-store.js'
import { valueAndTimestampSerde } from '../internals/value-and-timestamp-serde.js'
import { AbstractStoreBuilder } from './abstract-store-builder.js'

function requireSupplier(supplier: KeyValueBytesStoreSupplier, what: string): void {
  if (!supplier || typeof supplier.get !== 'function') throw new TypeError(`${what}: a store supplier is required`)
}

/** metered(serdes) → caching? → change-logging? → the supplier's bytes store. */
export class KeyValueStoreBuilder<K, V> extends AbstractStoreBuilder<KeyValueStore<K, V>> {
  constructor(
    readonly supplier: KeyValueBytesStoreSupplier,
    readonly keySerde: Serde<K>,
    readonly valueSerde: Serde<V>,
  ) {
    requireSupplier(supplier, 'keyValueStoreBuilder')
    super(supplier.name)
  }

  build(): KeyValueStore<K, V> {
    let store: KeyValueBytesStore = this.supplier.get()
    if (this.loggingEnabled) store = new ChangeLoggingKeyValueStore(store)
    if (this.cachingEnabled) store = new CachingKeyValueStore(store)
    return new MeteredKeyValueStore(store, this.keySerde, this.valueSerde)
  }
}

/** As KeyValueStoreBuilder, storing ValueAndTimestamp<V> in Kafka Streams' timestamped format. */
export class TimestampedKeyValueStoreBuilder<K, V> extends AbstractStoreBuilder<TimestampedKeyValueStore<K, V>> {
  constructor(
    readonly supplier: KeyValueBytesStoreSupplier,
    readonly keySerde: Serde<K>,
    readonly valueSerde: Serde<V>,
  ) {
    requireSupplier(supplier, 'timestampedKeyValueStoreBuilder')
    super(supplier.name)
  }

  build(): TimestampedKeyValueStore<K, V> {
    let store: KeyValueBytesStore = this.supplier.get()
    if (this.loggingEnabled) store = new ChangeLoggingTimestampedKeyValueStore(store)
    if (this.cachingEnabled) store = new CachingKeyValueStore(store)
    return new MeteredKeyValueStore(store, this.keySerde, valueAndTimestampSerde(this.valueSerde))
  }
}
