// The persistent-store layer's exports (re-exported through stores/index.ts).
export { PersistentStores, RocksDBKeyValueBytesStoreSupplier, RocksDBWindowBytesStoreSupplier, RocksDBSessionBytesStoreSupplier } from './suppliers.js'
export { RocksDBKeyValueStore, type RocksDBStoreOptions } from './rocksdb-key-value-store.js'
export { RocksDBWindowStore } from './rocksdb-window-store.js'
export { RocksDBSessionStore } from './rocksdb-session-store.js'
export { defaultSegmentInterval } from './segments.js'
export { StoreOpenError } from './open-errors.js'
export { openStoreDatabase, classifyOpenError } from './open-store.js'
export { RocksDBUnavailableError } from './load-engine.js'
