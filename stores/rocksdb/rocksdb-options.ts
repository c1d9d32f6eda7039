import type { NativeOpenOptions } from './engine.js'

// The per-store RocksDB options an application may set (Kafka Streams' rocksdb.config.setter),
// limited to what the RocksDB binding exposes, and the memory budget the runtime spreads over the
// stores of one instance.

/** Options of one RocksDB store, as a `rocksDbConfigSetter` sees and changes them. */
export interface RocksDBOptions {
  /** Bytes of one memtable (RocksDB's write_buffer_size). */
  writeBufferSize: number
  /** Memtables a store may hold before writes wait for a flush (max_write_buffer_number). */
  maxWriteBufferNumber: number
  /** Whether reads go through RocksDB's block cache; off leaves caching to the OS page cache. */
  blockCache: boolean
  /** Bytes of one data block (block_size). */
  blockSize: number
  /** Bits per key of the Bloom filter; null for none. */
  bloomFilterBitsPerKey: number | null
  /** Files RocksDB may keep open; -1 for no limit. */
  maxOpenFiles: number
}

/** Called once per store as it opens: change `options` in place (Kafka's RocksDBConfigSetter.setConfig). */
export type RocksDBConfigSetter = (storeName: string, options: RocksDBOptions) => void

export const DEFAULT_WRITE_BUFFER_SIZE = 8 << 20
const MIN_WRITE_BUFFER_SIZE = 1 << 20

/** The defaults for one store: small memtables, since an instance may hold many stores. */
export function defaultRocksDBOptions(): RocksDBOptions {
  return {
    writeBufferSize: DEFAULT_WRITE_BUFFER_SIZE,
    maxWriteBufferNumber: 2,
    blockCache: true,
    blockSize: 4096,
    bloomFilterBitsPerKey: 10,
    maxOpenFiles: -1,
  }
}

/**
 * The memtable budget of one instance (`rocksDbMemoryBytes`), spread over its open stores: a
 * store opening takes up to half of what is left (8 MiB memtables at most, 1 MiB at least) and
 * gives it back when it closes. The binding has no shared write-buffer manager (Kafka Streams'
 * bounded-memory setter uses one), so a share is fixed for the life of its store.
 */
export class RocksDBMemoryBudget {
  private readonly open = new Map<string, number>()

  constructor(private readonly totalBytes: number) {}

  /** Options for a store opening at `path`, before the application's setter runs. */
  acquire(path: string): RocksDBOptions {
    const options = defaultRocksDBOptions()
    // each store takes at most half of what is left, so the sum stays within the budget
    const left = Math.max(0, this.totalBytes - this.used())
    const perMemtable = Math.floor(left / 2 / options.maxWriteBufferNumber)
    options.writeBufferSize = Math.max(MIN_WRITE_BUFFER_SIZE, Math.min(DEFAULT_WRITE_BUFFER_SIZE, perMemtable))
    return options
  }

  /** What the store at `path` holds once open (after the setter ran). */
  opened(path: string, options: RocksDBOptions): void {
    this.open.set(path, options.writeBufferSize * options.maxWriteBufferNumber)
  }

  release(path: string): void {
    this.open.delete(path)
  }

  /** Bytes of memtables held by open stores. */
  used(): number {
    return [...this.open.values()].reduce((a, b) => a + b, 0)
  }
}

/** Checks what a setter left, naming the store at fault. */
export function validateRocksDBOptions(storeName: string, o: RocksDBOptions): void {
  const bad = (field: string, why: string) => {
    throw new RangeError(`rocksDbConfigSetter for store '${storeName}': ${field} ${why}`)
  }
  if (!Number.isInteger(o.writeBufferSize) || o.writeBufferSize < 64 << 10) bad('writeBufferSize', `must be an integer ≥ 65536 bytes (got ${o.writeBufferSize})`)
  if (!Number.isInteger(o.maxWriteBufferNumber) || o.maxWriteBufferNumber < 1) bad('maxWriteBufferNumber', `must be an integer ≥ 1 (got ${o.maxWriteBufferNumber})`)
  if (typeof o.blockCache !== 'boolean') bad('blockCache', `must be a boolean (got ${String(o.blockCache)})`)
  if (!Number.isInteger(o.blockSize) || o.blockSize < 512) bad('blockSize', `must be an integer ≥ 512 bytes (got ${o.blockSize})`)
  if (o.bloomFilterBitsPerKey !== null && !(o.bloomFilterBitsPerKey > 0)) bad('bloomFilterBitsPerKey', `must be a positive number or null (got ${o.bloomFilterBitsPerKey})`)
  if (!Number.isInteger(o.maxOpenFiles) || (o.maxOpenFiles < 1 && o.maxOpenFiles !== -1)) bad('maxOpenFiles', `must be -1 or a positive integer (got ${o.maxOpenFiles})`)
}

/** Where RocksDB stores get their options from as they open, and report that they closed. */
export interface RocksDBOptionsSource {
  options(storeName: string, path: string): RocksDBOptions
  closed(path: string): void
}

/** One instance's source: the memory budget's share, then the application's setter, checked. */
export function rocksDbOptionsSource(memoryBytes: number, setter?: RocksDBConfigSetter): RocksDBOptionsSource {
  const budget = new RocksDBMemoryBudget(memoryBytes)
  return {
    options(storeName, path) {
      const options = budget.acquire(path)
      if (setter) {
        setter(storeName, options)
        validateRocksDBOptions(storeName, options)
      }
      budget.opened(path, options)
      return options
    },
    closed: path => budget.release(path),
  }
}

/** A store's own native options with the configured ones on top (those win). */
export function withConfiguredOptions(own: NativeOpenOptions | undefined, configured: RocksDBOptions | undefined): NativeOpenOptions | undefined {
  if (!configured) return own
  return {
    ...own,
    writeBufferSize: configured.writeBufferSize,
    maxWriteBufferNumber: configured.maxWriteBufferNumber,
    blockCache: configured.blockCache,
    blockSize: configured.blockSize,
    bloomFilterBitsPerKey: configured.bloomFilterBitsPerKey,
    maxOpenFiles: configured.maxOpenFiles,
  }
}
