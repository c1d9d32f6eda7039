import type { RecordContext } from '../state-store.js'
import type { MaybePromise } from '../maybe-promise.js'
import { OrderedBytesMap } from '../internals/ordered-bytes-map.js'
import { NamedCache, type CacheEntry, type FlushHandler } from './named-cache.js'

/** Kafka Streams' default for statestore.cache.max.bytes. */
export const DEFAULT_CACHE_MAX_BYTES = 10 * 1024 * 1024

/**
 * Bytes an entry counts besides its key and value: what its objects take on the heap (the entry,
 * its map slot and latin1 key, two Buffers, its record context), measured on Node 20 x64. Kafka
 * Streams counts ~70 for its Java objects; counting that here let a 10 MiB cache hold ~90 MiB.
 */
export const CACHE_ENTRY_OVERHEAD = 560
export function cacheEntrySize(key: Buffer, value: Buffer | null): number {
  return key.length + (value === null ? 0 : value.length) + CACHE_ENTRY_OVERHEAD
}

/**
 * One task's write-back cache: a byte budget shared by all of the task's caching stores, with
 * least-recently-used eviction across them. Evicting a dirty entry first flushes every dirty
 * entry of its store (in order of first dirtiness), as Kafka Streams does.
 */
export class ThreadCache {
  private sizeBytesTotal = 0
  /** Least recently used first; entries link to each other so touching one is O(1). */
  private head: CacheEntry | null = null
  private tail: CacheEntry | null = null
  private readonly caches = new Map<string, NamedCache>()
  private evictions = 0

  constructor(readonly maxBytes: number = DEFAULT_CACHE_MAX_BYTES) {
    if (!Number.isFinite(maxBytes) || maxBytes < 0) {
      throw new RangeError(`statestore.cache.max.bytes must be a non-negative number, got ${maxBytes}`)
    }
  }

  /** The cache of one store. `onFlush` writes flushed entries below and forwards them. */
  namedCache(name: string, onFlush: FlushHandler): NamedCache {
    if (this.caches.has(name)) throw new Error(`Store "${name}" already has a cache in this task`)
    const cache = new NamedCache(name, this, new OrderedBytesMap<CacheEntry>(), onFlush)
    this.caches.set(name, cache)
    return cache
  }

  /** Drops a store's cache (its store closed). Flush it first: dirty entries are discarded. */
  release(cache: NamedCache): void {
    cache.clearEntries()
    this.caches.delete(cache.name)
  }

  sizeBytes(): number {
    return this.sizeBytesTotal
  }

  /** How many entries were evicted for lack of room since creation. */
  evictionCount(): number {
    return this.evictions
  }

  /** Flushes every store's dirty entries (commit). */
  async flushAll(): Promise<void> {
    for (const cache of this.caches.values()) await cache.flush()
  }

  // ---- called by NamedCache ----

  /** @internal */ link(entry: CacheEntry): void {
    entry.prev = this.tail
    entry.next = null
    if (this.tail !== null) this.tail.next = entry
    else this.head = entry
    this.tail = entry
  }

  /** @internal */ unlink(entry: CacheEntry): void {
    if (entry.prev !== null) entry.prev.next = entry.next
    else this.head = entry.next
    if (entry.next !== null) entry.next.prev = entry.prev
    else this.tail = entry.prev
    entry.prev = null
    entry.next = null
  }

  /** @internal Moves an entry to the most-recently-used end. */
  touch(entry: CacheEntry): void {
    if (this.tail === entry) return
    this.unlink(entry)
    this.link(entry)
  }

  /** @internal */ grow(bytes: number): void {
    this.sizeBytesTotal += bytes
  }

  /** @internal Whether `bytes` more fit once clean entries are dropped; drops them if so. */
  makeRoomWithoutFlush(bytes: number): boolean {
    while (this.sizeBytesTotal + bytes > this.maxBytes) {
      const eldest = this.head
      if (eldest === null || eldest.dirty) return false
      eldest.owner.removeEntry(eldest)
      this.evictions++
    }
    return true
  }

  /** @internal Evicts least-recently-used entries until the cache is within budget. */
  maybeEvict(): MaybePromise<void> {
    while (this.sizeBytesTotal > this.maxBytes) {
      const eldest = this.head
      if (eldest === null) return
      if (eldest.dirty) {
        const flushed = eldest.owner.flush()
        if (flushed instanceof Promise) return flushed.then(() => this.finishEviction(eldest))
      }
      this.evictFlushed(eldest)
    }
  }

  private finishEviction(eldest: CacheEntry): MaybePromise<void> {
    this.evictFlushed(eldest)
    return this.maybeEvict()
  }

  private evictFlushed(eldest: CacheEntry): void {
    if (eldest.removed) return
    // Re-dirtied by a write the flush triggered: keep it, it is the newest data.
    if (eldest.dirty) this.touch(eldest)
    else {
      eldest.owner.removeEntry(eldest)
      this.evictions++
    }
  }
}

