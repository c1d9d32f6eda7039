import type { KeyValueStore, TimestampedKeyValueStore } from './key-value-store.js'
import type { Serde } from './serde.js'
import type { SessionStore } from './session-store.js'
import type { StoreBuilder } from './store-builder.js'
import type { TimestampedWindowStore, WindowStore } from './window-store.js'
import type { KeyValueBytesStoreSupplier, SessionBytesStoreSupplier, WindowBytesStoreSupplier } from './store-supplier.js'
import { KeyValueStoreBuilder, TimestampedKeyValueStoreBuilder } from './builders/key-value-store-builder.js'
import { SessionStoreBuilder } from './builders/session-store-builder.js'
import { TimestampedWindowStoreBuilder, WindowStoreBuilder } from './builders/window-store-builder.js'
import {
  InMemoryKeyValueBytesStoreSupplier,
  InMemorySessionBytesStoreSupplier,
  InMemoryWindowBytesStoreSupplier,
  LruMapBytesStoreSupplier,
} from './memory/in-memory-suppliers.js'
import { PersistentStores } from './rocksdb/suppliers.js'
import { InMemoryVersionedBytesStoreSupplier, RocksDBVersionedBytesStoreSupplier } from './versioned/suppliers.js'
import type { VersionedBytesStoreSupplier, VersionedKeyValueStore } from './versioned/versioned-store.js'
import { VersionedKeyValueStoreBuilder } from './versioned/versioned-store-builder.js'

/** Factory for store suppliers and builders, as Kafka Streams' `Stores`. Times are in ms. */
export const Stores = {
  /** persistentKeyValueStore, persistentTimestampedKeyValueStore, persistent(Timestamped)WindowStore, persistentSessionStore */
  ...PersistentStores,

  inMemoryKeyValueStore(name: string): KeyValueBytesStoreSupplier {
    return new InMemoryKeyValueBytesStoreSupplier(name)
  },

  /** An in-memory store of at most maxCacheSize keys, dropping the least recently used. */
  lruMap(name: string, maxCacheSize: number): KeyValueBytesStoreSupplier {
    return new LruMapBytesStoreSupplier(name, maxCacheSize)
  },

  /** retainDuplicates keeps every put (stream-stream join buffers). */
  inMemoryWindowStore(name: string, retentionMs: number, windowSizeMs: number, retainDuplicates: boolean): WindowBytesStoreSupplier {
    return new InMemoryWindowBytesStoreSupplier(name, retentionMs, windowSizeMs, retainDuplicates)
  },

  inMemorySessionStore(name: string, retentionMs: number): SessionBytesStoreSupplier {
    return new InMemorySessionBytesStoreSupplier(name, retentionMs)
  },

  keyValueStoreBuilder<K, V>(supplier: KeyValueBytesStoreSupplier, keySerde: Serde<K>, valueSerde: Serde<V>): StoreBuilder<KeyValueStore<K, V>> {
    return new KeyValueStoreBuilder(supplier, keySerde, valueSerde)
  },

  timestampedKeyValueStoreBuilder<K, V>(
    supplier: KeyValueBytesStoreSupplier,
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
  ): StoreBuilder<TimestampedKeyValueStore<K, V>> {
    return new TimestampedKeyValueStoreBuilder(supplier, keySerde, valueSerde)
  },

  windowStoreBuilder<K, V>(supplier: WindowBytesStoreSupplier, keySerde: Serde<K>, valueSerde: Serde<V>): StoreBuilder<WindowStore<K, V>> {
    return new WindowStoreBuilder(supplier, keySerde, valueSerde)
  },

  timestampedWindowStoreBuilder<K, V>(
    supplier: WindowBytesStoreSupplier,
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
  ): StoreBuilder<TimestampedWindowStore<K, V>> {
    return new TimestampedWindowStoreBuilder(supplier, keySerde, valueSerde)
  },

  sessionStoreBuilder<K, V>(supplier: SessionBytesStoreSupplier, keySerde: Serde<K>, valueSerde: Serde<V>): StoreBuilder<SessionStore<K, V>> {
    return new SessionStoreBuilder(supplier, keySerde, valueSerde)
  },

  /**
   * A versioned key-value store in RocksDB (KIP-889): every version of a key is kept for
   * `historyRetentionMs` and readable as of a timestamp. The history retention is also the grace
   * period: writes older than stream time minus it are dropped. `segmentIntervalMs` is how often
   * (in stream time) expired versions are purged; Kafka Streams' default when omitted.
   */
  persistentVersionedKeyValueStore(name: string, historyRetentionMs: number, segmentIntervalMs?: number): VersionedBytesStoreSupplier {
    return new RocksDBVersionedBytesStoreSupplier(name, historyRetentionMs, segmentIntervalMs)
  },

  /** As persistentVersionedKeyValueStore, held in memory (restored from the changelog on start). */
  inMemoryVersionedKeyValueStore(name: string, historyRetentionMs: number): VersionedBytesStoreSupplier {
    return new InMemoryVersionedBytesStoreSupplier(name, historyRetentionMs)
  },

  versionedKeyValueStoreBuilder<K, V>(supplier: VersionedBytesStoreSupplier, keySerde: Serde<K>, valueSerde: Serde<V>): StoreBuilder<VersionedKeyValueStore<K, V>> {
    return new VersionedKeyValueStoreBuilder(supplier, keySerde, valueSerde)
  },
}
