import type { Serde } from './serde.js'
import type { KeyValueBytesStoreSupplier } from './store-supplier.js'
import { KeyValueStoreBuilder, TimestampedKeyValueStoreBuilder } from './builders/key-value-store-builder.js'
import { InMemoryKeyValueBytesStoreSupplier } from './memory/in-memory-suppliers.js'

/** Factory for store suppliers and builders, as Kafka Streams' `Stores`. Times are in ms. */
export const Stores = {
  inMemoryKeyValueStore(name: string): KeyValueBytesStoreSupplier {
    return new InMemoryKeyValueBytesStoreSupplier(name)
  },

  keyValueStoreBuilder<K, V>(supplier: KeyValueBytesStoreSupplier, keySerde: Serde<K>, valueSerde: Serde<V>) {
    return new KeyValueStoreBuilder(supplier, keySerde, valueSerde)
  },

  timestampedKeyValueStoreBuilder<K, V>(supplier: KeyValueBytesStoreSupplier, keySerde: Serde<K>, valueSerde: Serde<V>) {
    return new TimestampedKeyValueStoreBuilder(supplier, keySerde, valueSerde)
  },
}
