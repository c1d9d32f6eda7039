import type { RecordContext } from '../state-store.js'
import type { MaybePromise } from '../maybe-promise.js'
import type { OrderedBytesMap } from '../internals/ordered-bytes-map.js'
import { cacheEntrySize, type ThreadCache } from './thread-cache.js'

export interface CacheEntry {
  readonly key: Buffer
  /** null: a deletion not yet flushed (dirty), hiding the lower store's value. */
  value: Buffer | null
  dirty: boolean
  /** The record context of the last write; what the flush forwards. */
  context: RecordContext | null
  size: number
  removed: boolean
  prev: CacheEntry | null
  next: CacheEntry | null
  readonly owner: NamedCache
}

/** A snapshot of one dirty entry taken when its store flushes. */
export interface DirtyEntry {
  key: Buffer
  value: Buffer | null
  context: RecordContext
}

export type FlushHandler = (entries: DirtyEntry[]) => MaybePromise<void>

/** One store's part of a ThreadCache: ordered entries plus the dirty keys in first-dirty order. */
export class NamedCache {
  /** Insertion-ordered; re-dirtying a dirty entry keeps its place, as Kafka Streams. */
  private dirty = new Set<CacheEntry>()

  constructor(
    readonly name: string,
    private readonly parent: ThreadCache,
    private readonly entries: OrderedBytesMap<CacheEntry>,
    private readonly onFlush: FlushHandler,
  ) {}

  get size(): number {
    return this.entries.size
  }

  dirtyCount(): number {
    return this.dirty.size
  }

  /** Looks a key up and marks it recently used. */
  get(key: Buffer): CacheEntry | undefined {
    const entry = this.entries.get(key)
    if (entry !== undefined) this.parent.touch(entry)
    return entry
  }

  /** Looks a key up without touching recency (scans, flush bookkeeping). */
  peek(key: Buffer): CacheEntry | undefined {
    return this.entries.get(key)
  }

  /** A write: the entry becomes dirty with this context; may evict (and so flush) others. */
  put(key: Buffer, value: Buffer | null, context: RecordContext): MaybePromise<void> {
    const entry = this.upsert(key, value)
    entry.context = context
    if (!entry.dirty) {
      entry.dirty = true
      this.dirty.add(entry)
    }
    return this.parent.maybeEvict()
  }

  /** Caches a value read from below, only if room can be made without flushing. */
  putClean(key: Buffer, value: Buffer): void {
    if (this.entries.has(key)) return
    if (!this.parent.makeRoomWithoutFlush(cacheEntrySize(key, value))) return
    this.upsert(key, value)
  }

  /** Entries with from <= key <= to in byte order (null = open end). */
  range(from: Buffer | null, to: Buffer | null, reverse: boolean): IterableIterator<{ value: CacheEntry }> {
    return this.entries.range(from, to, reverse)
  }

  /** Entries whose key starts with `prefix`, ascending. */
  prefix(prefix: Buffer): IterableIterator<{ value: CacheEntry }> {
    return this.entries.prefix(prefix)
  }

  /** Forwards every dirty entry in order of first dirtiness, then drops flushed deletions. */
  flush(): MaybePromise<void> {
    if (this.dirty.size === 0) return
    const batch: DirtyEntry[] = []
    const flushed: CacheEntry[] = []
    for (const entry of this.dirty) {
      batch.push({ key: entry.key, value: entry.value, context: entry.context as RecordContext })
      flushed.push(entry)
      entry.dirty = false
    }
    // Cleared before the handler runs: forwarding may write to this cache again.
    this.dirty = new Set()
    const done = this.onFlush(batch)
    if (done instanceof Promise) return done.then(() => this.dropFlushedDeletes(flushed))
    this.dropFlushedDeletes(flushed)
  }

  /** @internal */ removeEntry(entry: CacheEntry): void {
    if (entry.removed) return
    entry.removed = true
    this.entries.delete(entry.key)
    this.parent.unlink(entry)
    this.parent.grow(-entry.size)
    this.dirty.delete(entry)
  }

  /** @internal Drops every entry (store closing); unflushed writes are lost. */
  clearEntries(): void {
    for (const { value } of this.entries.range(null, null)) {
      value.removed = true
      this.parent.unlink(value)
      this.parent.grow(-value.size)
    }
    this.entries.clear()
    this.dirty.clear()
  }

  private dropFlushedDeletes(flushed: CacheEntry[]): void {
    for (const entry of flushed) if (entry.value === null && !entry.dirty) this.removeEntry(entry)
  }

  private upsert(key: Buffer, value: Buffer | null): CacheEntry {
    let entry = this.entries.get(key)
    const size = cacheEntrySize(key, value)
    if (entry === undefined) {
      entry = { key, value, dirty: false, context: null, size, removed: false, prev: null, next: null, owner: this }
      this.entries.set(key, entry)
      this.parent.link(entry)
      this.parent.grow(size)
    } else {
      entry.value = value
      this.parent.grow(size - entry.size)
      entry.size = size
      this.parent.touch(entry)
    }
    return entry
  }
}
