import type { KeyValueBytesStore } from './key-value-store.js'
import type { SessionBytesStore } from './session-store.js'
import type { WindowBytesStore } from './window-store.js'

/** Makes the innermost (bytes) store; a builder wraps it in the other layers. */
export interface StoreSupplier<T> {
  readonly name: string
  /** A new store instance per call (one per task). */
  get(): T
}

export type KeyValueBytesStoreSupplier = StoreSupplier<KeyValueBytesStore>

export interface WindowBytesStoreSupplier extends StoreSupplier<WindowBytesStore> {
  readonly retentionPeriod: number
  readonly windowSize: number
  readonly retainDuplicates: boolean
  readonly segmentInterval: number
}

export interface SessionBytesStoreSupplier extends StoreSupplier<SessionBytesStore> {
  readonly retentionPeriod: number
  readonly segmentInterval: number
}
