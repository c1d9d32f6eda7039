// Typed access to the `rocksdb` package's native binding. The package's abstract-leveldown
// façade costs a nextTick per iterated entry and re-validates every batch operation; the
// binding underneath already returns iterator entries in chunks and builds write batches
// natively, so the store layer talks to it directly.
import { createRequire } from 'node:module'

export type DbContext = { readonly __brand: 'rocksdb.db' }
export type IteratorContext = { readonly __brand: 'rocksdb.iterator' }
export type BatchContext = { readonly __brand: 'rocksdb.batch' }

type Callback<T = void> = (err: Error | null | undefined, result?: T) => void

export interface NativeOpenOptions {
  createIfMissing?: boolean
  errorIfExists?: boolean
  compression?: boolean
  readOnly?: boolean
  infoLogLevel?: 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'header'
  cacheSize?: number
  writeBufferSize?: number
  blockSize?: number
  maxOpenFiles?: number
  maxFileSize?: number
}

export interface NativeRangeOptions {
  gt?: Buffer
  gte?: Buffer
  lt?: Buffer
  lte?: Buffer
  reverse?: boolean
  limit?: number
  keys?: boolean
  values?: boolean
  fillCache?: boolean
  /** bytes the native side reads ahead per chunk (it also stops at 1000 entries) */
  highWaterMark?: number
}

export interface RocksBinding {
  db_init(): DbContext
  db_open(db: DbContext, location: string, options: NativeOpenOptions, cb: Callback): void
  db_close(db: DbContext, cb: Callback): void
  db_get(db: DbContext, key: Buffer, options: { fillCache?: boolean; asBuffer?: boolean }, cb: Callback<Buffer>): void
  db_get_many(db: DbContext, keys: Buffer[], options: { fillCache?: boolean; asBuffer?: boolean }, cb: Callback<(Buffer | undefined)[]>): void
  db_get_property(db: DbContext, property: string): string
  db_approximate_size(db: DbContext, start: Buffer, end: Buffer, cb: Callback<number>): void
  db_compact_range(db: DbContext, start: Buffer, end: Buffer, cb: Callback): void
  iterator_init(db: DbContext, options: NativeRangeOptions): IteratorContext
  /** entries come newest-last as [..., value2, key2, value1, key1] so that pop() yields key then value */
  iterator_next(it: IteratorContext, cb: (err: Error | null, entries: Buffer[], finished: boolean) => void): void
  iterator_end(it: IteratorContext, cb: Callback): void
  batch_init(db: DbContext): BatchContext
  batch_put(batch: BatchContext, key: Buffer, value: Buffer): void
  batch_del(batch: BatchContext, key: Buffer): void
  batch_clear(batch: BatchContext): void
  batch_write(batch: BatchContext, options: { sync?: boolean }, cb: Callback): void
}

const require = createRequire(import.meta.url)
export const binding: RocksBinding = require('rocksdb/binding.js') as RocksBinding

/** Adapts one callback-style native call to a promise; `fn` receives the node-style callback. */
export function call<T = void>(fn: (cb: Callback<T>) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    fn((err, result) => (err ? reject(err) : resolve(result as T)))
  })
}
