import { describe, expect, it } from 'vitest'
import { ThreadCache } from '../../../stores/cache/thread-cache.js'
import { Stores } from '../../../stores/stores.js'
import { collect } from '../../../stores/internals/async-iterable.js'
import type { Windowed } from '../../../stores/key-value.js'
import type { SessionStore } from '../../../stores/session-store.js'
import type { WindowStore } from '../../../stores/window-store.js'
import type { CachedStateStore } from '../../../stores/cached-state-store.js'
import { toSessionKey, toWindowKey } from '../../../stores/internals/key-schema.js'
import { TestStoreContext, b, stringSerde } from './support/store-context.js'

type Listened = [string, number, number, string | null, string | null]

async function windowStore(retention = 10_000) {
  const store = Stores.windowStoreBuilder(Stores.inMemoryWindowStore('w', retention, 100, false), stringSerde, stringSerde)
    .withCachingEnabled()
    .build()
  const ctx = new TestStoreContext(new ThreadCache())
  await store.init(ctx, store)
  const seen: Listened[] = []
  const cachedStore = store as WindowStore<string, string> & CachedStateStore<Windowed<string>, string>
  expect(cachedStore.setFlushListener((k, n, o) => void seen.push([k.key, k.window.start, k.window.end, n, o]), true)).toBe(true)
  return { store, ctx, seen }
}

async function sessionStore() {
  const store = Stores.sessionStoreBuilder(Stores.inMemorySessionStore('s', 10_000), stringSerde, stringSerde).withCachingEnabled().build()
  const ctx = new TestStoreContext(new ThreadCache())
  await store.init(ctx, store)
  const seen: Listened[] = []
  const cachedStore = store as SessionStore<string, string> & CachedStateStore<Windowed<string>, string>
  expect(cachedStore.setFlushListener((k, n, o) => void seen.push([k.key, k.window.start, k.window.end, n, o]), true)).toBe(true)
  return { store, ctx, seen }
}

describe('caching window layer', () => {
  it('dedupes updates of a window and forwards windowed keys with old values', async () => {
    const { store, ctx, seen } = await windowStore()
    ctx.setRecord(5)
    store.put('k', '1', 0)
    ctx.setRecord(7)
    store.put('k', '2', 0)
    store.put('k', 'x', 100)
    expect(store.fetch('k', 0)).toBe('2')
    expect(ctx.collector.sent).toEqual([])
    await store.flush()
    expect(seen).toEqual([
      ['k', 0, 100, '2', null],
      ['k', 100, 200, 'x', null],
    ])
    expect(ctx.collector.sent.map((r) => [r.key, r.value?.toString(), r.timestamp])).toEqual([
      [toWindowKey(b('k'), 0), '2', 7],
      [toWindowKey(b('k'), 100), 'x', 7],
    ])
    store.put('k', '3', 0)
    await store.flush()
    expect(seen[2]).toEqual(['k', 0, 100, '3', '2'])
  })

  it('merges cached and stored windows in fetches, by window start and in store order', async () => {
    const { store } = await windowStore(1_000_000)
    store.put('a', 'stored-0', 0)
    store.put('a', 'stored-200', 200)
    store.put('b', 'stored-b', 100)
    await store.flush()
    store.put('a', 'cached-100', 100)
    store.put('a', 'cached-200', 200)
    store.put('a', null, 0)
    store.put('c', 'cached-c', 100)
    expect(await collect(store.fetchRange('a', 0, 1000))).toEqual([
      { key: 100, value: 'cached-100' },
      { key: 200, value: 'cached-200' },
    ])
    expect((await collect(store.backwardFetchRange('a', 0, 1000))).map((kv) => kv.key)).toEqual([200, 100])
    expect((await collect(store.fetchAll(0, 1000))).map((kv) => `${kv.key.key}@${kv.key.window.start}=${kv.value}`)).toEqual([
      'a@100=cached-100',
      'a@200=cached-200',
      'b@100=stored-b',
      'c@100=cached-c',
    ])
    expect((await collect(store.fetchKeyRange('b', 'c', 0, 1000))).map((kv) => kv.key.key)).toEqual(['b', 'c'])
  })

  it('neither caches nor returns expired windows', async () => {
    const { store } = await windowStore(1000)
    store.put('k', 'old', 0)
    store.put('k', 'new', 1000)
    expect(store.fetch('k', 0)).toBeNull()
    expect((await collect(store.fetchRange('k', 0, 2000))).map((kv) => kv.key)).toEqual([1000])
    store.put('k', 'late', 0)
    expect(store.fetch('k', 0)).toBeNull()
  })

  it('join buffers (retainDuplicates) are never cached', async () => {
    const store = Stores.windowStoreBuilder(Stores.inMemoryWindowStore('j', 1000, 10, true), stringSerde, stringSerde)
      .withCachingEnabled()
      .build() as WindowStore<string, string> & CachedStateStore<Windowed<string>, string>
    await store.init(new TestStoreContext(), store)
    expect(store.setFlushListener(() => {}, false)).toBe(false)
    store.put('k', 'a', 1)
    store.put('k', 'a', 1)
    expect(await collect(store.fetchRange('k', 0, 10))).toHaveLength(2)
  })
})

describe('caching session layer', () => {
  it('dedupes session updates, forwards removals of flushed sessions with their old aggregate', async () => {
    const { store, ctx, seen } = await sessionStore()
    store.put({ key: 'u', window: { start: 0, end: 10 } }, '1')
    store.put({ key: 'u', window: { start: 0, end: 10 } }, '2')
    await store.flush()
    expect(seen).toEqual([['u', 0, 10, '2', null]])
    store.remove({ key: 'u', window: { start: 0, end: 10 } })
    store.put({ key: 'u', window: { start: 0, end: 20 } }, '3')
    expect(store.fetchSession('u', 0, 10)).toBeNull()
    await store.flush()
    expect(seen.slice(1)).toEqual([
      ['u', 0, 10, null, '2'],
      ['u', 0, 20, '3', null],
    ])
    expect(ctx.collector.sent.map((r) => [r.key, r.value?.toString() ?? null])).toEqual([
      [toSessionKey(b('u'), 0, 10), '2'],
      [toSessionKey(b('u'), 0, 10), null],
      [toSessionKey(b('u'), 0, 20), '3'],
    ])
  })

  it('findSessions merges cache and store by end, then start', async () => {
    const { store } = await sessionStore()
    store.put({ key: 'u', window: { start: 0, end: 30 } }, 'stored')
    store.put({ key: 'v', window: { start: 0, end: 5 } }, 'other key')
    await store.flush()
    store.put({ key: 'u', window: { start: 10, end: 20 } }, 'cached')
    store.put({ key: 'u', window: { start: 5, end: 30 } }, 'cached2')
    expect((await collect(store.findSessions('u', 15, 25))).map((kv) => `${kv.key.window.start}-${kv.key.window.end}=${kv.value}`)).toEqual([
      '10-20=cached',
      '0-30=stored',
      '5-30=cached2',
    ])
    expect(await collect(store.fetch('v'))).toHaveLength(1)
  })
})
