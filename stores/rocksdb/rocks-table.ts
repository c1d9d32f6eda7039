// A RocksDB database plus the writes not yet flushed to it. Writes accumulate in memory and
// reach RocksDB as one atomic write batch on flush(); reads and scans see them meanwhile
// (read-your-writes). Keys are raw bytes ordered byte-wise.
//
// Memory stays bounded between commits: once the unflushed writes pass `maxPendingBytes` they
// are written early, as a batch of their own. That is safe because nothing relies on a commit's
// writes landing together: at_least_once replays the changelog from the checkpoint, and
// exactly_once wipes a store that was not closed cleanly (Kafka Streams writes every put
// straight to RocksDB for the same reason).
import type { RocksDatabase } from './rocks-database.js'
import { KeyFilter } from './key-filter.js'
import { mapMaybe, type MaybePromise } from '../maybe-promise.js'

export interface BytesEntry {
  key: Buffer
  value: Buffer
}

interface PendingWrite {
  key: Buffer
  value: Buffer | null // null: delete
}

export interface RangeBounds {
  gte?: Buffer
  lte?: Buffer
  lt?: Buffer
  reverse?: boolean
}

/** Default bound on unflushed writes: keys + values + a per-entry estimate of the map's overhead. */
export const DEFAULT_MAX_PENDING_BYTES = 8 << 20
const ENTRY_OVERHEAD = 128

/** latin1 maps each byte to one UTF-16 unit, so these strings sort exactly as the bytes do. */
const keyString = (key: Buffer): string => key.toString('latin1')

export class RocksTable {
  private pending = new Map<string, PendingWrite>()
  private flushing: Map<string, PendingWrite> | null = null
  private flushDone: Promise<void> | null = null
  private sortedKeys: string[] | null = null
  private pendingBytes = 0
  private backgroundFailure: Error | null = null
  /** the last restore batch, still being written */
  private directWrite: Promise<void> | null = null

  /** set only for a database that started empty: then every key it holds passed through here */
  private readonly filter: KeyFilter | null

  constructor(
    readonly db: RocksDatabase,
    private readonly maxPendingBytes = DEFAULT_MAX_PENDING_BYTES,
    opts: { startedEmpty?: boolean } = {},
  ) {
    this.filter = opts.startedEmpty ? new KeyFilter() : null
  }

  get unflushedCount(): number {
    return this.pending.size + (this.flushing?.size ?? 0)
  }

  /** Synchronous when the key has an unflushed write. */
  get(key: Buffer): Buffer | null | Promise<Buffer | null> {
    const settling = this.settle()
    if (settling !== null) return settling.then(() => this.get(key))
    if (this.pending.size !== 0 || this.flushing !== null) {
      const s = keyString(key)
      const hit = this.pending.get(s) ?? this.flushing?.get(s)
      if (hit !== undefined) return hit.value
    }
    if (this.filter !== null && !this.filter.mightContain(key)) return null
    return this.db.get(key)
  }

  put(key: Buffer, value: Buffer | null): void {
    if (value !== null) this.filter?.add(key)
    const s = keyString(key)
    const hit = this.pending.get(s)
    if (hit !== undefined) {
      hit.value = value
      return
    }
    this.pending.set(s, { key, value })
    if (this.sortedKeys !== null && !this.flushing?.has(s)) this.sortedKeys = null
    this.pendingBytes += key.length + (value === null ? 0 : value.length) + ENTRY_OVERHEAD
    if (this.pendingBytes >= this.maxPendingBytes && this.flushDone === null) this.flushEarly()
  }

  /** Writes the pending writes in the background; a failure surfaces on the next flush(). */
  private flushEarly(): void {
    this.flush().catch((e: Error) => {
      this.backgroundFailure ??= e
    })
  }

