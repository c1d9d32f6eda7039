import { describe, expect, it } from 'vitest'
import { InMemorySessionStore } from '../../../stores/memory/in-memory-session-store.js'
import { Stores } from '../../../stores/stores.js'
import { collect } from '../../../stores/internals/async-iterable.js'
import { sessionKeyEnd, sessionKeyStart, toSessionKey } from '../../../stores/internals/key-schema.js'
import { TestStoreContext, b, s, stringSerde } from './support/store-context.js'

async function open(retention = 10_000): Promise<InMemorySessionStore> {
  const store = new InMemorySessionStore('sess', { retentionPeriod: retention, segmentInterval: 500 })
  await store.init(new TestStoreContext(), store)
  return store
}

const sessions = async (it: AsyncIterable<{ key: { key: Buffer; window: { start: number; end: number } }; value: Buffer }>) =>
  (await collect(it)).map((kv) => `${s(kv.key.key)}[${kv.key.window.start},${kv.key.window.end}]=${s(kv.value)}`)
const session = (key: string, start: number, end: number) => ({ key: b(key), window: { start, end } })

describe('session key schema', () => {
  it('is key | 8-byte end | 8-byte start, as Kafka Streams', () => {
    const k = toSessionKey(b('k'), 3, 9)
    expect(k.toString('hex')).toBe('6b' + '0000000000000009' + '0000000000000003')
    expect(sessionKeyStart(k)).toBe(3)
    expect(sessionKeyEnd(k)).toBe(9)
  })
})

describe('InMemorySessionStore', () => {
  it('finds sessions overlapping [earliestEnd, latestStart], ordered by end then start', async () => {
    const store = await open()
    store.put(session('a', 0, 10), b('s1'))
    store.put(session('a', 20, 30), b('s2'))
    store.put(session('a', 5, 30), b('s3'))
    store.put(session('a', 600, 700), b('s4'))
    store.put(session('ab', 0, 100), b('other'))
    expect(await sessions(store.findSessions(b('a'), 10, 25))).toEqual(['a[0,10]=s1', 'a[5,30]=s3', 'a[20,30]=s2'])
    expect(await sessions(store.findSessions(b('a'), 11, 25))).toEqual(['a[5,30]=s3', 'a[20,30]=s2'])
    expect(await sessions(store.findSessions(b('a'), 0, 4))).toEqual(['a[0,10]=s1'])
    expect(await sessions(store.fetch(b('a')))).toEqual(['a[0,10]=s1', 'a[5,30]=s3', 'a[20,30]=s2', 'a[600,700]=s4'])
  })

  it('fetches and removes exact sessions', async () => {
    const store = await open()
    store.put(session('a', 0, 10), b('s1'))
    expect(s(store.fetchSession(b('a'), 0, 10))).toBe('s1')
    expect(store.fetchSession(b('a'), 0, 11)).toBeNull()
    store.remove(session('a', 0, 10))
    expect(store.fetchSession(b('a'), 0, 10)).toBeNull()
    store.put(session('a', 1, 2), b('x'))
    store.put(session('a', 1, 2), null)
    expect(await collect(store.fetch(b('a')))).toEqual([])
  })

  it('merging sessions: remove the old ones, put the merged one', async () => {
    const store = await open()
    store.put(session('u', 0, 10), b('1'))
    store.put(session('u', 15, 20), b('1'))
    // A record at 12 with gap 5 overlaps both: find, remove, put merged.
    const found = await collect(store.findSessions(b('u'), 12 - 5, 12 + 5))
    expect(found.map((f) => f.key.window)).toEqual([{ start: 0, end: 10 }, { start: 15, end: 20 }])
    for (const f of found) store.remove(f.key)
    store.put(session('u', 0, 20), b('3'))
    expect(await sessions(store.fetch(b('u')))).toEqual(['u[0,20]=3'])
  })

  it('expires sessions ending at or before stream time - retention', async () => {
    const store = await open(100)
    store.put(session('a', 0, 10), b('old'))
    store.put(session('a', 50, 110), b('new')) // stream time 110: end 10 expired
    expect(await sessions(store.fetch(b('a')))).toEqual(['a[50,110]=new'])
    expect(store.fetchSession(b('a'), 0, 10)).toBeNull()
    store.put(session('a', 0, 5), b('late'))
    expect(await sessions(store.fetch(b('a')))).toEqual(['a[50,110]=new'])
  })

  it('rejects sessions that end before they start', async () => {
    const store = await open()
    expect(() => store.put(session('a', 10, 5), b('x'))).toThrow(/"sess": session end 5 is before its start 10/)
  })

  it('restores session keys from the changelog', async () => {
    const ctx = new TestStoreContext()
    const store = new InMemorySessionStore('sess', { retentionPeriod: 1000, segmentInterval: 500 })
    await store.init(ctx, store)
    await ctx.registered.get('sess')!.restore([
      { key: toSessionKey(b('a'), 0, 10), value: b('1'), timestamp: 10, offset: 0 },
      { key: toSessionKey(b('a'), 0, 10), value: null, timestamp: 10, offset: 1 },
      { key: toSessionKey(b('a'), 0, 20), value: b('2'), timestamp: 20, offset: 2 },
    ])
    expect(await sessions(store.fetch(b('a')))).toEqual(['a[0,20]=2'])
  })

  it('typed builder', async () => {
    const store = Stores.sessionStoreBuilder(Stores.inMemorySessionStore('s', 60_000), stringSerde, stringSerde)
      .withLoggingDisabled()
      .build()
    await store.init(new TestStoreContext(), store)
    store.put({ key: 'k', window: { start: 1, end: 2 } }, 'agg')
    expect(store.fetchSession('k', 1, 2)).toBe('agg')
    expect(await collect(store.findSessions('k', 0, 10))).toEqual([{ key: { key: 'k', window: { start: 1, end: 2 } }, value: 'agg' }])
  })
})
