import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ThreadCache } from '../../../../stores/cache/thread-cache.js'
import type { CachedStateStore } from '../../../../stores/cached-state-store.js'
import type { Serde } from '../../../../stores/serde.js'
import type { StateStore } from '../../../../stores/state-store.js'
import type { StoreBuilder } from '../../../../stores/store-builder.js'
import { TestStoreContext } from './store-context.js'
import type { Layers } from '../implementations.js'

/** Keys and values as latin1 strings: one char per byte, so string order is byte order. */
export const latin1Serde: Serde<string> = {
  serialize: (_t, d) => (d === null ? null : Buffer.from(d, 'latin1')),
  deserialize: (_t, d) => (d === null ? null : d.toString('latin1')),
}

export function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

export interface Forward<K> {
  key: K
  newValue: string | null
  oldValue: string | null
  timestamp: number
}

/** Opens stores built with the given layers in a fresh task directory; cleans up after. */
export class ContractTask {
  readonly dir = mkdtempSync(join(tmpdir(), 'kstreams-contract-'))
  private readonly open: StateStore[] = []
  ctx: TestStoreContext

  constructor(cacheBytes = 10 * 1024 * 1024) {
    this.ctx = new TestStoreContext(new ThreadCache(cacheBytes), join(this.dir, 'app', '0_3'))
  }

  async build<T extends StateStore>(builder: StoreBuilder<T>, layers: Layers, ctx = this.ctx): Promise<T> {
    if (layers.logging) builder.withLoggingEnabled({})
    else builder.withLoggingDisabled()
    if (layers.caching) builder.withCachingEnabled()
    else builder.withCachingDisabled()
    const store = builder.build()
    await store.init(ctx, store)
    this.open.push(store)
    return store
  }

  /** Captures what a caching store forwards; null when the store has no cache. */
  listen<K>(store: StateStore, sendOldValues = true): Forward<K>[] | null {
    const forwards: Forward<K>[] = []
    const ok = (store as unknown as CachedStateStore<K, string>).setFlushListener((key, newValue, oldValue, rc) => {
      forwards.push({ key, newValue, oldValue, timestamp: rc.timestamp })
    }, sendOldValues)
    return ok ? forwards : null
  }

  /** Replays this task's captured changelog for `storeName` into a store opened in a new task. */
  async restoreInto<T extends StateStore>(storeName: string, builder: StoreBuilder<T>, layers: Layers): Promise<T> {
    const fresh = new TestStoreContext(new ThreadCache(), join(this.dir, 'app-restored', '0_3'))
    const store = await this.build(builder, layers, fresh)
    const topic = this.ctx.changelogTopic(storeName)
    const batch = this.ctx.collector.sent
      .filter((r) => r.topic === topic)
      .map((r, offset) => ({ key: r.key as Buffer, value: r.value, timestamp: r.timestamp, offset }))
    const registered = fresh.registered.get(storeName)
    if (!registered) throw new Error(`store ${storeName} did not register for restore`)
    await registered.restore(batch)
    return store
  }

  async close(): Promise<void> {
    for (const s of this.open.splice(0)) if (s.isOpen()) await s.close()
    rmSync(this.dir, { recursive: true, force: true })
  }
}
