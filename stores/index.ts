// The public API of the state-store layer (re-exported by lib/index.ts): the store interfaces a
// processor or an interactive query sees, the contracts of a store of one's own (StateStore,
// StoreBuilder, suppliers), the `Stores` factory and the errors users handle. Implementations
// (in-memory, RocksDB, caching, logging, metered layers, the thread cache) are imported from their
// own files.
export type { Serde } from './serde.js'
export type { MaybePromise } from './maybe-promise.js'
export { KeyValue, ValueAndTimestamp } from './key-value.js'
export type { Windowed } from './key-value.js'
export type {
  StateStore,
  StateStoreContext,
  RecordContext,
  RecordCollector,
  ChangelogRecord,
  RestoreCallback,
  RestoreRecord,
  Headers,
} from './state-store.js'
export type {
  KeyValueStore,
  ReadOnlyKeyValueStore,
  TimestampedKeyValueStore,
  ReadOnlyTimestampedKeyValueStore,
  KeyValueBytesStore,
} from './key-value-store.js'
export type { WindowStore, ReadOnlyWindowStore, TimestampedWindowStore, WindowBytesStore } from './window-store.js'
export type { SessionStore, ReadOnlySessionStore, SessionBytesStore } from './session-store.js'
export type { StoreBuilder } from './store-builder.js'
export type {
  StoreSupplier,
  KeyValueBytesStoreSupplier,
  WindowBytesStoreSupplier,
  SessionBytesStoreSupplier,
} from './store-supplier.js'
export { Stores } from './stores.js'
export type {
  VersionedKeyValueStore,
  ReadOnlyVersionedKeyValueStore,
  VersionedRecord,
  VersionedBytesStore,
  VersionedBytesStoreSupplier,
} from './versioned/versioned-store.js'
export { PUT_RETURN_CODE_NOT_PUT, PUT_RETURN_CODE_VALID_TO_UNDEFINED } from './versioned/versioned-store.js'
export type { StateRestoreListener } from './restore/state-restore-listener.js'
export { InvalidStateStoreError } from './internals/store-errors.js'
export { StoreOpenError, type StoreOpenFailure } from './rocksdb/open-errors.js'
export { RocksDBUnavailableError } from './rocksdb/load-engine.js'
export type { RocksDBOptions, RocksDBConfigSetter } from './rocksdb/rocksdb-options.js'
