import { describe, expect, it } from 'vitest'
import { InMemoryKeyValueStore } from '../../../stores/memory/in-memory-key-value-store.js'
import { Stores } from '../../../stores/stores.js'
import { collect, isSyncIterable } from '../../../stores/internals/async-iterable.js'
import { BYTES_SERDE } from '../../../stores/internals/bytes-serde.js'
import { TestStoreContext, b, s, stringSerde, longSerde } from './support/store-context.js'

async function open(): Promise<InMemoryKeyValueStore> {
  const store = new InMemoryKeyValueStore('kv')
  await store.init(new TestStoreContext(), store)
  return store
}

const keys = async (it: AsyncIterable<{ key: Buffer }>) => (await collect(it)).map((kv) => s(kv.key))

describe('InMemoryKeyValueStore', () => {
  it('answers reads synchronously', async () => {
    const store = await open()
    store.put(b('a'), b('1'))
    expect(s(store.get(b('a')))).toBe('1')
    expect(store.get(b('zz'))).toBeNull()
    expect(isSyncIterable(store.all())).toBe(true)
  })

  it('orders keys byte-wise, not by string collation', async () => {
    const store = await open()
    for (const k of ['b', 'a', '\xff', 'ab', '\x00', 'B']) store.put(b(k), b(k))
    expect(await keys(store.all())).toEqual(['\x00', 'B', 'a', 'ab', 'b', '\xff'])
    expect(await keys(store.reverseAll())).toEqual(['\xff', 'b', 'ab', 'a', 'B', '\x00'])
  })

  it('scans inclusive ranges with open ends, forward and reverse', async () => {
    const store = await open()
    for (const k of ['a', 'b', 'c', 'd', 'e']) store.put(b(k), b(k))
    expect(await keys(store.range(b('b'), b('d')))).toEqual(['b', 'c', 'd'])
    expect(await keys(store.range(null, b('b')))).toEqual(['a', 'b'])
    expect(await keys(store.range(b('d'), null))).toEqual(['d', 'e'])
    expect(await keys(store.reverseRange(b('b'), b('d')))).toEqual(['d', 'c', 'b'])
    expect(await keys(store.reverseRange(b('bb'), null))).toEqual(['e', 'd', 'c'])
    expect(await keys(store.range(b('d'), b('b')))).toEqual([])
  })

  it('prefix-scans', async () => {
    const store = await open()
    for (const k of ['ab', 'a', 'abc', 'abd', 'ac', 'b']) store.put(b(k), b(k))
    expect(await keys(store.prefixScan(b('ab'), BYTES_SERDE))).toEqual(['ab', 'abc', 'abd'])
    expect(await keys(store.prefixScan(b('x'), BYTES_SERDE))).toEqual([])
  })

  it('deletes, putIfAbsent and putAll', async () => {
    const store = await open()
    expect(store.putIfAbsent(b('k'), b('1'))).toBeNull()
    expect(s(store.putIfAbsent(b('k'), b('2')))).toBe('1')
    expect(s(store.delete(b('k')))).toBe('1')
    expect(store.delete(b('k'))).toBeNull()
    store.putAll([
      { key: b('x'), value: b('1') },
      { key: b('y'), value: b('2') },
      { key: b('x'), value: null },
    ])
    expect(await keys(store.all())).toEqual(['y'])
    expect(store.approximateNumEntries()).toBe(1)
  })

  it('sees the live key set after the cursor while keys are added and deleted mid-scan', async () => {
    const store = await open()
    const pad = (n: number) => String(n).padStart(3, '0')
    const model = new Set<string>()
    for (let i = 0; i < 100; i += 2) {
      store.put(b(pad(i)), b('v'))
      model.add(pad(i))
    }
    const seen: string[] = []
    const expected: string[] = []
    let last = ''
    const mutate = (n: number) => {
      if (n % 3 === 0 && n + 1 < 100) store.put(b(pad(n + 1)), b('v')), model.add(pad(n + 1))
      if (n + 4 < 100) store.delete(b(pad(n + 4))), model.delete(pad(n + 4))
    }
    for (const kv of store.all() as Iterable<{ key: Buffer }>) {
      const k = s(kv.key) as string
      seen.push(k)
      mutate(Number(k))
    }
    // Model: each step yields the smallest live key after the previous one.
    const storeModel = model
    storeModel.clear()
    for (let i = 0; i < 100; i += 2) storeModel.add(pad(i))
    for (;;) {
      const next = [...storeModel].filter((k) => k > last).sort()[0]
      if (next === undefined) break
      expected.push(next)
      last = next
      mutate(Number(next))
    }
    expect(seen).toEqual(expected)
    expect(seen.length).toBeGreaterThan(3)
  })

  it('restores changelog records, tombstones included', async () => {
    const ctx = new TestStoreContext()
    const store = new InMemoryKeyValueStore('kv')
    await store.init(ctx, store)
    await ctx.registered.get('kv')!.restore([
      { key: b('a'), value: b('1'), timestamp: 1, offset: 0 },
      { key: b('b'), value: b('2'), timestamp: 1, offset: 1 },
      { key: b('a'), value: null, timestamp: 2, offset: 2 },
    ])
    expect(await keys(store.all())).toEqual(['b'])
  })

  it('refuses use before init and null keys', async () => {
    const store = new InMemoryKeyValueStore('kv')
    expect(() => store.get(b('a'))).toThrow(/"kv" is not open/)
    await store.init(new TestStoreContext(), store)
    expect(() => store.put(null as unknown as Buffer, b('1'))).toThrow(/key must not be null/)
  })
})

describe('Stores.keyValueStoreBuilder over an in-memory store', () => {
  it('builds a typed store with serdes; reads stay synchronous without caching', async () => {
    const store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('counts'), stringSerde, longSerde)
      .withLoggingDisabled()
      .build()
    await store.init(new TestStoreContext(), store)
    store.put('alice', 3)
    store.put('bob', 5)
    expect(store.get('alice')).toBe(3)
    expect(await collect(store.all())).toEqual([
      { key: 'alice', value: 3 },
      { key: 'bob', value: 5 },
    ])
  })

  it('timestamped builder stores ValueAndTimestamp in Kafka Streams format', async () => {
    const builder = Stores.timestampedKeyValueStoreBuilder(Stores.inMemoryKeyValueStore('t'), stringSerde, stringSerde)
    const store = builder.build()
    const ctx = new TestStoreContext()
    await store.init(ctx, store)
    ctx.setRecord(42)
    store.put('k', { value: 'v', timestamp: 1234 })
    expect(store.get('k')).toEqual({ value: 'v', timestamp: 1234 })
    // The changelog carries the plain value with the value's timestamp as record timestamp.
    expect(ctx.collector.sent).toEqual([
      { topic: 'app-t-changelog', partition: 3, key: b('k'), value: b('v'), timestamp: 1234 },
    ])
  })

  it('rejects a missing supplier and bad log configs by name', () => {
    expect(() => Stores.keyValueStoreBuilder(undefined as never, stringSerde, stringSerde)).toThrow(/supplier/)
    const builder = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('x'), stringSerde, stringSerde)
    expect(() => builder.withLoggingEnabled({ 'retention.ms': 5 as unknown as string })).toThrow(/retention\.ms.*"x"/)
    expect(builder.withLoggingEnabled({ 'min.compaction.lag.ms': '10' }).logConfig).toEqual({ 'min.compaction.lag.ms': '10' })
    expect(builder.withLoggingDisabled().loggingEnabled).toBe(false)
  })
})
