import { describe, expect, it } from 'vitest'
import { Stores } from '../../../stores/stores.js'
import { collect } from '../../../stores/internals/async-iterable.js'
import {
  compositeReadOnlyKeyValueStore,
  compositeReadOnlySessionStore,
  compositeReadOnlyWindowStore,
  readOnlyKeyValueStore,
  timestampedKeyValueFacade,
  timestampedWindowFacade,
} from '../../../stores/query/read-only-views.js'
import { TestStoreContext, stringSerde } from './support/store-context.js'

describe('read-only views for interactive queries', () => {
  it('expose reads only', async () => {
    const store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('kv'), stringSerde, stringSerde).build()
    await store.init(new TestStoreContext(), store)
    store.put('a', '1')
    const view = readOnlyKeyValueStore(store)
    expect(view.get('a')).toBe('1')
    expect('put' in view).toBe(false)
    expect(await collect(view.all())).toEqual([{ key: 'a', value: '1' }])
  })

  it('timestamped facades answer plain values', async () => {
    const kv = Stores.timestampedKeyValueStoreBuilder(Stores.inMemoryKeyValueStore('t'), stringSerde, stringSerde).build()
    const w = Stores.timestampedWindowStoreBuilder(Stores.inMemoryWindowStore('tw', 1000, 10, false), stringSerde, stringSerde).build()
    const ctx = new TestStoreContext()
    await kv.init(ctx, kv)
    await w.init(ctx, w)
    kv.put('a', { value: 'x', timestamp: 5 })
    w.put('a', { value: 'y', timestamp: 6 }, 0)
    const kvView = timestampedKeyValueFacade(kv)
    expect(kvView.get('a')).toBe('x')
    expect(await collect(kvView.range('a', 'b'))).toEqual([{ key: 'a', value: 'x' }])
    const wView = timestampedWindowFacade(w)
    expect(wView.fetch('a', 0)).toBe('y')
    expect(await collect(wView.all())).toEqual([{ key: { key: 'a', window: { start: 0, end: 10 } }, value: 'y' }])
  })

  it('composite view spans the stores of several tasks', async () => {
    const make = async (task: string) => {
      const s = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('kv'), stringSerde, stringSerde).build()
      await s.init(new TestStoreContext(), s)
      return s
    }
    const t0 = await make('0_0')
    const t1 = await make('0_1')
    t0.put('a', '1')
    t1.put('b', '2')
    const view = compositeReadOnlyKeyValueStore([t0, t1])
    expect(view.get('b')).toBe('2')
    expect(view.get('zz')).toBeNull()
    expect(await collect(view.all())).toEqual([
      { key: 'a', value: '1' },
      { key: 'b', value: '2' },
    ])
    expect(view.approximateNumEntries()).toBe(2)
  })

  it('composite window and session views span tasks', async () => {
    const windows = [0, 1].map(() => Stores.windowStoreBuilder(Stores.inMemoryWindowStore('w', 1000, 10, false), stringSerde, stringSerde).build())
    const sessions = [0, 1].map(() => Stores.sessionStoreBuilder(Stores.inMemorySessionStore('s', 1000), stringSerde, stringSerde).build())
    for (const s of [...windows, ...sessions]) await s.init(new TestStoreContext(), s) // one task each
    windows[0].put('a', 'wa', 0)
    windows[1].put('b', 'wb', 10)
    sessions[1].put({ key: 'u', window: { start: 1, end: 5 } }, 'su')
    const w = compositeReadOnlyWindowStore(windows)
    expect(w.windowSize).toBe(10)
    expect(w.fetch('b', 10)).toBe('wb')
    expect((await collect(w.fetchAll(0, 100))).map((kv) => kv.value)).toEqual(['wa', 'wb'])
    expect(await collect(w.fetchRange('a', 0, 100))).toEqual([{ key: 0, value: 'wa' }])
    const s = compositeReadOnlySessionStore(sessions)
    expect(s.fetchSession('u', 1, 5)).toBe('su')
    expect(s.fetchSession('u', 1, 6)).toBeNull()
    expect((await collect(s.findSessions('u', 0, 10))).map((kv) => kv.value)).toEqual(['su'])
    expect(() => compositeReadOnlyWindowStore([])).toThrow(/at least one store/)
  })
})
