import type { KeyValueBytesStoreSupplier, SessionBytesStoreSupplier, WindowBytesStoreSupplier } from '../store-supplier.js'
import { defaultSegmentInterval } from '../internals/key-schema.js'
import { InMemoryKeyValueStore } from './in-memory-key-value-store.js'
import { LruMemoryStore } from './lru-memory-store.js'
import { InMemorySessionStore } from './in-memory-session-store.js'
import { InMemoryWindowStore } from './in-memory-window-store.js'

export class InMemoryKeyValueBytesStoreSupplier implements KeyValueBytesStoreSupplier {
  constructor(readonly name: string) {
    checkName(name)
  }

  get(): InMemoryKeyValueStore {
    return new InMemoryKeyValueStore(this.name)
  }
}

export class LruMapBytesStoreSupplier implements KeyValueBytesStoreSupplier {
  constructor(
    readonly name: string,
    readonly maxCacheSize: number,
  ) {
    checkName(name)
  }

  get(): LruMemoryStore {
    return new LruMemoryStore(this.name, this.maxCacheSize)
  }
}

export class InMemoryWindowBytesStoreSupplier implements WindowBytesStoreSupplier {
  readonly segmentInterval: number

  constructor(
    readonly name: string,
    readonly retentionPeriod: number,
    readonly windowSize: number,
    readonly retainDuplicates: boolean,
  ) {
    checkName(name)
    checkDuration(name, 'retentionPeriod', retentionPeriod)
    checkDuration(name, 'windowSize', windowSize)
    if (windowSize > retentionPeriod) {
      throw new RangeError(
        `Window store "${name}": retention period (${retentionPeriod} ms) must be at least the window size (${windowSize} ms)`,
      )
    }
    this.segmentInterval = defaultSegmentInterval(retentionPeriod)
  }

  get(): InMemoryWindowStore {
    return new InMemoryWindowStore(this.name, this)
  }
}

export class InMemorySessionBytesStoreSupplier implements SessionBytesStoreSupplier {
  readonly segmentInterval: number

  constructor(
    readonly name: string,
    readonly retentionPeriod: number,
  ) {
    checkName(name)
    checkDuration(name, 'retentionPeriod', retentionPeriod)
    this.segmentInterval = defaultSegmentInterval(retentionPeriod)
  }

  get(): InMemorySessionStore {
    return new InMemorySessionStore(this.name, this)
  }
}

function checkName(name: string): void {
  if (typeof name !== 'string' || name.length === 0) throw new TypeError('Store name must be a non-empty string')
}

function checkDuration(store: string, what: string, ms: number): void {
  if (!Number.isSafeInteger(ms) || ms < 0) throw new RangeError(`Store "${store}": ${what} must be a non-negative integer (ms), got ${ms}`)
}
