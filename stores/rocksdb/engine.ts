// The few RocksDB operations the stores use, behind one interface: the binding loads when the
// first persistent store opens (not on import), and replacing it touches one file.
import type { MaybePromise } from '../maybe-promise.js'
import type { StoreOpenFailure } from './open-errors.js'

export interface NativeOpenOptions {
  createIfMissing?: boolean
  readOnly?: boolean
  /** memtable bytes per store (default 8 MiB) */
  writeBufferSize?: number
  blockSize?: number
  maxOpenFiles?: number
  maxWriteBufferNumber?: number
  /** false: no block cache (reads rely on the OS page cache) */
  blockCache?: boolean
  /** Bloom filter bits per key; null: no filter */
  bloomFilterBitsPerKey?: number | null
}

/** A range as the stores ask for it: an empty bound is a real bound, not "unbounded". */
export interface EngineRange {
  gte?: Buffer
  lte?: Buffer
  lt?: Buffer
  reverse?: boolean
}

export interface EngineBatch {
  put(key: Buffer, value: Buffer): void
  del(key: Buffer): void
  /** applies every operation atomically, through the WAL */
  write(): Promise<void>
}

export interface EngineIterator {
  /**
   * The next chunk laid out for reading from the end: [..., value2, key2, value1, key1].
   * An empty array means the range is exhausted.
   */
  nextChunk(): Promise<Buffer[]>
  /** true once the range has no entries beyond those already returned */
  readonly exhausted: boolean
  end(): Promise<void>
}

export interface EngineDb {
  /** null when absent */
  get(key: Buffer): Promise<Buffer | null>
  getMany(keys: Buffer[]): Promise<(Buffer | null)[]>
  batch(): EngineBatch
  /** bounds are non-empty here: RocksDatabase handles empty ones */
  iterator(range: EngineRange): EngineIterator
  property(name: string): MaybePromise<string>
  compactRange(start: Buffer, end: Buffer): Promise<void>
  /** releases the LOCK file; ends open iterators */
  close(): Promise<void>
}

export interface RocksEngine {
  /** npm package name, for messages */
  readonly packageName: string
  open(path: string, options: NativeOpenOptions): Promise<EngineDb>
  /** why an open failed, from this binding's error (its codes, or RocksDB's status text) */
  classifyOpenError(err: Error): StoreOpenFailure
}