  /** Writes every pending write as one RocksDB write batch; a failed write keeps them pending. */
  async flush(): Promise<void> {
    await this.settle()
    while (this.flushDone !== null) await this.flushDone
    if (this.backgroundFailure !== null) {
      const e = this.backgroundFailure
      this.backgroundFailure = null
      throw e
    }
    if (this.pending.size === 0) return
    const batch = this.db.batch()
    for (const w of this.pending.values()) {
      if (w.value === null) batch.del(w.key)
      else batch.put(w.key, w.value)
    }
    const flushing = this.pending
    this.flushing = flushing
    this.pending = new Map()
    this.pendingBytes = 0
    const done = batch.write()
    this.flushDone = done.then(() => undefined, () => undefined)
    try {
      await done
    } catch (e) {
      for (const [s, w] of flushing) {
        if (this.pending.has(s)) continue
        this.pending.set(s, w)
        this.pendingBytes += w.key.length + (w.value?.length ?? 0) + ENTRY_OVERHEAD
      }
      throw e
    } finally {
      this.flushing = null
      this.flushDone = null
      this.sortedKeys = null
    }
  }

  /**
   * Writes entries straight to RocksDB as one batch, bypassing the pending writes (restore).
   * A pending write to the same key is superseded. Resolves once the *previous* batch is on
   * disk, leaving this one in flight, so the caller fetches its next batch while RocksDB
   * writes; reads, scans, flush and close wait for it (and surface its failure).
   */
  async writeBatch(entries: Iterable<{ key: Buffer; value: Buffer | null }>): Promise<number> {
    const batch = this.db.batch()
    const checkPending = this.pending.size !== 0
    for (const e of entries) {
      if (checkPending && this.pending.delete(keyString(e.key))) this.sortedKeys = null // its bytes stay counted until the next flush
      if (e.value === null) batch.del(e.key)
      else {
        batch.put(e.key, e.value)
        this.filter?.add(e.key)
      }
    }
    if (batch.size === 0) return 0
    const previous = this.directWrite
    const mine: Promise<void> = previous === null ? batch.write() : previous.then(() => batch.write())
    this.directWrite = mine
    mine.then(
      () => {
        if (this.directWrite === mine) this.directWrite = null
      },
      () => undefined, // surfaces through settle()
    )
    if (previous !== null) await previous
    return batch.size
  }

  /** Waits for the direct (restore) write in flight, if any; rethrows its failure. */
  settle(): Promise<void> | null {
    const w = this.directWrite
    if (w === null) return null
    return w.then(() => undefined, (e) => {
      if (this.directWrite === w) this.directWrite = null
      throw e
    })
  }

  /** Closes the database once a direct write in flight is done; unflushed writes are dropped. */
  async close(): Promise<void> {
    await this.settle()?.catch(() => undefined)
    await this.db.close()
  }

  /** RocksDB's key estimate plus unflushed inserts (approximate, as Kafka Streams'). */
  approximateNumEntries(): MaybePromise<number> {
    const pending = this.pending.size
    return mapMaybe(this.db.estimateNumKeys(), (n) => n + pending)
  }

  /** Entries within bounds, merged with unflushed writes; the native iterator opens on first next(). */
  range(bounds: RangeBounds): RangeIterator {
    return new RangeIterator(this, bounds)
  }

  /** Unflushed writes within bounds, sorted in scan order, copied so later writes do not show. */
  pendingSnapshot(bounds: RangeBounds): PendingWrite[] {
    if (this.pending.size === 0 && this.flushing === null) return []
    const keys = (this.sortedKeys ??= this.collectSortedKeys())
    const lo = bounds.gte === undefined ? 0 : lowerBound(keys, keyString(bounds.gte))
    let hi = keys.length
    if (bounds.lt !== undefined) hi = lowerBound(keys, keyString(bounds.lt))
    if (bounds.lte !== undefined) hi = Math.min(hi, upperBound(keys, keyString(bounds.lte)))
    const out: PendingWrite[] = []
    for (let i = lo; i < hi; i++) {
      const w = this.pending.get(keys[i]) ?? this.flushing?.get(keys[i])
      if (w !== undefined) out.push({ key: w.key, value: w.value })
    }
    if (bounds.reverse) out.reverse()
    return out
  }

  private collectSortedKeys(): string[] {
    const keys = [...this.pending.keys()]
    if (this.flushing !== null) for (const k of this.flushing.keys()) if (!this.pending.has(k)) keys.push(k)
    return keys.sort()
  }
}

