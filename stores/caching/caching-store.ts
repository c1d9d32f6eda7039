import type { CacheFlushListener, CachedStateStore } from '../cached-state-store.js'
import type { StateStore, StateStoreContext } from '../state-store.js'
import { WrappedStateStore } from '../internals/wrapped-store.js'
import { CachingLayer, type BelowStore } from './caching-layer.js'

/** A cache scan's slot: the cache key and its value (null = a pending delete). */
export type CacheSlot = { value: { key: Buffer; value: Buffer | null } }

/** A key-value slot as a scan result; a pending delete hides the entry (null). */
export function slotEntry(c: CacheSlot): { key: Buffer; value: Buffer } | null {
  return c.value.value === null ? null : { key: c.value.key, value: c.value.value }
}

/**
 * What every caching store shares: the cache and its flush into the store below on init, flush
 * and close, and the flush listener. Each store type adds its own keys, reads and scans.
 */
export abstract class CachingStore<S extends StateStore, FK> extends WrappedStateStore<S> implements CachedStateStore<FK, Buffer> {
  protected readonly layer: CachingLayer<FK>

  /** `below` reaches the inner store by cache key; it is what flushed entries are written to. */
  constructor(
    inner: S,
    private readonly below: BelowStore<FK>,
  ) {
    super(inner)
    this.layer = new CachingLayer(inner.name)
  }

  override init(context: StateStoreContext, root: StateStore): Promise<void> {
    const below = this.layer.init(context, (batch) => this.layer.flushEntries(batch, this.below))
    return this.inner.init(below, root)
  }

  override async flush(): Promise<void> {
    await this.layer.cache.flush()
    await this.inner.flush()
  }

  override async close(): Promise<void> {
    try {
      await this.layer.cache.flush()
    } finally {
      this.layer.release()
      await this.inner.close()
    }
  }

  setFlushListener(listener: CacheFlushListener<FK, Buffer>, sendOldValues: boolean): boolean {
    this.layer.listener = listener
    this.layer.sendOldValues = sendOldValues
    return true
  }
}
