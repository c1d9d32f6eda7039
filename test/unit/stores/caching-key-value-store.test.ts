import { describe, expect, it } from 'vitest'
import { ThreadCache, cacheEntrySize } from '../../../stores/cache/thread-cache.js'
import { CachingKeyValueStore } from '../../../stores/caching/caching-key-value-store.js'
import { ChangeLoggingKeyValueStore } from '../../../stores/logging/change-logging-key-value-store.js'
import { MeteredKeyValueStore } from '../../../stores/metered/metered-key-value-store.js'
import { Stores } from '../../../stores/stores.js'
import { collect } from '../../../stores/internals/async-iterable.js'
import type { RecordContext } from '../../../stores/state-store.js'
import { CountingKeyValueStore } from './support/counting-store.js'
import { TestStoreContext, b, stringSerde } from './support/store-context.js'

interface Forwarded {
  key: string
  newValue: string | null
  oldValue: string | null
  timestamp: number
}

async function cached(opts: { cache?: ThreadCache | null; sendOldValues?: boolean; name?: string; ctx?: TestStoreContext } = {}) {
  const inner = new CountingKeyValueStore(opts.name ?? 'kv')
  const store = new MeteredKeyValueStore(new CachingKeyValueStore(new ChangeLoggingKeyValueStore(inner)), stringSerde, stringSerde)
  const ctx = opts.ctx ?? new TestStoreContext(opts.cache === undefined ? new ThreadCache() : opts.cache)
  await store.init(ctx, store)
  const forwarded: Forwarded[] = []
  const contexts: RecordContext[] = []
  expect(
    store.setFlushListener((key, newValue, oldValue, rc) => {
      forwarded.push({ key, newValue, oldValue, timestamp: rc.timestamp })
      contexts.push(rc)
    }, opts.sendOldValues ?? true),
  ).toBe(true)
  const changelog = () => ctx.collector.sent.map((r) => [r.key?.toString(), r.value?.toString() ?? null, r.timestamp])
  return { store, inner, ctx, forwarded, contexts, changelog }
}