function lowerBound(keys: string[], k: string): number {
  let lo = 0
  let hi = keys.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (keys[mid] < k) lo = mid + 1
    else hi = mid
  }
  return lo
}

function upperBound(keys: string[], k: string): number {
  let lo = 0
  let hi = keys.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (keys[mid] <= k) lo = mid + 1
    else hi = mid
  }
  return lo
}

const DONE: IteratorResult<BytesEntry> = Object.freeze({ done: true, value: undefined })

/**
 * Merges a native RocksDB iterator (read in chunks of up to 1000 entries) with a snapshot of
 * the unflushed writes; the unflushed write wins on equal keys, deletes hide keys. Closes the
 * native iterator when exhausted or when a `for await` loop exits early (`return()`).
 */
export class RangeIterator implements AsyncIterableIterator<BytesEntry> {
  private started = false
  private finished = false
  private native: ReturnType<RocksDatabase['iterator']> | null = null
  private prefetched: Promise<Buffer[]> | null = null
  private chunk: Buffer[] = []
  private pos = 0 // entries are read from the chunk's end: key at pos-1, value at pos-2
  private dbDone = false
  private dbKey: Buffer | null | undefined = undefined // undefined: not read yet; null: exhausted
  private dbValue: Buffer | null = null
  private pend: PendingWrite[] = []
  private pIdx = 0
  private readonly dir: number

  constructor(private readonly table: RocksTable, private readonly bounds: RangeBounds) {
    this.dir = bounds.reverse ? -1 : 1
  }

  [Symbol.asyncIterator](): this {
    return this
  }

  next(): Promise<IteratorResult<BytesEntry>> {
    if (this.finished) return Promise.resolve(DONE)
    if (!this.started) {
      const settling = this.table.settle()
      if (settling !== null) return settling.then(() => this.next(), (e) => this.fail(e))
      try {
        this.start()
      } catch (e) {
        this.finished = true
        return Promise.reject(e)
      }
    }
    for (;;) {
      if (this.dbKey === undefined) {
        if (this.pos >= 2) {
          this.dbKey = this.chunk[this.pos - 1]
          this.dbValue = this.chunk[this.pos - 2]
          this.pos -= 2
        } else if (!this.dbDone) {
          return this.fill().then(() => this.next(), (e) => this.fail(e))
        } else {
          this.dbKey = null
        }
      }
      const p = this.pIdx < this.pend.length ? this.pend[this.pIdx] : undefined
      const dbKey = this.dbKey
      if (dbKey === null && p === undefined) {
        this.close()
        return Promise.resolve(DONE)
      }
      const c = dbKey === null ? 1 : p === undefined ? -1 : Buffer.compare(dbKey, p.key) * this.dir
      if (c < 0) {
        this.dbKey = undefined
        return Promise.resolve({ done: false, value: { key: dbKey as Buffer, value: this.dbValue as Buffer } })
      }
      this.pIdx++
      if (c === 0) this.dbKey = undefined
      if (p!.value !== null) return Promise.resolve({ done: false, value: { key: p!.key, value: p!.value } })
    }
  }

  return(): Promise<IteratorResult<BytesEntry>> {
    this.close()
    return Promise.resolve(DONE)
  }

  private start(): void {
    this.started = true
    this.pend = this.table.pendingSnapshot(this.bounds)
    const { gte, lte, lt, reverse } = this.bounds
    this.native = this.table.db.iterator({ gte, lte, lt, reverse })
  }

  private async fill(): Promise<void> {
    const native = this.native!
    const chunk = await (this.prefetched ?? native.nextChunk())
    this.prefetched = null
    this.chunk = chunk
    this.pos = chunk.length
    if (chunk.length === 0) this.dbDone = true
    else if (!native.exhausted) {
      // read the next chunk on the thread pool while the caller consumes this one
      this.prefetched = native.nextChunk()
      this.prefetched.catch(() => undefined) // surfaces when awaited; ignored if the scan is abandoned
    }
  }

  private fail(e: unknown): never {
    this.close()
    throw e
  }

  private close(): void {
    if (this.finished) return
    this.finished = true
    this.chunk = []
    this.pend = []
    this.prefetched = null
    if (this.native !== null) void this.native.end()
  }
}
