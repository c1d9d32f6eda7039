import { Stores } from '../../stores/stores.js'
import type { Serde } from '../../stores/serde.js'
import type { StateStore } from '../../stores/state-store.js'
import type { StoreBuilder } from '../../stores/store-builder.js'
import type { SessionBytesStoreSupplier, WindowBytesStoreSupplier } from '../../stores/store-supplier.js'
import type { Materialized } from '../options/materialized.js'
import { TopologyError } from '../internals/topology-error.js'
import { isVersionedSupplier } from '../../stores/versioned/versioned-store.js'

/**
 * A windowed aggregation's store must be a window (or session) store: Kafka's types rule out a
 * key-value or versioned supplier there; without them the mistake would surface only at run time.
 */
function windowedSupplier<S>(storeName: string, materialized: Materialized<any, any> | null | undefined, kind: 'window' | 'session'): S | null {
  const supplier = materialized?.storeSupplier as (S & { name?: string; windowSize?: unknown; retentionPeriod?: unknown }) | null | undefined
  if (supplier === null || supplier === undefined) return null
  const versioned = isVersionedSupplier(supplier)
  const fits = !versioned && typeof supplier.retentionPeriod === 'number' && (kind === 'session' ? supplier.windowSize === undefined : typeof supplier.windowSize === 'number')
  if (!fits) {
    const what = versioned ? 'a versioned store supplier' : `store supplier '${supplier.name ?? storeName}'`
    const use = kind === 'window' ? 'Stores.persistentTimestampedWindowStore or Stores.inMemoryWindowStore' : 'Stores.persistentSessionStore or Stores.inMemorySessionStore'
    throw new TopologyError(`${what} cannot materialize the ${kind}ed aggregation '${storeName}': it needs a ${kind} store supplier (${use})`)
  }
  return supplier
}

// The changelog's compact,delete policy and retention come from the store's supplier
// (changelogConfigOf in topology-metadata.ts), as for window stores added by users.
function applyOptions(builder: StoreBuilder<StateStore>, materialized: Materialized<any, any> | null | undefined): StoreBuilder<StateStore> {
  if (materialized && !materialized.cachingEnabled) builder.withCachingDisabled()
  else builder.withCachingEnabled()
  if (materialized && !materialized.loggingEnabled) builder.withLoggingDisabled()
  else builder.withLoggingEnabled({ ...(materialized?.logConfig ?? {}) })
  return builder
}

/** The retention a windowed store needs: at least `minimum` (window span + grace), as Kafka Streams checks. */
export function windowRetention(storeName: string, materialized: Materialized<any, any> | null | undefined, minimum: number, what: string): number {
  // At least 1 ms: stores expire windows starting at or before stream time - retention.
  const retention = materialized?.retentionMs ?? Math.max(1, minimum)
  if (retention < minimum) {
    throw new RangeError(`The retention period of the window store ${storeName} must be no smaller than ${what} (${minimum} ms); got retention=${retention} ms`)
  }
  return retention
}

/** The timestamped window store of a time or sliding window aggregation (RocksDB unless a supplier is given). */
export function timestampedWindowStoreBuilder(
  storeName: string,
  materialized: Materialized<any, any> | null | undefined,
  keySerde: Serde<any>,
  valueSerde: Serde<any>,
  retentionMs: number,
  windowSizeMs: number,
): StoreBuilder<StateStore> {
  const supplier =
    windowedSupplier<WindowBytesStoreSupplier>(storeName, materialized, 'window') ?? Stores.persistentTimestampedWindowStore(storeName, retentionMs, windowSizeMs, false)
  return applyOptions(Stores.timestampedWindowStoreBuilder(supplier, keySerde, valueSerde), materialized)
}

/** The session store of a session window aggregation. */
export function sessionStoreBuilder(
  storeName: string,
  materialized: Materialized<any, any> | null | undefined,
  keySerde: Serde<any>,
  valueSerde: Serde<any>,
  retentionMs: number,
): StoreBuilder<StateStore> {
  const supplier = windowedSupplier<SessionBytesStoreSupplier>(storeName, materialized, 'session') ?? Stores.persistentSessionStore(storeName, retentionMs)
  return applyOptions(Stores.sessionStoreBuilder(supplier, keySerde, valueSerde), materialized)
}
