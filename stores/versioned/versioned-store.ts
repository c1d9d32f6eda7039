// Versioned key-value stores (Kafka Streams' KIP-889): several versions per key, each valid from
// its timestamp until the next version's, readable as of any time within the history retention.
import type { StateStore } from '../state-store.js'
import type { StoreSupplier } from '../store-supplier.js'

/** One version of a key: valid from `timestamp` (inclusive) to `validTo` (exclusive; absent for the latest). */
export interface VersionedRecord<V> {
  value: V
  /** when this version became valid (its record timestamp) */
  timestamp: number
  /** when the next version (or a deletion) replaced it; absent for the latest version */
  validTo?: number
}

/** put() returns this when the new version is the key's latest (its validTo is undefined). */
export const PUT_RETURN_CODE_VALID_TO_UNDEFINED = -1
/** put() returns this when the write was older than the grace period (= history retention) and was dropped. */
export const PUT_RETURN_CODE_NOT_PUT = Number.MIN_SAFE_INTEGER

/** The reads of a versioned store: what interactive queries (`app.store(name, { type: 'versioned' })`) answer. */
export interface ReadOnlyVersionedKeyValueStore<K, V> {
  /** The latest version, or, with `asOfTimestamp`, the version valid at that time (null beyond the history retention unless it is the latest). */
  get(key: K, asOfTimestamp?: number): Promise<VersionedRecord<V> | null>
}

/** A versioned key-value store (Kafka Streams' VersionedKeyValueStore), as a processor gets it from `ctx.getStateStore(name)`. */
export interface VersionedKeyValueStore<K, V> extends StateStore, ReadOnlyVersionedKeyValueStore<K, V> {
  /** Adds the version of `key` at `timestamp` (null deletes); returns its validTo, -1 when it is the latest, or PUT_RETURN_CODE_NOT_PUT. */
  put(key: K, value: V | null, timestamp: number): Promise<number>
  /** Deletes `key` as of `timestamp`; returns the version valid at that time, or null (also when the delete was too old to apply). */
  delete(key: K, timestamp: number): Promise<VersionedRecord<V> | null>
  /** Writes older than this (relative to the observed stream time) are dropped; as-of reads older than it answer null. */
  readonly historyRetention: number
}

/** The bytes-level versioned store the layers below the typed one implement. */
export type VersionedBytesStore = VersionedKeyValueStore<Buffer, Buffer>

/** Makes the bytes store of a versioned store (`Stores.persistentVersionedKeyValueStore`, `Stores.inMemoryVersionedKeyValueStore`). */
export interface VersionedBytesStoreSupplier extends StoreSupplier<VersionedBytesStore> {
  /** how long (in stream time) older versions stay readable; also the grace period of writes */
  readonly historyRetention: number
  /** how often (in stream time) expired versions are purged */
  readonly segmentInterval: number
  /** Marks versioned suppliers: the DSL reads it to build a versioned table. */
  readonly versioned: true
}

export function isVersionedSupplier(supplier: unknown): supplier is VersionedBytesStoreSupplier {
  return typeof supplier === 'object' && supplier !== null && (supplier as { versioned?: unknown }).versioned === true
}

/**
 * Kafka Streams' default segment interval for a history retention; here it is how often (in
 * stream time) expired versions are purged.
 */
export function defaultVersionedSegmentInterval(historyRetentionMs: number): number {
  if (historyRetentionMs <= 60_000) return Math.max(Math.floor(historyRetentionMs / 3), 2_000)
  if (historyRetentionMs <= 300_000) return Math.max(Math.floor(historyRetentionMs / 5), 20_000)
  if (historyRetentionMs <= 3_600_000) return Math.max(Math.floor(historyRetentionMs / 12), 60_000)
  return Math.max(Math.floor(historyRetentionMs / 24), 300_000)
}
