// The `rocksdb-native` package (Holepunch): prebuilt for linux x64/arm64, macOS and Windows.
// Its handles hold the database open (close waits for every batch and iterator), so batches
// destroy themselves once written and close() first destroys the iterators still open.
import type { EngineBatch, EngineDb, EngineIterator, EngineRange, NativeOpenOptions, RocksEngine } from './engine.js'
import { classifyOpenMessage, type StoreOpenFailure } from './open-errors.js'

/** The subset of rocksdb-native's JavaScript API used here (the package ships no types). */
interface NativeReadBatch {
  get(key: Buffer): Promise<Buffer | null>
  tryFlush(): void
}
interface NativeWriteBatch {
  tryPut(key: Buffer, value: Buffer): void
  tryDelete(key: Buffer): void
  flush(): Promise<void>
}
interface NativeIterator {
  read(): { key: Buffer; value: Buffer } | null
  destroy(err?: Error): void
  readonly destroyed: boolean
  on(event: 'readable' | 'end' | 'close', fn: () => void): void
  on(event: 'error', fn: (err: Error) => void): void
}
interface NativeDatabase {
  ready(): Promise<void>
  close(): Promise<void>
  read(opts: { capacity: number; autoDestroy: boolean }): NativeReadBatch
  write(opts: { capacity?: number; autoDestroy: boolean }): NativeWriteBatch
  iterator(range: EngineRange & { capacity: number }): NativeIterator
  getProperty(name: string): Promise<string>
  compactRange(start: Buffer, end: Buffer): Promise<void>
}
export type NativeDatabaseConstructor = (new (path: string, options: Record<string, unknown>) => NativeDatabase) & {
  /** the binding's Bloom filter policy class (exported beside the database class) */
  BloomFilterPolicy?: new (bitsPerKey: number) => unknown
}

/** Entries per native iterator read (the `rocksdb` binding's chunk is up to 1000 too). */
const ITERATOR_CAPACITY = 1000

/** Defaults sized for many small per-task stores (the binding's own memtable default is 64 MiB). */
const DEFAULT_WRITE_BUFFER_SIZE = 8 << 20

export class NativeEngine implements RocksEngine {
  readonly packageName = 'rocksdb-native'
  constructor(private readonly RocksDB: NativeDatabaseConstructor) {}

  async open(path: string, options: NativeOpenOptions): Promise<EngineDb> {
    const opts: Record<string, unknown> = { writeBufferSize: options.writeBufferSize ?? DEFAULT_WRITE_BUFFER_SIZE }
    if (options.createIfMissing !== undefined) opts.createIfMissing = options.createIfMissing
    if (options.readOnly !== undefined) opts.readOnly = options.readOnly
    if (options.maxOpenFiles !== undefined) opts.maxOpenFiles = options.maxOpenFiles
    if (options.blockSize !== undefined) opts.tableBlockSize = options.blockSize
    if (options.maxWriteBufferNumber !== undefined) opts.maxWriteBufferNumber = options.maxWriteBufferNumber
    if (options.blockCache === false) {
      opts.blockCache = false
      // RocksDB refuses to cache index and filter blocks without a block cache
      opts.tableCacheIndexAndFilterBlocks = false
    }
    if (options.bloomFilterBitsPerKey === null) opts.filterPolicy = null
    else if (options.bloomFilterBitsPerKey !== undefined && this.RocksDB.BloomFilterPolicy) opts.filterPolicy = new this.RocksDB.BloomFilterPolicy(options.bloomFilterBitsPerKey)
    const db = new this.RocksDB(path, opts)
    await db.ready()
    return new NativeDb(db)
  }

  /**
   * The binding maps RocksDB's status to a libuv code (a missing CURRENT is EINVAL) but reports
   * corruption, lock conflicts and disk failures all as EIO: past the code, only RocksDB's
   * status text tells them apart.
   */
  classifyOpenError(err: Error): StoreOpenFailure {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'EINVAL') return 'corrupt'
    // a compression this build lacks: files of another RocksDB build
    if (code === 'ENOSYS') return 'incompatible'
    if (code === 'EIO') return classifyOpenMessage(err.message)
    return 'io'
  }
}

class NativeDb implements EngineDb {
  private readonly iterators = new Set<NativeIterator>()
  constructor(private readonly db: NativeDatabase) {}

  get(key: Buffer): Promise<Buffer | null> {
    const r = this.db.read({ capacity: 1, autoDestroy: true })
    const value = r.get(key)
    r.tryFlush()
    return value
  }

  getMany(keys: Buffer[]): Promise<(Buffer | null)[]> {
    if (keys.length === 0) return Promise.resolve([])
    const r = this.db.read({ capacity: keys.length, autoDestroy: true })
    const values = keys.map((k) => r.get(k))
    r.tryFlush()
    return Promise.all(values)
  }

  batch(): EngineBatch {
    // made on the first operation: an open native batch holds the database open until written
    let w: NativeWriteBatch | null = null
    const native = () => (w ??= this.db.write({ autoDestroy: true }))
    return {
      put: (key, value) => native().tryPut(key, value),
      del: (key) => native().tryDelete(key),
      write: () => (w === null ? Promise.resolve() : w.flush()),
    }
  }

  iterator(range: EngineRange): EngineIterator {
    const it = this.db.iterator({ ...range, capacity: ITERATOR_CAPACITY })
    this.iterators.add(it)
    it.on('close', () => this.iterators.delete(it))
    return new NativeChunkIterator(it)
  }

  property(name: string): Promise<string> {
    return this.db.getProperty(name)
  }

  compactRange(start: Buffer, end: Buffer): Promise<void> {
    return this.db.compactRange(start, end)
  }

  async close(): Promise<void> {
    // an abandoned scan's iterator would otherwise hold close() forever
    for (const it of this.iterators) it.destroy()
    await this.db.close()
  }
}

/** Drains the binding's object stream a native read at a time into one chunk. */
class NativeChunkIterator implements EngineIterator {
  private ended = false
  private failure: Error | null = null
  private wake: (() => void) | null = null

  constructor(private readonly it: NativeIterator) {
    const signal = () => {
      const w = this.wake
      this.wake = null
      w?.()
    }
    it.on('readable', signal)
    it.on('end', () => {
      this.ended = true
      signal()
    })
    it.on('close', () => {
      this.ended = true
      signal()
    })
    it.on('error', (err) => {
      this.failure = err
      signal()
    })
  }

  get exhausted(): boolean {
    return this.ended
  }

  async nextChunk(): Promise<Buffer[]> {
    for (;;) {
      const entries: { key: Buffer; value: Buffer }[] = []
      for (let e = this.it.read(); e !== null; e = this.it.read()) entries.push(e)
      if (entries.length > 0) return layout(entries)
      if (this.failure !== null) throw this.failure
      if (this.ended || this.it.destroyed) return []
      await new Promise<void>((resolve) => (this.wake = resolve))
    }
  }

  end(): Promise<void> {
    this.ended = true
    if (!this.it.destroyed) this.it.destroy()
    return Promise.resolve()
  }
}

/** [..., value2, key2, value1, key1]: the layout RangeIterator reads from the end. */
function layout(entries: { key: Buffer; value: Buffer }[]): Buffer[] {
  const n = entries.length
  const out = new Array<Buffer>(2 * n)
  for (let i = 0; i < n; i++) {
    out[2 * n - 1 - 2 * i] = entries[i].key
    out[2 * n - 2 - 2 * i] = entries[i].value
  }
  return out
}
