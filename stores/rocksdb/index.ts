// The persistent-store layer's exports, for the store layer's own use (the public ones are in stores/index.ts).
export { PersistentStores, RocksDBKeyValueBytesStoreSupplier, RocksDBWindowBytesStoreSupplier, RocksDBSessionBytesStoreSupplier } from './suppliers.js'
export { RocksDBKeyValueStore, type RocksDBStoreOptions } from './rocksdb-key-value-store.js'
export { RocksDBWindowStore } from './rocksdb-window-store.js'
export { RocksDBSessionStore } from './rocksdb-session-store.js'
export { defaultSegmentInterval } from './segments.js'
export { StoreOpenError } from './open-errors.js'
export { openStoreDatabase, classifyOpenError } from './open-store.js'
export { RocksDBUnavailableError } from './load-engine.js'
