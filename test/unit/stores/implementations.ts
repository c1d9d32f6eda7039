import { Stores } from '../../../stores/stores.js'
import type { KeyValueBytesStoreSupplier, SessionBytesStoreSupplier, WindowBytesStoreSupplier } from '../../../stores/store-supplier.js'

/**
 * The store implementations every contract suite runs against. To put another implementation
 * under contract, add an entry here: each suite then runs it under every layer combination.
 */
export interface KeyValueImplementation {
  name: string
  supplier(storeName: string): KeyValueBytesStoreSupplier
  /** fast-check runs per property; lower for implementations with disk I/O. */
  propertyRuns?: number
}

export interface WindowImplementation {
  name: string
  supplier(storeName: string, retentionMs: number, windowSizeMs: number, retainDuplicates: boolean): WindowBytesStoreSupplier
  propertyRuns?: number
}

export interface SessionImplementation {
  name: string
  supplier(storeName: string, retentionMs: number): SessionBytesStoreSupplier
  propertyRuns?: number
}

export const keyValueImplementations: KeyValueImplementation[] = [
  { name: 'in-memory', supplier: (name) => Stores.inMemoryKeyValueStore(name) },
  { name: 'rocksdb', supplier: (name) => Stores.persistentKeyValueStore(name), propertyRuns: 15 },
]

export const windowImplementations: WindowImplementation[] = [
  { name: 'in-memory', supplier: (name, retention, size, dups) => Stores.inMemoryWindowStore(name, retention, size, dups) },
  { name: 'rocksdb', supplier: (name, retention, size, dups) => Stores.persistentWindowStore(name, retention, size, dups), propertyRuns: 10 },
]

export const sessionImplementations: SessionImplementation[] = [
  { name: 'in-memory', supplier: (name, retention) => Stores.inMemorySessionStore(name, retention) },
  { name: 'rocksdb', supplier: (name, retention) => Stores.persistentSessionStore(name, retention), propertyRuns: 10 },
]

export interface Layers {
  logging: boolean
  caching: boolean
}

/** Every combination of the optional layers around an implementation. */
export const layerCombinations: Layers[] = [
  { logging: false, caching: false },
  { logging: true, caching: false },
  { logging: false, caching: true },
  { logging: true, caching: true },
]

export const describeLayers = (l: Layers) => `${l.logging ? 'logged' : 'unlogged'}, ${l.caching ? 'cached' : 'uncached'}`
