import * as StoresModule from '../../stores/stores.js'
import type { Serde } from '../../stores/serde.js'
import type { StateStore } from '../../stores/state-store.js'
import type { StoreBuilder } from '../../stores/store-builder.js'
import type { KeyValueBytesStoreSupplier } from '../../stores/store-supplier.js'
import type { Materialized } from '../options/materialized.js'
import { INTERNAL_SERDE } from './internal-serde.js'
import type { AnySerde } from '../serdes/serde.js'

type StoresApi = {
  inMemoryKeyValueStore(name: string): KeyValueBytesStoreSupplier
  persistentTimestampedKeyValueStore?(name: string): KeyValueBytesStoreSupplier
  persistentKeyValueStore?(name: string): KeyValueBytesStoreSupplier
  timestampedKeyValueStoreBuilder<K, V>(supplier: KeyValueBytesStoreSupplier, k: Serde<K>, v: Serde<V>): StoreBuilder<StateStore>
}

const Stores = StoresModule.Stores as unknown as StoresApi

/** Serdes of stores must answer synchronously; async (registry) serdes are for topics only. */
export function syncSerde<T>(serde: AnySerde<T> | null | undefined): Serde<T> {
  return (serde ?? INTERNAL_SERDE) as Serde<T>
}

/** The default DSL key-value supplier: RocksDB when available, as Kafka Streams. */
function defaultSupplier(name: string): KeyValueBytesStoreSupplier {
  const persistent = Stores.persistentTimestampedKeyValueStore ?? Stores.persistentKeyValueStore
  return persistent ? persistent.call(Stores, name) : Stores.inMemoryKeyValueStore(name)
}

/**
 * The timestamped key-value store builder of a DSL table or aggregation: caching and logging on
 * unless the Materialized turns them off.
 */
export function timestampedKeyValueStoreBuilder(
  storeName: string,
  materialized: Materialized<any, any> | null | undefined,
  keySerde: AnySerde<any> | null,
  valueSerde: AnySerde<any> | null,
): StoreBuilder<StateStore> {
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
