// One open RocksDB instance: promise-returning get / write batch / chunked iteration over
// whichever binding the engine loader picked. Knows nothing about stores; RocksTable adds
// pending writes on top.
import type { MaybePromise } from '../maybe-promise.js'
import type { EngineBatch, EngineDb, EngineIterator, EngineRange, NativeOpenOptions } from './engine.js'
import { rocksEngine } from './load-engine.js'

export type { NativeOpenOptions }
export type NativeRangeOptions = EngineRange

const ZERO_BYTE = Buffer.from([0])
const NO_ENTRIES: EngineIterator = { nextChunk: () => Promise.resolve([]), exhausted: true, end: () => Promise.resolve() }

export class RocksDatabase {
  private closed = false

  private constructor(readonly path: string, private readonly db: EngineDb) {}

  /**
   * Opens (or creates, per options) the database at `path`, loading the native binding on the
   * first call; rejects with the binding's own error (see the engine's classifyOpenError).
   */
  static async open(path: string, options: NativeOpenOptions = {}): Promise<RocksDatabase> {
    return new RocksDatabase(path, await rocksEngine().open(path, options))
  }

  isOpen(): boolean {
    return !this.closed
  }

  get(key: Buffer): Promise<Buffer | null> {
    this.checkOpen()
    return this.db.get(key)
  }

  /** Values in the order of `keys`; null where absent. One native call for all of them. */
  getMany(keys: Buffer[]): Promise<(Buffer | null)[]> {
    this.checkOpen()
    return this.db.getMany(keys)
  }

  /** A native write batch; nothing reaches the database until `write()`. */
  batch(): WriteBatch {
    this.checkOpen()
    return new WriteBatch(this.db.batch())
  }

  /** A native iterator positioned by `options`; close it with `end()` (or close the database). */
  iterator(options: EngineRange): ChunkIterator {
    this.checkOpen()
    const range: EngineRange = {}
    for (const [k, v] of Object.entries(options)) if (v !== undefined) (range as Record<string, unknown>)[k] = v
    // both bindings read an empty bound as "unbounded"; an empty upper bound must exclude all
    if (range.lt?.length === 0) return new ChunkIterator(NO_ENTRIES, this)
    if (range.lte?.length === 0) {
      delete range.lte
      range.lt = ZERO_BYTE
    }
    if (range.gte?.length === 0) delete range.gte
    return new ChunkIterator(this.db.iterator(range), this)
  }

  property(name: string): MaybePromise<string> {
    this.checkOpen()
    return this.db.property(name)
  }

  /** RocksDB's estimate of live keys (exact for fresh data, approximate after overwrites). */
  estimateNumKeys(): MaybePromise<number> {
    const toNumber = (s: string) => (Number.isFinite(Number(s)) ? Number(s) : 0)
    const p = this.property('rocksdb.estimate-num-keys')
    return typeof p === 'string' ? toNumber(p) : p.then(toNumber)
  }

  compactRange(start: Buffer, end: Buffer): Promise<void> {
    this.checkOpen()
    return this.db.compactRange(start, end)
  }

  /** Ends open iterators, releases the LOCK file. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.db.close()
  }

  private checkOpen(): void {
    if (this.closed) throw new Error(`RocksDB at ${this.path} is closed`)
  }
}

export class WriteBatch {
  private count = 0
  constructor(private readonly native: EngineBatch) {}

  put(key: Buffer, value: Buffer): void {
    this.native.put(key, value)
    this.count++
  }

  del(key: Buffer): void {
    this.native.del(key)
    this.count++
  }

  get size(): number {
    return this.count
  }

  /** Applies every operation atomically (RocksDB write batch through the WAL). */
  write(): Promise<void> {
    return this.native.write()
  }
}

/** Reads a range in native chunks: one native call per many entries, not per entry. */
export class ChunkIterator {
  constructor(private readonly native: EngineIterator, private readonly db: RocksDatabase) {}

  /**
   * Next chunk, laid out [..., value2, key2, value1, key1] (read it from the end). An empty
   * array means the range is exhausted.
   */
  nextChunk(): Promise<Buffer[]> {
    if (this.native.exhausted) return this.native.nextChunk()
    if (!this.db.isOpen()) return Promise.reject(new Error(`RocksDB at ${this.db.path} was closed during iteration`))
    return this.native.nextChunk()
  }

  get exhausted(): boolean {
    return this.native.exhausted
  }

  end(): Promise<void> {
    return this.native.end()
  }
}
