// One open RocksDB instance: promise-returning get / write batch / chunked iteration over the
// native binding. Knows nothing about stores; RocksTable adds pending writes on top.
import { binding, call, type BatchContext, type DbContext, type IteratorContext, type NativeOpenOptions, type NativeRangeOptions } from './native.js'

export type { NativeOpenOptions, NativeRangeOptions }

/** Defaults sized for many small per-task stores: RocksDB's own defaults assume one big DB. */
export const DEFAULT_OPEN_OPTIONS: NativeOpenOptions = {
  cacheSize: 8 << 20,
  writeBufferSize: 8 << 20,
  maxFileSize: 16 << 20,
  compression: true,
}

/** Native read-ahead per iterator chunk; the binding also caps a chunk at 1000 entries. */
const ITERATOR_HIGH_WATER_MARK = 256 * 1024

const ZERO_BYTE = Buffer.from([0])

/**
 * The binding reads any property that exists, and an `undefined` one yields garbage (a boolean
 * read as true, a number as random): pass only the options that are set.
 */
function definedOnly<T extends object>(options: T): T {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(options)) if (v !== undefined) out[k] = v
  return out as T
}

export class RocksDatabase {
  private closed = false

  private constructor(readonly path: string, private readonly ctx: DbContext) {}

  /** Opens (or creates, per options) the database at `path`; rejects with RocksDB's own message. */
  static async open(path: string, options: NativeOpenOptions = {}): Promise<RocksDatabase> {
    const ctx = binding.db_init()
    await call((cb) => binding.db_open(ctx, path, definedOnly({ ...DEFAULT_OPEN_OPTIONS, ...options }), cb))
    return new RocksDatabase(path, ctx)
  }

  isOpen(): boolean {
    return !this.closed
  }

  get(key: Buffer): Promise<Buffer | null> {
    this.checkOpen()
    return new Promise((resolve, reject) => {
      binding.db_get(this.ctx, key, { fillCache: true }, (err, value) => {
        if (!err) resolve(value as Buffer)
        else if (err.message.startsWith('NotFound')) resolve(null)
        else reject(err)
      })
    })
  }

  /** Values in the order of `keys`; null where absent. One native call for all of them. */
  getMany(keys: Buffer[]): Promise<(Buffer | null)[]> {
    this.checkOpen()
    return new Promise((resolve, reject) => {
      binding.db_get_many(this.ctx, keys, { fillCache: true }, (err, values) => {
        if (err) return reject(err)
        const out = values as (Buffer | undefined)[]
        resolve(out.map((v) => v ?? null))
      })
    })
  }

  /** A native write batch; nothing reaches the database until `write()`. */
  batch(): WriteBatch {
    this.checkOpen()
    return new WriteBatch(binding.batch_init(this.ctx))
  }

  /** A native iterator positioned by `options`; close it with `end()` (or close the database). */
  iterator(options: NativeRangeOptions): ChunkIterator {
    this.checkOpen()
    const native = definedOnly({ highWaterMark: ITERATOR_HIGH_WATER_MARK, ...options })
    // the binding ignores an empty bound; an empty upper bound must still exclude everything else
    if (native.lt?.length === 0) native.limit = 0
    else if (native.lte?.length === 0) {
      delete native.lte
      native.lt = ZERO_BYTE
    }
    const ctx = binding.iterator_init(this.ctx, native)
    return new ChunkIterator(ctx, this)
  }

  property(name: string): string {
    this.checkOpen()
    return binding.db_get_property(this.ctx, name)
  }

  /** RocksDB's estimate of live keys (exact for fresh data, approximate after overwrites). */
  estimateNumKeys(): number {
    const n = Number(this.property('rocksdb.estimate-num-keys'))
    return Number.isFinite(n) ? n : 0
  }

  compactRange(start: Buffer, end: Buffer): Promise<void> {
    this.checkOpen()
    return call((cb) => binding.db_compact_range(this.ctx, start, end, cb))
  }

  /** Ends open iterators, releases the LOCK file. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await call((cb) => binding.db_close(this.ctx, cb))
  }

  private checkOpen(): void {
    if (this.closed) throw new Error(`RocksDB at ${this.path} is closed`)
  }
}

export class WriteBatch {
  private count = 0
  constructor(private readonly ctx: BatchContext) {}

  put(key: Buffer, value: Buffer): void {
    binding.batch_put(this.ctx, key, value)
    this.count++
  }

  del(key: Buffer): void {
    binding.batch_del(this.ctx, key)
    this.count++
  }

  get size(): number {
    return this.count
  }

  /** Applies every operation atomically (RocksDB write batch through the WAL). */
  write(): Promise<void> {
    return call((cb) => binding.batch_write(this.ctx, {}, cb))
  }
}

/** Reads a range in native chunks: one native call per up to 1000 entries, not per entry. */
export class ChunkIterator {
  private ended = false
  private finished = false

  constructor(private readonly ctx: IteratorContext, private readonly db: RocksDatabase) {}

  /**
   * Next chunk, as the binding lays it out: [..., value2, key2, value1, key1] (read it from the
   * end). An empty array means the range is exhausted.
   */
  nextChunk(): Promise<Buffer[]> {
    if (this.ended || this.finished) return Promise.resolve([])
    if (!this.db.isOpen()) return Promise.reject(new Error(`RocksDB at ${this.db.path} was closed during iteration`))
    return new Promise((resolve, reject) => {
      binding.iterator_next(this.ctx, (err, entries, finished) => {
        if (err) return reject(err)
        this.finished = finished
        resolve(entries)
      })
    })
  }

  get exhausted(): boolean {
    return this.finished
  }

  end(): Promise<void> {
    if (this.ended) return Promise.resolve()
    this.ended = true
    // closing the database already ended every native iterator (and would never call back)
    if (!this.db.isOpen()) return Promise.resolve()
    return call((cb) => binding.iterator_end(this.ctx, cb)).catch(() => undefined)
  }
}
