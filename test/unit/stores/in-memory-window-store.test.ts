import { describe, expect, it } from 'vitest'
import { InMemoryWindowStore } from '../../../stores/memory/in-memory-window-store.js'
import { Stores } from '../../../stores/stores.js'
import { collect } from '../../../stores/internals/async-iterable.js'
import { toWindowKey, windowKeyStart, windowKeySeqnum } from '../../../stores/internals/key-schema.js'
import { TestStoreContext, b, s, stringSerde } from './support/store-context.js'

async function open(retention = 1000, size = 100, dups = false, segment = 500): Promise<InMemoryWindowStore> {
  const store = new InMemoryWindowStore('w', { retentionPeriod: retention, windowSize: size, retainDuplicates: dups, segmentInterval: segment })
  await store.init(new TestStoreContext(), store)
  return store
}

const starts = async (it: AsyncIterable<{ key: number; value: Buffer }>) =>
  (await collect(it)).map((kv) => `${kv.key}:${s(kv.value)}`)
const windowed = async (it: AsyncIterable<{ key: { key: Buffer; window: { start: number; end: number } }; value: Buffer }>) =>
  (await collect(it)).map((kv) => `${s(kv.key.key)}@${kv.key.window.start}-${kv.key.window.end}=${s(kv.value)}`)

describe('window key schema', () => {
  it('is key | 8-byte big-endian start [| 4-byte seqnum], as Kafka Streams', () => {
    expect(toWindowKey(b('k'), 0x0102030405).toString('hex')).toBe('6b' + '0000000102030405')
    const dup = toWindowKey(b('k'), 7, 9)
    expect(dup.toString('hex')).toBe('6b' + '0000000000000007' + '00000009')
    expect(windowKeyStart(dup, true)).toBe(7)
    expect(windowKeySeqnum(dup)).toBe(9)
    expect(windowKeyStart(toWindowKey(b(''), 2 ** 52 + 3), false)).toBe(2 ** 52 + 3)
  })
})

