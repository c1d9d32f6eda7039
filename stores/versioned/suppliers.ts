import type { RocksDBVersionedStoreOptions } from './rocksdb-versioned-store.js'
import { RocksDBVersionedStore } from './rocksdb-versioned-store.js'
import { InMemoryVersionedStore } from './in-memory-versioned-store.js'
import { defaultVersionedSegmentInterval, type VersionedBytesStore, type VersionedBytesStoreSupplier } from './versioned-store.js'

function check(name: string, historyRetention: number, segmentInterval: number): void {
  if (typeof name !== 'string' || name.length === 0) throw new TypeError('Store name must be a non-empty string')
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new TypeError(`Store name '${name}' may only contain ASCII letters, digits, '.', '_' and '-'`)
  if (!Number.isSafeInteger(historyRetention) || historyRetention < 0) {
    throw new RangeError(`versioned store '${name}': history retention must be an integer number of ms >= 0, got ${historyRetention}`)
  }
  if (!Number.isSafeInteger(segmentInterval) || segmentInterval < 1) {
    throw new RangeError(`versioned store '${name}': segment interval must be an integer number of ms >= 1, got ${segmentInterval}`)
  }
}

abstract class VersionedSupplier implements VersionedBytesStoreSupplier {
  readonly versioned = true as const
  readonly segmentInterval: number

  constructor(
    readonly name: string,
    readonly historyRetention: number,
    segmentInterval?: number,
  ) {
    this.segmentInterval = segmentInterval ?? defaultVersionedSegmentInterval(historyRetention)
    check(name, historyRetention, this.segmentInterval)
  }

  abstract get(): VersionedBytesStore
}

export class RocksDBVersionedBytesStoreSupplier extends VersionedSupplier {
  constructor(name: string, historyRetention: number, segmentInterval?: number, private readonly options: RocksDBVersionedStoreOptions = {}) {
    super(name, historyRetention, segmentInterval)
  }
  get(): VersionedBytesStore {
    return new RocksDBVersionedStore(this.name, this.historyRetention, this.segmentInterval, this.options)
  }
}

export class InMemoryVersionedBytesStoreSupplier extends VersionedSupplier {
  get(): VersionedBytesStore {
    return new InMemoryVersionedStore(this.name, this.historyRetention, this.segmentInterval)
  }
}
