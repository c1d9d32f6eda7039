import type { CacheFlushListener } from '../cached-state-store.js'
import { ThreadCache } from '../cache/thread-cache.js'
import type { DirtyEntry, NamedCache } from '../cache/named-cache.js'
import type { MaybePromise } from '../maybe-promise.js'
import type { RecordContext, StateStoreContext } from '../state-store.js'
import { delegatingContext } from '../internals/delegating-context.js'
import { InvalidStateStoreError } from '../internals/store-errors.js'

/** How a caching store reaches the store below for a cache key. */
export interface BelowStore<FK> {
  get(cacheKey: Buffer): MaybePromise<Buffer | null>
  put(cacheKey: Buffer, value: Buffer | null): MaybePromise<void>
  /** The key the flush listener receives. */
  listenerKey(cacheKey: Buffer): FK
}

/**
 * What every caching store shares: its NamedCache in the task's ThreadCache, the flush listener,
 * and the context handed below, whose record context is the flushed entry's while it is written
 * (so the changelog record carries the timestamp of the write it stands for).
 */
export class CachingLayer<FK> {
  listener: CacheFlushListener<FK, Buffer> | null = null
  sendOldValues = false
  private cacheRef: NamedCache | null = null
  private threadCache: ThreadCache | null = null
  private flushing: RecordContext | null = null
  private outer: StateStoreContext | null = null

  constructor(private readonly storeName: string) {}

  /** Returns the context to pass to the lower layer's init. */
  init(context: StateStoreContext, onFlush: (batch: DirtyEntry[]) => MaybePromise<void>): StateStoreContext {
    // Without a task cache the store still runs the cache path with a zero budget: every write
    // is flushed (written below and forwarded) at once, as Kafka Streams with cache size 0.
    this.threadCache = context.cache ?? new ThreadCache(0)
    this.cacheRef = this.threadCache.namedCache(this.storeName, onFlush)
    this.outer = context
    return delegatingContext(context, { recordContext: () => this.flushing ?? context.recordContext() })
  }

  get cache(): NamedCache {
    if (this.cacheRef === null) throw new InvalidStateStoreError(this.storeName, 'is not initialized')
    return this.cacheRef
  }

  recordContext(): RecordContext {
    if (this.outer === null) throw new InvalidStateStoreError(this.storeName, 'is not initialized')
    return this.outer.recordContext()
  }

  /**
   * Runs a write below with the flushed entry's record context current. Restoring it when the
   * call returns, rather than when its promise settles, is right: the stores below read the record
   * context during the call (ChangelogWriter), and what a flush forwards downstream is handed the
   * entry's context explicitly (the flush listener's `rc`), never through this one.
   */
  writeBelow<T>(context: RecordContext, write: () => T): T {
    const previous = this.flushing
    this.flushing = context
    try {
      return write()
    } finally {
      this.flushing = previous
    }
  }

  /**
   * Writes flushed entries below and forwards them, as Kafka Streams: the old value is read
   * below only when needed (sendOldValues, or a delete), and a delete of a key that never reached
   * the store below is neither written nor forwarded. Old values are all read before any write
   * (keys in a batch are distinct), so a store with async reads answers them concurrently.
   */
  flushEntries(batch: DirtyEntry[], below: BelowStore<FK>): MaybePromise<void> {
    if (this.listener === null) return this.writeAll(batch, 0, below)
    const olds: MaybePromise<Buffer | null>[] = new Array(batch.length)
    let pending = false
    for (let i = 0; i < batch.length; i++) {
      const old = batch[i].value === null || this.sendOldValues ? below.get(batch[i].key) : null
      if (old instanceof Promise) pending = true
      olds[i] = old
    }
    if (pending) return Promise.all(olds).then((resolved) => this.forwardAll(batch, 0, resolved, below))
    return this.forwardAll(batch, 0, olds as (Buffer | null)[], below)
  }

  private writeAll(batch: DirtyEntry[], from: number, below: BelowStore<FK>): MaybePromise<void> {
    for (let i = from; i < batch.length; i++) {
      const entry = batch[i]
      const written = this.writeBelow(entry.context, () => below.put(entry.key, entry.value))
      if (written instanceof Promise) return written.then(() => this.writeAll(batch, i + 1, below))
    }
  }

  private forwardAll(batch: DirtyEntry[], from: number, olds: (Buffer | null)[], below: BelowStore<FK>): MaybePromise<void> {
    for (let i = from; i < batch.length; i++) {
      const step = this.forward(batch[i], olds[i], below)
      if (step instanceof Promise) return step.then(() => this.forwardAll(batch, i + 1, olds, below))
    }
  }

  private forward(entry: DirtyEntry, old: Buffer | null, below: BelowStore<FK>): MaybePromise<void> {
    if (entry.value === null && old === null) return
    const written = this.writeBelow(entry.context, () => below.put(entry.key, entry.value))
    const emit = () =>
      (this.listener as CacheFlushListener<FK, Buffer>)(
        below.listenerKey(entry.key),
        entry.value,
        this.sendOldValues ? old : null,
        entry.context,
      )
    return written instanceof Promise ? written.then(emit) : emit()
  }

  release(): void {
    if (this.cacheRef !== null && this.threadCache !== null) this.threadCache.release(this.cacheRef)
    this.cacheRef = null
  }
}
