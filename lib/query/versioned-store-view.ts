import type { ReadOnlyVersionedKeyValueStore, VersionedRecord } from '../../stores/versioned/versioned-store.js'

/**
 * Interactive queries on a versioned store over this instance's tasks holding it (each holds the
 * keys of its partition): the latest version of a key, or the version valid as of a timestamp
 * (null past the store's history retention unless it is the latest). Every call looks up the
 * tasks afresh, as they move with rebalances.
 */
export function versionedStoreView<K, V>(stores: () => unknown[]): ReadOnlyVersionedKeyValueStore<K, V> {
  return {
    async get(key: K, asOfTimestamp?: number): Promise<VersionedRecord<V> | null> {
      for (const s of stores() as ReadOnlyVersionedKeyValueStore<K, V>[]) {
        const r = await s.get(key, asOfTimestamp)
        if (r !== null) return r
      }
      return null
    },
  }
}
