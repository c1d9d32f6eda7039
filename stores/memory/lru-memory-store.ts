import type { KeyValue } from '../key-value.js'
import type { RestoreRecord } from '../state-store.js'
import { InMemoryKeyValueStore } from './in-memory-key-value-store.js'

export type EvictionListener = (key: Buffer) => void

/** A store that drops keys on its own; the change-logging layer logs those drops as tombstones. */
export interface EvictingStore {
  setEvictionListener(listener: EvictionListener): void
}

export function isEvictingStore(store: unknown): store is EvictingStore {
  return typeof (store as Partial<EvictingStore>)?.setEvictionListener === 'function'
}

/**
 * In-memory key-value store holding at most `maxEntries` keys, dropping the least recently
 * read or written one beyond that, as Kafka Streams' `Stores.lruMap`. Scans stay ordered.
 */
export class LruMemoryStore extends InMemoryKeyValueStore implements EvictingStore {
  /** Keys by recency, least recent first (a Map keeps insertion order; re-inserting moves a key last). */
  private readonly recency = new Map<string, Buffer>()
  private onEvict: EvictionListener | null = null

  constructor(
    name: string,
    readonly maxEntries: number,
  ) {
    super(name)
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(`LRU store "${name}": maxCacheSize must be a positive integer, got ${maxEntries}`)
    }
  }

  setEvictionListener(listener: EvictionListener): void {
    this.onEvict = listener
  }

  override restore(batch: RestoreRecord[]): void {
    for (const r of batch) this.put(r.key, r.value)
  }

  override get(key: Buffer): Buffer | null {
    const value = super.get(key)
    if (value !== null) this.touch(key)
    return value
  }

  override put(key: Buffer, value: Buffer | null): void {
    super.put(key, value)
    if (value === null) this.recency.delete(key.toString('latin1'))
    else {
      this.touch(key)
      this.evictBeyondCapacity()
    }
  }

  override putIfAbsent(key: Buffer, value: Buffer): Buffer | null {
    const existing = this.get(key)
    if (existing !== null) return existing
    this.put(key, value)
    return null
  }

  override putAll(entries: KeyValue<Buffer, Buffer | null>[]): void {
    for (const { key, value } of entries) this.put(key, value)
  }

  override delete(key: Buffer): Buffer | null {
    this.recency.delete(key.toString('latin1'))
    return super.delete(key)
  }

  override async close(): Promise<void> {
    this.recency.clear()
    await super.close()
  }

  private touch(key: Buffer): void {
    const s = key.toString('latin1')
    this.recency.delete(s)
    this.recency.set(s, key)
  }

  private evictBeyondCapacity(): void {
    while (this.recency.size > this.maxEntries) {
      const [s, key] = this.recency.entries().next().value as [string, Buffer]
      this.recency.delete(s)
      super.delete(key)
      this.onEvict?.(key)
    }
  }
}
