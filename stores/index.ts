// The public surface of the state-store layer (re-exported by lib/index.ts) and the contracts
// other layers build on.
export type { Serde } from './serde.js'
export type { MaybePromise } from './maybe-promise.js'
export { isPromise, mapMaybe } from './maybe-promise.js'
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
export { changelogTopicName } from './state-store.js'
export type {
  KeyValueStore,
  ReadOnlyKeyValueStore,
  TimestampedKeyValueStore,
  ReadOnlyTimestampedKeyValueStore,
  KeyValueBytesStore,
} from './key-value-store.js'
export type { WindowStore, ReadOnlyWindowStore, TimestampedWindowStore, WindowBytesStore } from './window-store.js'
export type { SessionStore, ReadOnlySessionStore, SessionBytesStore } from './session-store.js'
export type { CacheFlushListener, CachedStateStore } from './cached-state-store.js'
export { isCachedStateStore } from './cached-state-store.js'
export type { StoreBuilder } from './store-builder.js'
export type {
  StoreSupplier,
  KeyValueBytesStoreSupplier,
  WindowBytesStoreSupplier,
  SessionBytesStoreSupplier,
} from './store-supplier.js'
export { ThreadCache, DEFAULT_CACHE_MAX_BYTES, cacheEntrySize } from './cache/thread-cache.js'
export { Stores } from './stores.js'
export { InMemoryKeyValueStore } from './memory/in-memory-key-value-store.js'
export { AbstractStoreBuilder } from './builders/abstract-store-builder.js'
export { KeyValueStoreBuilder, TimestampedKeyValueStoreBuilder } from './builders/key-value-store-builder.js'
export { MeteredKeyValueStore } from './metered/metered-key-value-store.js'
export { valueAndTimestampSerde } from './internals/value-and-timestamp-serde.js'
export { InvalidStateStoreError } from './internals/store-errors.js'
export { collect } from './internals/async-iterable.js'
export { InMemoryWindowStore } from './memory/in-memory-window-store.js'
export { InMemorySessionStore } from './memory/in-memory-session-store.js'
export {
  InMemoryKeyValueBytesStoreSupplier,
  InMemoryWindowBytesStoreSupplier,
  InMemorySessionBytesStoreSupplier,
  LruMapBytesStoreSupplier,
} from './memory/in-memory-suppliers.js'
export { LruMemoryStore } from './memory/lru-memory-store.js'
export { WindowStoreBuilder, TimestampedWindowStoreBuilder } from './builders/window-store-builder.js'
export { SessionStoreBuilder } from './builders/session-store-builder.js'
export { MeteredWindowStore } from './metered/metered-window-store.js'
export { MeteredSessionStore } from './metered/metered-session-store.js'
export {
  readOnlyKeyValueStore,
  readOnlyWindowStore,
  readOnlySessionStore,
  timestampedKeyValueFacade,
  timestampedWindowFacade,
  compositeReadOnlyKeyValueStore,
  compositeReadOnlyWindowStore,
  compositeReadOnlySessionStore,
} from './query/read-only-views.js'
export * from './rocksdb/index.js'
