import type { CacheFlushListener } from '../cached-state-store.js'
import { ThreadCache } from '../cache/thread-cache.js'
import type { DirtyEntry, NamedCache } from '../cache/named-cache.js'
import type { MaybePromise } from '../maybe-promise.js'
import type { RecordContext, StateStoreContext } from '../state-store.js'
import { delegatingContext } from '../internals/delegating-context.js'
import { InvalidStateStoreError } from '../internals/store-errors.js'

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

  /** Runs a write below with the flushed entry's record context current. */
  writeBelow<T>(context: RecordContext, write: () => T): T {
    const previous = this.flushing
    this.flushing = context
    try {
      return write()
    } finally {
      this.flushing = previous
    }
  }

  release(): void {
    if (this.cacheRef !== null && this.threadCache !== null) this.threadCache.release(this.cacheRef)
    this.cacheRef = null
  }
}
