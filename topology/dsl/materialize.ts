import * as StoresModule from '../../stores/stores.js'
import type { Serde } from '../../stores/serde.js'
import type { StateStore } from '../../stores/state-store.js'
import type { StoreBuilder } from '../../stores/store-builder.js'
import type { KeyValueBytesStoreSupplier } from '../../stores/store-supplier.js'
import type { Materialized } from '../options/materialized.js'
import { INTERNAL_SERDE, StructuredCloneSerde } from './internal-serde.js'
import { BytesSerde, DoubleSerde, IntegerSerde, JsonSerde, LongSerde, StringSerde } from '../serdes/primitive-serdes.js'
import type { AnySerde } from '../serdes/serde.js'
import { AvroSerde } from '../serdes/avro-serde.js'
import { TopologyError } from '../internals/topology-error.js'
import { isVersionedSupplier } from '../../stores/versioned/versioned-store.js'

type StoresApi = {
  inMemoryKeyValueStore(name: string): KeyValueBytesStoreSupplier
  persistentTimestampedKeyValueStore?(name: string): KeyValueBytesStoreSupplier
  persistentKeyValueStore?(name: string): KeyValueBytesStoreSupplier
  timestampedKeyValueStoreBuilder<K, V>(supplier: KeyValueBytesStoreSupplier, k: Serde<K>, v: Serde<V>): StoreBuilder<StateStore>
}

const Stores = StoresModule.Stores as unknown as StoresApi

const KNOWN_SYNC = [StringSerde, LongSerde, IntegerSerde, DoubleSerde, BytesSerde, JsonSerde, StructuredCloneSerde]

/**
 * Stores need serdes that answer synchronously. An Avro serde stores plain Avro binary (no
 * registry round trip); any other serde that answers with a promise fails with a clear error.
 */
export function syncSerde<T>(serde: AnySerde<T> | null | undefined): Serde<T> {
  if (serde === null || serde === undefined) return INTERNAL_SERDE as Serde<T>
  if (serde instanceof AvroSerde) return serde.storeSerde()
  if (KNOWN_SYNC.some((c) => serde instanceof c)) return serde as Serde<T>
  const inner = serde
  return {
    serialize(topic, data) {
      const out = inner.serialize(topic, data)
      if (out instanceof Promise) throw new TypeError(`the serde of store topic "${topic}" answered asynchronously; stores need synchronous serdes (set one with Materialized.withKeySerde / withValueSerde)`)
      return out
    },
    deserialize(topic, data) {
      const out = inner.deserialize(topic, data)
      if (out instanceof Promise) throw new TypeError(`the serde of store topic "${topic}" answered asynchronously; stores need synchronous serdes (set one with Materialized.withKeySerde / withValueSerde)`)
      return out
    },
  }
}

/** The default DSL key-value supplier: RocksDB when available, as Kafka Streams. */
function defaultSupplier(name: string): KeyValueBytesStoreSupplier {
  const persistent = Stores.persistentTimestampedKeyValueStore ?? Stores.persistentKeyValueStore
  return persistent ? persistent.call(Stores, name) : Stores.inMemoryKeyValueStore(name)
}

/**
 * The store of a DSL table (source, filter, mapValues, join result) or aggregation, as Kafka
 * Streams' KeyValueStoreMaterializer: a versioned store when the Materialized carries a versioned
 * supplier (never cached: versioned stores have no caching layer), else the timestamped store.
 */
export function keyValueStoreBuilder(
  storeName: string,
  materialized: Materialized<any, any> | null | undefined,
  keySerde: AnySerde<any> | null,
  valueSerde: AnySerde<any> | null,
): StoreBuilder<StateStore> {
  const supplier = materialized?.storeSupplier
  if (!isVersionedSupplier(supplier)) return timestampedKeyValueStoreBuilder(storeName, materialized, keySerde, valueSerde)
  const builder = StoresModule.Stores.versionedKeyValueStoreBuilder(supplier, syncSerde(materialized?.keySerde ?? keySerde), syncSerde(materialized?.valueSerde ?? valueSerde))
  if (materialized && !materialized.loggingEnabled) builder.withLoggingDisabled()
  else builder.withLoggingEnabled(materialized?.logConfig ?? {})
  return builder
}

/**
 * The timestamped key-value store builder of a DSL table or aggregation: caching and logging on
 * unless the Materialized turns them off. Operators that cannot keep versions refuse a versioned
 * supplier.
 */
export function timestampedKeyValueStoreBuilder(
  storeName: string,
  materialized: Materialized<any, any> | null | undefined,
  keySerde: AnySerde<any> | null,
  valueSerde: AnySerde<any> | null,
): StoreBuilder<StateStore> {
  if (isVersionedSupplier(materialized?.storeSupplier)) {
    throw new TopologyError(
      `versioned store supplier '${storeName}' cannot materialize this operator; ` +
        'materialize it with a key-value store supplier',
    )
  }
  const supplier = (materialized?.storeSupplier as KeyValueBytesStoreSupplier | null) ?? defaultSupplier(storeName)
  const builder = Stores.timestampedKeyValueStoreBuilder(
    supplier,
    syncSerde(materialized?.keySerde ?? keySerde),
    syncSerde(materialized?.valueSerde ?? valueSerde),
  )
  if (materialized && !materialized.cachingEnabled) builder.withCachingDisabled()
  else builder.withCachingEnabled()
  if (materialized && !materialized.loggingEnabled) builder.withLoggingDisabled()
  else builder.withLoggingEnabled(materialized?.logConfig ?? {})
  return builder
}
