import { describe, expect, it } from 'vitest'
import { Stores } from '../../../stores/stores.js'
import type { KeyValueStoreBuilder } from '../../../stores/builders/key-value-store-builder.js'
import { ThreadCache } from '../../../stores/cache/thread-cache.js'
import { CachingKeyValueStore } from '../../../stores/caching/caching-key-value-store.js'
import { CachingSessionStore } from '../../../stores/caching/caching-session-store.js'
import { CachingWindowStore } from '../../../stores/caching/caching-window-store.js'
import { ChangeLoggingKeyValueStore } from '../../../stores/logging/change-logging-key-value-store.js'
import { ChangeLoggingSessionStore } from '../../../stores/logging/change-logging-session-store.js'
import { ChangeLoggingWindowStore } from '../../../stores/logging/change-logging-window-store.js'
import { MeteredKeyValueStore } from '../../../stores/metered/metered-key-value-store.js'
import { MeteredSessionStore } from '../../../stores/metered/metered-session-store.js'
import { MeteredWindowStore } from '../../../stores/metered/metered-window-store.js'
import type { StateStore } from '../../../stores/state-store.js'
import type { KeyValueBytesStoreSupplier, SessionBytesStoreSupplier, WindowBytesStoreSupplier } from '../../../stores/store-supplier.js'
import { TestStoreContext, stringSerde } from './support/store-context.js'

describe('store layers', () => {
  it('every builder names itself when the supplier is missing', () => {
    const none = null as unknown
    expect(() => Stores.keyValueStoreBuilder(none as KeyValueBytesStoreSupplier, stringSerde, stringSerde)).toThrow(
      'keyValueStoreBuilder: a store supplier is required',
    )
    expect(() => Stores.timestampedKeyValueStoreBuilder(none as KeyValueBytesStoreSupplier, stringSerde, stringSerde)).toThrow(
      'timestampedKeyValueStoreBuilder: a store supplier is required',
    )
    expect(() => Stores.windowStoreBuilder(none as WindowBytesStoreSupplier, stringSerde, stringSerde)).toThrow(
      'windowStoreBuilder: a window store supplier is required',
    )
    expect(() => Stores.timestampedWindowStoreBuilder(none as WindowBytesStoreSupplier, stringSerde, stringSerde)).toThrow(
      'timestampedWindowStoreBuilder: a window store supplier is required',
    )
    expect(() => Stores.sessionStoreBuilder(none as SessionBytesStoreSupplier, stringSerde, stringSerde)).toThrow(
      'sessionStoreBuilder: a session store supplier is required',
    )
  })

  it('builders stack metered → caching → change-logging, and keep supplier and serdes', () => {
    const kvSupplier = Stores.inMemoryKeyValueStore('kv')
    // Stores answers the StoreBuilder interface; the builder class keeps its supplier and serdes.
    const kvBuilder = Stores.keyValueStoreBuilder(kvSupplier, stringSerde, stringSerde).withCachingEnabled() as KeyValueStoreBuilder<string, string>
    expect(kvBuilder.supplier).toBe(kvSupplier)
    expect(kvBuilder.keySerde).toBe(stringSerde)
    const kv = kvBuilder.build() as MeteredKeyValueStore<string, string>
    expect(kv).toBeInstanceOf(MeteredKeyValueStore)
    expect(kv.inner).toBeInstanceOf(CachingKeyValueStore)
    expect((kv.inner as unknown as { inner: StateStore }).inner).toBeInstanceOf(ChangeLoggingKeyValueStore)

    const w = Stores.windowStoreBuilder(Stores.inMemoryWindowStore('w', 1000, 10, false), stringSerde, stringSerde).withCachingEnabled().build()
    expect(w).toBeInstanceOf(MeteredWindowStore)
    expect((w as MeteredWindowStore<string, string>).inner).toBeInstanceOf(CachingWindowStore)
    const dups = Stores.windowStoreBuilder(Stores.inMemoryWindowStore('d', 1000, 10, true), stringSerde, stringSerde).withCachingEnabled().build()
    expect((dups as MeteredWindowStore<string, string>).inner).toBeInstanceOf(ChangeLoggingWindowStore) // no cache for duplicates

    const s = Stores.sessionStoreBuilder(Stores.inMemorySessionStore('s', 1000), stringSerde, stringSerde).withCachingEnabled().build()
    expect(s).toBeInstanceOf(MeteredSessionStore)
    expect((s as MeteredSessionStore<string, string>).inner).toBeInstanceOf(CachingSessionStore)
    const sNoCache = Stores.sessionStoreBuilder(Stores.inMemorySessionStore('s2', 1000), stringSerde, stringSerde).build()
    expect((sNoCache as MeteredSessionStore<string, string>).inner).toBeInstanceOf(ChangeLoggingSessionStore)
  })

  it('windowed stores without a cache refuse a flush listener', async () => {
    const w = Stores.windowStoreBuilder(Stores.inMemoryWindowStore('w', 1000, 10, false), stringSerde, stringSerde).build()
    const s = Stores.sessionStoreBuilder(Stores.inMemorySessionStore('s', 1000), stringSerde, stringSerde).build()
    expect((w as MeteredWindowStore<string, string>).setFlushListener(() => {}, false)).toBe(false)
    expect((s as MeteredSessionStore<string, string>).setFlushListener(() => {}, false)).toBe(false)
  })

  it('name, persistence, flush and close pass through every layer', async () => {
    const kv = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('kv'), stringSerde, stringSerde).withCachingEnabled().build()
    const w = Stores.windowStoreBuilder(Stores.inMemoryWindowStore('w', 1000, 10, false), stringSerde, stringSerde).withCachingEnabled().build()
    const s = Stores.sessionStoreBuilder(Stores.inMemorySessionStore('s', 1000), stringSerde, stringSerde).withCachingEnabled().build()
    const stores: StateStore[] = [kv, w, s]
    const ctx = new TestStoreContext(new ThreadCache())
    for (const store of stores) await store.init(ctx, store)
    expect(stores.map((st) => [st.name, st.persistent, st.isOpen()])).toEqual([
      ['kv', false, true],
      ['w', false, true],
      ['s', false, true],
    ])
    ctx.setRecord(5)
    await kv.put('a', '1')
    await w.put('a', '1', 0)
    await s.put({ key: 'a', window: { start: 0, end: 0 } }, '1')
    expect(ctx.collector.sent).toHaveLength(0) // all cached
    await kv.flush()
    expect(ctx.collector.sent.map((r) => r.topic)).toEqual(['app-kv-changelog'])
    for (const store of stores) await store.close() // close flushes what is still cached
    expect(ctx.collector.sent.map((r) => r.topic)).toEqual(['app-kv-changelog', 'app-w-changelog', 'app-s-changelog'])
    expect(stores.map((st) => st.isOpen())).toEqual([false, false, false])
  })
})
