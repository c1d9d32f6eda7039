import type { KeyValueBytesStore, KeyValueStore, TimestampedKeyValueStore } from '../key-value-store.js'
import type { Serde } from '../serde.js'
import type { KeyValueBytesStoreSupplier } from '../store-supplier.js'
import { CachingKeyValueStore } from '../caching/caching-key-value-store.js'
import { ChangeLoggingKeyValueStore, ChangeLoggingTimestampedKeyValueStore } from '../logging/change-logging-key-value-store.js'
import { MeteredKeyValueStore } from '../metered/metered-key-value-store.js'
import { valueAndTimestampSerde } from '../internals/value-and-timestamp-serde.js'
import { SerdeStoreBuilder } from './serde-store-builder.js'

/** caching? → change-logging? → the supplier's bytes store. */
function layers(supplier: KeyValueBytesStoreSupplier, logging: boolean, caching: boolean, timestamped: boolean): KeyValueBytesStore {
  let store = supplier.get()
  if (logging) store = timestamped ? new ChangeLoggingTimestampedKeyValueStore(store) : new ChangeLoggingKeyValueStore(store)
  if (caching) store = new CachingKeyValueStore(store)
  return store
}

/** metered(serdes) → caching? → change-logging? → the supplier's bytes store. */
export class KeyValueStoreBuilder<K, V> extends SerdeStoreBuilder<KeyValueStore<K, V>, KeyValueBytesStoreSupplier, K, V> {
  constructor(supplier: KeyValueBytesStoreSupplier, keySerde: Serde<K>, valueSerde: Serde<V>) {
    super(supplier, keySerde, valueSerde, 'keyValueStoreBuilder: a store supplier is required')
  }

  build(): KeyValueStore<K, V> {
    return new MeteredKeyValueStore(layers(this.supplier, this.loggingEnabled, this.cachingEnabled, false), this.keySerde, this.valueSerde)
  }
}

/** As KeyValueStoreBuilder, storing ValueAndTimestamp<V> in Kafka Streams' timestamped format. */
export class TimestampedKeyValueStoreBuilder<K, V> extends SerdeStoreBuilder<
  TimestampedKeyValueStore<K, V>,
  KeyValueBytesStoreSupplier,
  K,
  V
> {
  constructor(supplier: KeyValueBytesStoreSupplier, keySerde: Serde<K>, valueSerde: Serde<V>) {
    super(supplier, keySerde, valueSerde, 'timestampedKeyValueStoreBuilder: a store supplier is required')
  }

  build(): TimestampedKeyValueStore<K, V> {
    return new MeteredKeyValueStore(
      layers(this.supplier, this.loggingEnabled, this.cachingEnabled, true),
      this.keySerde,
      valueAndTimestampSerde(this.valueSerde),
    )
  }
}
