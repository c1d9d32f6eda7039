// The `rocksdb` package (leveldown's RocksDB build), through its native binding directly: the
// abstract-leveldown façade costs a nextTick per iterated entry and re-validates every batch
// operation, while the binding already returns iterator entries in chunks and builds write
// batches natively.
import type { EngineBatch, EngineDb, EngineIterator, EngineRange, NativeOpenOptions, RocksEngine } from './engine.js'
import { classifyOpenMessage, type OpenFailure } from './open-errors.js'

type DbContext = { readonly __brand: 'rocksdb.db' }
type IteratorContext = { readonly __brand: 'rocksdb.iterator' }
type BatchContext = { readonly __brand: 'rocksdb.batch' }

type Callback<T = void> = (err: Error | null | undefined, result?: T) => void

interface BindingRangeOptions extends EngineRange {
  limit?: number
  fillCache?: boolean
  /** bytes the native side reads ahead per chunk (it also stops at 1000 entries) */
  highWaterMark?: number
}

export interface LeveldownBinding {
  db_init(): DbContext
  db_open(db: DbContext, location: string, options: NativeOpenOptions, cb: Callback): void
  db_close(db: DbContext, cb: Callback): void
  db_get(db: DbContext, key: Buffer, options: { fillCache?: boolean; asBuffer?: boolean }, cb: Callback<Buffer>): void
  db_get_many(db: DbContext, keys: Buffer[], options: { fillCache?: boolean; asBuffer?: boolean }, cb: Callback<(Buffer | undefined)[]>): void
  db_get_property(db: DbContext, property: string): string
  db_compact_range(db: DbContext, start: Buffer, end: Buffer, cb: Callback): void
  iterator_init(db: DbContext, options: BindingRangeOptions): IteratorContext
  /** entries come newest-last as [..., value2, key2, value1, key1] so that pop() yields key then value */
  iterator_next(it: IteratorContext, cb: (err: Error | null, entries: Buffer[], finished: boolean) => void): void
  iterator_end(it: IteratorContext, cb: Callback): void
  batch_init(db: DbContext): BatchContext
  batch_put(batch: BatchContext, key: Buffer, value: Buffer): void
  batch_del(batch: BatchContext, key: Buffer): void
  batch_write(batch: BatchContext, options: { sync?: boolean }, cb: Callback): void
}

/** Defaults sized for many small per-task stores: RocksDB's own defaults assume one big DB. */
const DEFAULT_OPEN_OPTIONS: NativeOpenOptions = {
  cacheSize: 8 << 20,
  writeBufferSize: 8 << 20,
  maxFileSize: 16 << 20,
  compression: true,
}

/** Native read-ahead per iterator chunk; the binding also caps a chunk at 1000 entries. */
const ITERATOR_HIGH_WATER_MARK = 256 * 1024

function call<T = void>(fn: (cb: Callback<T>) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    fn((err, result) => (err ? reject(err) : resolve(result as T)))
  })
}

/**
 * The binding reads any property that exists, and an `undefined` one yields garbage (a boolean
 * read as true, a number as random): pass only the options that are set.
 */
function definedOnly<T extends object>(options: T): T {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(options)) if (v !== undefined) out[k] = v
  return out as T
}

export class LeveldownEngine implements RocksEngine {
  readonly packageName = 'rocksdb'
  constructor(private readonly binding: LeveldownBinding) {}

  async open(path: string, options: NativeOpenOptions): Promise<EngineDb> {
    const b = this.binding
    const ctx = b.db_init()
    await call((cb) => b.db_open(ctx, path, definedOnly({ ...DEFAULT_OPEN_OPTIONS, ...options }), cb))
    return new LeveldownDb(b, ctx)
  }

  /** this binding gives no codes: RocksDB's status text ("Corruption: …", "IO error: …") is all there is */
  classifyOpenError(err: Error): OpenFailure {
    return classifyOpenMessage(err.message)
  }
}

class LeveldownDb implements EngineDb {
  private open = true
  constructor(private readonly b: LeveldownBinding, private readonly ctx: DbContext) {}

  get(key: Buffer): Promise<Buffer | null> {
    return new Promise((resolve, reject) => {
      this.b.db_get(this.ctx, key, { fillCache: true }, (err, value) => {
        if (!err) resolve(value as Buffer)
        // the binding reports an absent key as an error whose status text is NotFound
        else if (err.message.startsWith('NotFound')) resolve(null)
        else reject(err)
      })
    })
  }

  getMany(keys: Buffer[]): Promise<(Buffer | null)[]> {
    return new Promise((resolve, reject) => {
      this.b.db_get_many(this.ctx, keys, { fillCache: true }, (err, values) => {
        if (err) return reject(err)
        resolve((values as (Buffer | undefined)[]).map((v) => v ?? null))
      })
    })
  }

  batch(): EngineBatch {
    const b = this.b
    const ctx = b.batch_init(this.ctx)
    return {
      put: (key, value) => b.batch_put(ctx, key, value),
      del: (key) => b.batch_del(ctx, key),
      write: () => call((cb) => b.batch_write(ctx, {}, cb)),
    }
  }

  iterator(range: EngineRange): EngineIterator {
    const ctx = this.b.iterator_init(this.ctx, definedOnly({ highWaterMark: ITERATOR_HIGH_WATER_MARK, ...range }))
    return new LeveldownIterator(this.b, ctx, () => this.open)
  }

  property(name: string): string {
    return this.b.db_get_property(this.ctx, name)
  }

  compactRange(start: Buffer, end: Buffer): Promise<void> {
    return call((cb) => this.b.db_compact_range(this.ctx, start, end, cb))
  }

  close(): Promise<void> {
    this.open = false
    return call((cb) => this.b.db_close(this.ctx, cb))
  }
}

/** One native call per up to 1000 entries, not per entry. */
class LeveldownIterator implements EngineIterator {
  private ended = false
  private finished = false

  constructor(private readonly b: LeveldownBinding, private readonly ctx: IteratorContext, private readonly dbOpen: () => boolean) {}

  nextChunk(): Promise<Buffer[]> {
    if (this.ended || this.finished) return Promise.resolve([])
    return new Promise((resolve, reject) => {
      this.b.iterator_next(this.ctx, (err, entries, finished) => {
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
    if (!this.dbOpen()) return Promise.resolve()
    return call((cb) => this.b.iterator_end(this.ctx, cb)).catch(() => undefined)
  }
}
