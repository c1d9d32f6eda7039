import { describe, expect, it } from 'vitest'
import { Stores } from '../../../stores/stores.js'
import { toSessionKey, toWindowKey } from '../../../stores/internals/key-schema.js'
import { TestStoreContext, b, longSerde, stringSerde } from './support/store-context.js'

describe('change-logging layer', () => {
  it('logs every key-value write with the record timestamp; deletes as tombstones', async () => {
    const store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('counts'), stringSerde, longSerde).build()
    const ctx = new TestStoreContext()
    await store.init(ctx, store)
    ctx.setRecord(100)
    store.put('a', 1)
    ctx.setRecord(101)
    store.put('a', 2)
    expect(store.putIfAbsent('a', 9)).toBe(2) // present: nothing logged
    expect(store.putIfAbsent('b', 5)).toBeNull()
    ctx.setRecord(102)
    expect(store.delete('a')).toBe(2)
    store.putAll([{ key: 'c', value: 7 }, { key: 'b', value: null }])
    const rec = (key: string, value: Buffer | null, timestamp: number) => ({
      topic: 'app-counts-changelog',
      partition: 3,
      key: b(key),
      value,
      timestamp,
    })
    expect(ctx.collector.sent).toEqual([
      rec('a', longSerde.serialize('', 1), 100),
      rec('a', longSerde.serialize('', 2), 101),
      rec('b', longSerde.serialize('', 5), 101),
      rec('a', null, 102),
      rec('c', longSerde.serialize('', 7), 102),
      rec('b', null, 102),
    ])
  })

  it('logs nothing with withLoggingDisabled()', async () => {
    const store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('x'), stringSerde, stringSerde)
      .withLoggingDisabled()
      .build()
    const ctx = new TestStoreContext()
    await store.init(ctx, store)
    store.put('a', 'b')
    store.delete('a')
    expect(ctx.collector.sent).toEqual([])
  })

  it('uses the changelog topic name as the serde topic', async () => {
    const topics: string[] = []
    const spying = {
      serialize: (topic: string, d: string | null) => (topics.push(topic), stringSerde.serialize(topic, d)),
      deserialize: (topic: string, d: Buffer | null) => (topics.push(topic), stringSerde.deserialize(topic, d)),
    }
    const store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('s'), spying, spying).withLoggingDisabled().build()
    await store.init(new TestStoreContext(), store)
    store.put('k', 'v')
    store.get('k')
    expect(new Set(topics)).toEqual(new Set(['app-s-changelog']))
  })

  it('logs window-store keys; with retainDuplicates each put gets the next seqnum', async () => {
    const plain = Stores.windowStoreBuilder(Stores.inMemoryWindowStore('w', 1000, 10, false), stringSerde, stringSerde).build()
    const ctx = new TestStoreContext()
    await plain.init(ctx, plain)
    ctx.setRecord(55)
    plain.put('k', 'v', 50)
    plain.put('k', null, 50)
    expect(ctx.collector.sent.map((r) => [r.topic, r.key, r.value, r.timestamp])).toEqual([
      ['app-w-changelog', toWindowKey(b('k'), 50), b('v'), 55],
      ['app-w-changelog', toWindowKey(b('k'), 50), null, 55],
    ])

    const dups = Stores.windowStoreBuilder(Stores.inMemoryWindowStore('j', 1000, 10, true), stringSerde, stringSerde).build()
    const ctx2 = new TestStoreContext()
    await dups.init(ctx2, dups)
    dups.put('k', 'a', 5)
    dups.put('k', 'b', 5)
    dups.put('k', null, 5)
    expect(ctx2.collector.sent.map((r) => r.key)).toEqual([toWindowKey(b('k'), 5, 1), toWindowKey(b('k'), 5, 2)])
  })

  it('restoring a retainDuplicates changelog rebuilds every duplicate', async () => {
    const make = () => Stores.windowStoreBuilder(Stores.inMemoryWindowStore('j', 1000, 10, true), stringSerde, stringSerde).build()
    const first = make()
    const ctx = new TestStoreContext()
    await first.init(ctx, first)
    first.put('k', 'a', 5)
    first.put('k', 'b', 5)
    const second = make()
    const ctx2 = new TestStoreContext()
    await second.init(ctx2, second)
    await ctx2.registered.get('j')!.restore(
      ctx.collector.sent.map((r, i) => ({ key: r.key as Buffer, value: r.value, timestamp: r.timestamp, offset: i })),
    )
    const got: string[] = []
    for await (const kv of second.fetchRange('k', 0, 10)) got.push(kv.value)
    expect(got).toEqual(['a', 'b'])
  })

  it('logs session keys; remove is a tombstone', async () => {
    const store = Stores.sessionStoreBuilder(Stores.inMemorySessionStore('s', 1000), stringSerde, stringSerde).build()
    const ctx = new TestStoreContext()
    await store.init(ctx, store)
    ctx.setRecord(20)
    store.put({ key: 'u', window: { start: 10, end: 20 } }, 'agg')
    store.remove({ key: 'u', window: { start: 10, end: 20 } })
    expect(ctx.collector.sent.map((r) => [r.topic, r.key, r.value, r.timestamp])).toEqual([
      ['app-s-changelog', toSessionKey(b('u'), 10, 20), b('agg'), 20],
      ['app-s-changelog', toSessionKey(b('u'), 10, 20), null, 20],
    ])
  })

  it('timestamped stores log the plain value with the value timestamp, and restore it back', async () => {
    const make = () => Stores.timestampedWindowStoreBuilder(Stores.inMemoryWindowStore('tw', 1000, 10, false), stringSerde, stringSerde).build()
    const store = make()
    const ctx = new TestStoreContext()
    await store.init(ctx, store)
    ctx.setRecord(99)
    store.put('k', { value: 'v', timestamp: 42 }, 40)
    expect(ctx.collector.sent.map((r) => [r.key, r.value, r.timestamp])).toEqual([[toWindowKey(b('k'), 40), b('v'), 42]])
    const restored = make()
    const ctx2 = new TestStoreContext()
    await restored.init(ctx2, restored)
    await ctx2.registered.get('tw')!.restore([{ key: toWindowKey(b('k'), 40), value: b('v'), timestamp: 42, offset: 0 }])
    expect(restored.fetch('k', 40)).toEqual({ value: 'v', timestamp: 42 })

    const kvMake = () => Stores.timestampedKeyValueStoreBuilder(Stores.inMemoryKeyValueStore('tkv'), stringSerde, stringSerde).build()
    const kv = kvMake()
    const ctx3 = new TestStoreContext()
    await kv.init(ctx3, kv)
    await ctx3.registered.get('tkv')!.restore([
      { key: b('a'), value: b('x'), timestamp: 7, offset: 0 },
      { key: b('b'), value: b('y'), timestamp: 8, offset: 1 },
      { key: b('b'), value: null, timestamp: 9, offset: 2 },
    ])
    expect(kv.get('a')).toEqual({ value: 'x', timestamp: 7 })
    expect(kv.get('b')).toBeNull()
  })
})