describe('InMemoryWindowStore', () => {
  it('fetches one window synchronously and ranges by window start, across segments', async () => {
    const store = await open(10_000, 100, false, 500)
    for (const t of [900, 100, 1300, 0, 600]) store.put(b('a'), b(`v${t}`), t)
    store.put(b('ab'), b('other'), 600)
    expect(s(store.fetch(b('a'), 600))).toBe('v600')
    expect(store.fetch(b('a'), 601)).toBeNull()
    expect(await starts(store.fetchRange(b('a'), 100, 1300))).toEqual(['100:v100', '600:v600', '900:v900', '1300:v1300'])
    expect(await starts(store.backwardFetchRange(b('a'), 0, 900))).toEqual(['900:v900', '600:v600', '100:v100', '0:v0'])
    expect(await starts(store.fetchRange(b('a'), 101, 599))).toEqual([])
  })

  it('does not confuse keys that are prefixes of each other', async () => {
    const store = await open()
    store.put(b('a'), b('1'), 5)
    store.put(b('a\x00'), b('2'), 5)
    store.put(b('a\x00\x00\x00\x00\x00\x00\x00'), b('3'), 0)
    expect(await starts(store.fetchRange(b('a'), 0, 10))).toEqual(['5:1'])
    expect(await starts(store.fetchRange(b('a\x00'), 0, 10))).toEqual(['5:2'])
  })

  it('deletes a window with a null value', async () => {
    const store = await open()
    store.put(b('a'), b('1'), 5)
    store.put(b('a'), null, 5)
    expect(store.fetch(b('a'), 5)).toBeNull()
    expect(await collect(store.all())).toEqual([])
  })

  it('fetches key ranges and all, with window ends = start + size', async () => {
    const store = await open(10_000, 100, false, 500)
    store.put(b('c'), b('c0'), 0)
    store.put(b('a'), b('a0'), 0)
    store.put(b('b'), b('b600'), 600)
    store.put(b('a'), b('a600'), 600)
    store.put(b('d'), b('d600'), 600)
    expect(await windowed(store.fetchKeyRange(b('a'), b('c'), 0, 1000))).toEqual([
      'a@0-100=a0',
      'c@0-100=c0',
      'a@600-700=a600',
      'b@600-700=b600',
    ])
    expect(await windowed(store.fetchKeyRange(null, b('a'), 0, 1000))).toEqual(['a@0-100=a0', 'a@600-700=a600'])
    expect(await windowed(store.fetchAll(500, 600))).toEqual(['a@600-700=a600', 'b@600-700=b600', 'd@600-700=d600'])
    expect(await windowed(store.all())).toHaveLength(5)
    expect(await windowed(store.fetchKeyRange(b('c'), b('a'), 0, 1000))).toEqual([])
  })

  it('expires windows starting at or before stream time - retention', async () => {
    const store = await open(1000, 100, false, 500)
    store.put(b('a'), b('old'), 0)
    store.put(b('a'), b('mid'), 500)
    store.put(b('a'), b('new'), 1000) // stream time 1000: start 0 expires
    expect(store.fetch(b('a'), 0)).toBeNull()
    expect(await starts(store.fetchRange(b('a'), 0, 2000))).toEqual(['500:mid', '1000:new'])
    store.put(b('a'), b('late'), 0) // expired on arrival: dropped
    expect(store.fetch(b('a'), 0)).toBeNull()
    store.put(b('a'), b('newer'), 1501)
    expect(await starts(store.fetchRange(b('a'), 0, 2000))).toEqual(['1000:new', '1501:newer'])
  })

  it('retainDuplicates keeps every put in arrival order and ignores null puts', async () => {
    const store = await open(1000, 100, true)
    store.put(b('k'), b('x'), 10)
    store.put(b('k'), b('y'), 10)
    store.put(b('k'), b('z'), 5)
    store.put(b('k'), null, 10)
    expect(await starts(store.fetchRange(b('k'), 0, 100))).toEqual(['5:z', '10:x', '10:y'])
    expect(s(store.fetch(b('k'), 10))).toBe('x')
  })

  it('restores window-store keys from the changelog', async () => {
    const ctx = new TestStoreContext()
    const store = new InMemoryWindowStore('w', { retentionPeriod: 1000, windowSize: 10, retainDuplicates: false, segmentInterval: 500 })
    await store.init(ctx, store)
    await ctx.registered.get('w')!.restore([
      { key: toWindowKey(b('a'), 20), value: b('1'), timestamp: 20, offset: 0 },
      { key: toWindowKey(b('a'), 30), value: b('2'), timestamp: 30, offset: 1 },
      { key: toWindowKey(b('a'), 20), value: null, timestamp: 31, offset: 2 },
    ])
    expect(await starts(store.fetchRange(b('a'), 0, 100))).toEqual(['30:2'])
  })

  it('rejects negative window starts and bad suppliers by name', async () => {
    const store = await open()
    expect(() => store.put(b('a'), b('1'), -1)).toThrow(/"w": window start must be a non-negative integer/)
    expect(() => Stores.inMemoryWindowStore('x', 10, 100, false)).toThrow(/"x".*retention period \(10 ms\).*window size \(100 ms\)/)
    expect(() => Stores.inMemoryWindowStore('x', -5, 1, false)).toThrow(/"x": retentionPeriod/)
  })

  it('typed builder: serdes on keys and values, windowed keys deserialized', async () => {
    const supplier = Stores.inMemoryWindowStore('agg', 60_000, 1000, false)
    expect(supplier.segmentInterval).toBe(60_000)
    const store = Stores.windowStoreBuilder(supplier, stringSerde, stringSerde).withLoggingDisabled().build()
    await store.init(new TestStoreContext(), store)
    store.put('user', 'v1', 1000)
    store.put('user', 'v2', 2000)
    expect(store.fetch('user', 2000)).toBe('v2')
    expect(await collect(store.fetchRange('user', 0, 5000))).toEqual([
      { key: 1000, value: 'v1' },
      { key: 2000, value: 'v2' },
    ])
    expect(await collect(store.all())).toEqual([
      { key: { key: 'user', window: { start: 1000, end: 2000 } }, value: 'v1' },
      { key: { key: 'user', window: { start: 2000, end: 3000 } }, value: 'v2' },
    ])
  })
})
