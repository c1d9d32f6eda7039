// Suppliers of the persistent (RocksDB) stores, spread into `Stores` by stores/stores.ts.
import type { KeyValueBytesStoreSupplier, SessionBytesStoreSupplier, WindowBytesStoreSupplier } from '../store-supplier.js'
import { RocksDBKeyValueStore, type RocksDBStoreOptions } from './rocksdb-key-value-store.js'
import { RocksDBSessionStore } from './rocksdb-session-store.js'
import { RocksDBWindowStore } from './rocksdb-window-store.js'
import { defaultSegmentInterval } from './segments.js'

function checkName(name: string): void {
  if (typeof name !== 'string' || name.length === 0) throw new TypeError('Store name must be a non-empty string')
  // the name becomes a directory and part of a topic name
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new TypeError(`Store name '${name}' may only contain ASCII letters, digits, '.', '_' and '-'`)
}

function checkMs(store: string, what: string, ms: number, min = 0): void {
  if (!Number.isSafeInteger(ms) || ms < min) throw new RangeError(`store '${store}': ${what} must be an integer number of ms >= ${min}, got ${ms}`)
}

export class RocksDBKeyValueBytesStoreSupplier implements KeyValueBytesStoreSupplier {
  constructor(
    readonly name: string,
    /** values are ValueAndTimestamp bytes (the builder picks the matching logging layer) */
    readonly timestamped = false,
    private readonly options: RocksDBStoreOptions = {},
  ) {
    checkName(name)
  }

  get(): RocksDBKeyValueStore {
    return new RocksDBKeyValueStore(this.name, this.options)
  }
}

export class RocksDBWindowBytesStoreSupplier implements WindowBytesStoreSupplier {
  readonly segmentInterval: number

  constructor(
    readonly name: string,
    readonly retentionPeriod: number,
    readonly windowSize: number,
    readonly retainDuplicates: boolean,
    readonly timestamped = false,
    segmentInterval?: number,
  ) {
    checkName(name)
    checkMs(name, 'retention period', retentionPeriod)
    checkMs(name, 'window size', windowSize)
    if (windowSize > retentionPeriod) {
      throw new RangeError(`store '${name}': the retention period (${retentionPeriod} ms) must be at least the window size (${windowSize} ms)`)
    }
    this.segmentInterval = segmentInterval ?? defaultSegmentInterval(retentionPeriod)
    checkMs(name, 'segment interval', this.segmentInterval, 1)
  }

  get(): RocksDBWindowStore {
    return new RocksDBWindowStore(this.name, this.retentionPeriod, this.windowSize, this.retainDuplicates, this.segmentInterval)
  }
}

export class RocksDBSessionBytesStoreSupplier implements SessionBytesStoreSupplier {
  readonly segmentInterval: number

  constructor(
    readonly name: string,
    readonly retentionPeriod: number,
  ) {
    checkName(name)
    checkMs(name, 'retention period', retentionPeriod)
    this.segmentInterval = defaultSegmentInterval(retentionPeriod)
  }

  get(): RocksDBSessionStore {
    return new RocksDBSessionStore(this.name, this.retentionPeriod, this.segmentInterval)
  }
}

/** The persistent half of `Stores` (Kafka Streams' names; times in ms). */
export const PersistentStores = {
  persistentKeyValueStore(name: string): KeyValueBytesStoreSupplier {
    return new RocksDBKeyValueBytesStoreSupplier(name, false)
  },
  persistentTimestampedKeyValueStore(name: string): KeyValueBytesStoreSupplier {
    return new RocksDBKeyValueBytesStoreSupplier(name, true)
  },
  persistentWindowStore(name: string, retentionMs: number, windowSizeMs: number, retainDuplicates: boolean): WindowBytesStoreSupplier {
    return new RocksDBWindowBytesStoreSupplier(name, retentionMs, windowSizeMs, retainDuplicates, false)
  },
  persistentTimestampedWindowStore(name: string, retentionMs: number, windowSizeMs: number, retainDuplicates: boolean): WindowBytesStoreSupplier {
    return new RocksDBWindowBytesStoreSupplier(name, retentionMs, windowSizeMs, retainDuplicates, true)
  },
  persistentSessionStore(name: string, retentionMs: number): SessionBytesStoreSupplier {
    return new RocksDBSessionBytesStoreSupplier(name, retentionMs)
  },
}