describe('caching key-value layer', () => {
  it('dedupes consecutive updates into one forward and one changelog write per flush', async () => {
    const { store, ctx, forwarded, changelog, contexts } = await cached()
    ctx.setRecord(1, 10, { h: 'first' })
    store.put('k', 'v1')
    ctx.setRecord(2, 11, { h: 'second' })
    store.put('k', 'v2')
    ctx.setRecord(3, 12, { h: 'third' })
    store.put('k', 'v3')
    expect(forwarded).toEqual([])
    expect(changelog()).toEqual([])
    await store.flush()
    expect(forwarded).toEqual([{ key: 'k', newValue: 'v3', oldValue: null, timestamp: 3 }])
    expect(contexts[0]).toMatchObject({ offset: 12, headers: { h: 'third' } })
    expect(changelog()).toEqual([['k', 'v3', 3]])
    ctx.setRecord(4)
    store.put('k', 'v4')
    ctx.setRecord(5)
    store.put('k', 'v5')
    await store.flush()
    expect(forwarded[1]).toEqual({ key: 'k', newValue: 'v5', oldValue: 'v3', timestamp: 5 })
    expect(changelog()).toEqual([['k', 'v3', 3], ['k', 'v5', 5]])
    await store.flush() // nothing dirty: nothing forwarded
    expect(forwarded).toHaveLength(2)
  })

  it('without sendOldValues forwards null old values', async () => {
    const { store, forwarded } = await cached({ sendOldValues: false })
    store.put('k', 'a')
    await store.flush()
    store.put('k', 'b')
    await store.flush()
    expect(forwarded.map((f) => f.oldValue)).toEqual([null, null])
  })

  it('flushes in order of first dirtiness', async () => {
    const { store, forwarded, changelog } = await cached()
    for (const [k, v] of [['b', '1'], ['a', '1'], ['c', '1'], ['b', '2'], ['a', '2']]) store.put(k, v)
    await store.flush()
    expect(forwarded.map((f) => `${f.key}=${f.newValue}`)).toEqual(['b=2', 'a=2', 'c=1'])
    expect(changelog().map((r) => r[0])).toEqual(['b', 'a', 'c'])
  })

  it('a delete of a key never flushed is neither written nor forwarded; a delete of a stored key is', async () => {
    const { store, forwarded, changelog, inner } = await cached()
    store.put('gone', 'x')
    store.delete('gone')
    store.put('kept', 'x')
    await store.flush()
    expect(forwarded.map((f) => f.key)).toEqual(['kept'])
    store.delete('kept')
    expect(store.get('kept')).toBeNull()
    await store.flush()
    expect(forwarded[1]).toMatchObject({ key: 'kept', newValue: null, oldValue: 'x' })
    expect(changelog()).toEqual([['kept', 'x', 0], ['kept', null, 0]])
    expect(inner.get(b('kept'))).toBeNull()
  })

  it('answers hits synchronously without touching the store below; misses read through once', async () => {
    const { store, inner } = await cached()
    store.put('k', 'v')
    const before = inner.gets
    expect(store.get('k')).toBe('v') // a value, not a promise
    expect(inner.gets).toBe(before)
    inner.put(b('cold'), b('c'))
    expect(store.get('cold')).toBe('c')
    expect(store.get('cold')).toBe('c')
    expect(inner.gets).toBe(before + 1) // second read was a cache hit
  })

  it('merges cache and store in scans, pending deletes hiding stored keys', async () => {
    const { store } = await cached()
    for (const k of ['a', 'c', 'e']) store.put(k, `old-${k}`)
    await store.flush()
    store.put('b', 'new-b')
    store.put('c', 'new-c')
    store.delete('e')
    store.put('f', 'new-f')
    expect(await collect(store.all())).toEqual([
      { key: 'a', value: 'old-a' },
      { key: 'b', value: 'new-b' },
      { key: 'c', value: 'new-c' },
      { key: 'f', value: 'new-f' },
    ])
    expect((await collect(store.reverseRange('b', 'e'))).map((kv) => kv.key)).toEqual(['c', 'b'])
    expect((await collect(store.prefixScan('c', stringSerde))).map((kv) => kv.value)).toEqual(['new-c'])
  })

  it('evicts least-recently-used entries under a small budget, flushing dirty ones first', async () => {
    const entry = cacheEntrySize(b('k0'), b('v0'))
    const cache = new ThreadCache(entry * 3)
    const { store, forwarded, inner } = await cached({ cache })
    store.put('k0', 'v0')
    store.put('k1', 'v1')
    store.put('k2', 'v2')
    expect(forwarded).toEqual([])
    store.put('k3', 'v3') // over budget: k0 is eldest and dirty → the store's dirty entries flush
    expect(forwarded.map((f) => f.key)).toEqual(['k0', 'k1', 'k2', 'k3'])
    expect(cache.sizeBytes()).toBeLessThanOrEqual(entry * 3)
    expect(inner.get(b('k3'))?.toString()).toBe('v3')
    expect(store.get('k0')).toBe('v0') // evicted from cache, still readable below
    expect(cache.evictionCount()).toBeGreaterThan(0)
  })

  it('shares one budget across a task’s stores with LRU eviction across them', async () => {
    const entry = cacheEntrySize(b('k0'), b('v0'))
    const cache = new ThreadCache(entry * 2)
    const ctx = new TestStoreContext(cache)
    const a = await cached({ cache, name: 'a', ctx })
    const bStore = await cached({ cache, name: 'b', ctx })
    a.store.put('k0', 'v0')
    bStore.store.put('k0', 'v0')
    a.store.get('k0') // a's entry is now the most recently used
    bStore.store.put('k1', 'v1') // evicts the eldest: b's k0 (flushing store b)
    expect(a.forwarded).toEqual([])
    expect(bStore.forwarded.map((f) => f.key)).toEqual(['k0', 'k1'])
  })

  it('with no task cache every write is forwarded at once', async () => {
    const { store, forwarded } = await cached({ cache: null })
    store.put('k', '1')
    store.put('k', '2')
    expect(forwarded.map((f) => [f.newValue, f.oldValue])).toEqual([
      ['1', null],
      ['2', '1'],
    ])
  })

  it('close flushes pending writes', async () => {
    const { store, forwarded, changelog } = await cached()
    store.put('k', 'v')
    await store.close()
    expect(forwarded).toHaveLength(1)
    expect(changelog()).toEqual([['k', 'v', 0]])
  })

  it('awaits an async flush listener before the next entry', async () => {
    const { store } = await cached()
    const order: string[] = []
    store.setFlushListener(async (key) => {
      order.push(`start ${key}`)
      await new Promise((r) => setTimeout(r, 1))
      order.push(`end ${key}`)
    }, false)
    store.put('a', '1')
    store.put('b', '1')
    await store.flush()
    expect(order).toEqual(['start a', 'end a', 'start b', 'end b'])
  })

  it('builder: caching enabled wraps the cache; disabled forwards nothing itself', async () => {
    const on = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('on'), stringSerde, stringSerde).withCachingEnabled().build()
    const off = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('off'), stringSerde, stringSerde).withCachingDisabled().build()
    const ctx = new TestStoreContext()
    await on.init(ctx, on)
    await off.init(ctx, off)
    expect((on as unknown as { setFlushListener: Function }).setFlushListener(() => {}, false)).toBe(true)
    expect((off as unknown as { setFlushListener: Function }).setFlushListener(() => {}, false)).toBe(false)
    off.put('x', 'y')
    expect(ctx.collector.sent).toHaveLength(1) // uncached: logged at once
    on.put('x', 'y')
    expect(ctx.collector.sent).toHaveLength(1)
    await ctx.cache!.flushAll()
    expect(ctx.collector.sent).toHaveLength(2)
  })
})
