import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { RocksDBWindowStore } from '../../../stores/rocksdb/rocksdb-window-store.js'
import { RocksDBSessionStore } from '../../../stores/rocksdb/rocksdb-session-store.js'
import { defaultSegmentInterval } from '../../../stores/rocksdb/segments.js'
import { PersistentStores } from '../../../stores/rocksdb/suppliers.js'
import { tempDir, testContext } from './rocksdb-test-context.js'

const b = (s: string) => Buffer.from(s)
async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const x of it) out.push(x)
  return out
}

const MIN = 60_000

describe('RocksDB window store', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  let taskDir: string
  let store: RocksDBWindowStore
  const storeDir = () => join(taskDir, 'rocksdb', 'win')

  beforeEach(async () => {
    dir = await tempDir()
    taskDir = join(dir.path, 'app', '0_0')
    // retention 2 min, window 10 s, segments of 1 min
    store = new RocksDBWindowStore('win', 2 * MIN, 10_000, false, MIN)
    await store.init(testContext({ taskDir }), store)
  })
  afterEach(async () => {
    await store.close()
    await dir.remove()
  })

  it('uses Kafka Streams segment intervals', () => {
    expect(defaultSegmentInterval(10_000)).toBe(60_000)
    expect(defaultSegmentInterval(24 * 3600_000)).toBe(12 * 3600_000)
    expect(PersistentStores.persistentWindowStore('w', 3600_000, 1000, false).segmentInterval).toBe(1800_000)
    expect(() => PersistentStores.persistentWindowStore('w', 100, 1000, false)).toThrow(/retention period/)
    expect(() => PersistentStores.persistentKeyValueStore('bad/name')).toThrow(/bad\/name/)
  })

  it('puts and fetches windows, read-your-writes then from disk after flush', async () => {
    await store.put(b('a'), b('1'), 0)
    await store.put(b('a'), b('2'), 10_000)
    await store.put(b('ab'), b('x'), 10_000) // a longer key sharing the prefix must not leak into 'a'
    await store.put(b('b'), b('3'), 10_000)
    expect(await store.fetch(b('a'), 0)).toEqual(b('1'))
    await store.flush()
    expect(await store.fetch(b('a'), 10_000)).toEqual(b('2'))
    expect((await collect(store.fetchRange(b('a'), 0, 20_000))).map((e) => [e.key, e.value.toString()])).toEqual([[0, '1'], [10_000, '2']])
    expect((await collect(store.backwardFetchRange(b('a'), 0, 20_000))).map((e) => e.key)).toEqual([10_000, 0])
    const kr = await collect(store.fetchKeyRange(b('a'), b('ab'), 5_000, 20_000))
    expect(kr.map((e) => `${e.key.key}@${e.key.window.start}-${e.key.window.end}=${e.value}`)).toEqual(['a@10000-20000=2', 'ab@10000-20000=x'])
    expect((await collect(store.fetchAll(10_000, 10_000))).length).toBe(3)
    await store.put(b('a'), null, 0)
    expect(await store.fetch(b('a'), 0)).toBeNull()
  })

  it('drops whole expired segments: their directories go, their windows vanish', async () => {
    await store.put(b('k'), b('old'), 0) // segment 0
    await store.put(b('k'), b('mid'), MIN + 1) // segment 1
    await store.flush()
    expect((await readdir(storeDir())).sort()).toEqual(['win.0', 'win.60000'])
    // stream time 3 min + 1: min live time = 1 min + 2 ms, segment 0 (0..59 999) is past retention
    await store.put(b('k'), b('new'), 3 * MIN + 1)
    await store.flush()
    expect((await readdir(storeDir())).sort()).toEqual(['win.180000', 'win.60000'])
    expect(await store.fetch(b('k'), 0)).toBeNull()
    expect((await collect(store.all())).map((e) => e.value.toString())).toEqual(['new'])
    // a write into an expired segment is dropped, as in Kafka Streams
    await store.put(b('late'), b('x'), 10)
    expect(await store.fetch(b('late'), 10)).toBeNull()
  })

  it('keeps every duplicate with retainDuplicates', async () => {
    const dups = new RocksDBWindowStore('dups', 2 * MIN, 10_000, true, MIN)
    await dups.init(testContext({ taskDir }), dups)
    await dups.put(b('k'), b('1'), 5)
    await dups.put(b('k'), b('2'), 5)
    await dups.flush()
    await dups.put(b('k'), b('3'), 5)
    expect((await collect(dups.fetchRange(b('k'), 0, 10))).map((e) => e.value.toString())).toEqual(['1', '2', '3'])
    expect(await dups.fetch(b('k'), 5)).toEqual(b('1'))
    await dups.close()
  })

  it('reopens its segments from disk', async () => {
    await store.put(b('k'), b('v'), MIN * 5)
    await store.flush()
    await store.close()
    store = new RocksDBWindowStore('win', 2 * MIN, 10_000, false, MIN)
    await store.init(testContext({ taskDir }), store)
    expect(store.freshlyCreated).toBe(false)
    expect(await store.fetch(b('k'), MIN * 5)).toEqual(b('v'))
  })
})

describe('RocksDB session store', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  let store: RocksDBSessionStore
  let taskDir: string

  beforeEach(async () => {
    dir = await tempDir()
    taskDir = join(dir.path, 'app', '0_0')
    store = new RocksDBSessionStore('sess', 2 * MIN, MIN)
    await store.init(testContext({ taskDir }), store)
  })
  afterEach(async () => {
    await store.close()
    await dir.remove()
  })

  const s = (key: string, start: number, end: number) => ({ key: b(key), window: { start, end } })

  it('finds sessions overlapping a range, fetches and removes them', async () => {
    await store.put(s('u', 0, 100), b('2'))
    await store.put(s('u', 500, 700), b('3'))
    await store.put(s('u2', 0, 100), b('9'))
    await store.flush()
    await store.put(s('u', 1000, 1000), b('1'))
    const found = await collect(store.findSessions(b('u'), 50, 600))
    expect(found.map((e) => `${e.key.window.start}-${e.key.window.end}=${e.value}`)).toEqual(['0-100=2', '500-700=3'])
    expect((await collect(store.fetch(b('u')))).length).toBe(3)
    expect(await store.fetchSession(b('u'), 500, 700)).toEqual(b('3'))
    await store.remove(s('u', 500, 700))
    expect(await store.fetchSession(b('u'), 500, 700)).toBeNull()
    expect((await collect(store.fetch(b('u')))).map((e) => e.key.window.start)).toEqual([0, 1000])
  })

  it('expires sessions by end time with whole segments', async () => {
    await store.put(s('u', 0, 10), b('old'))
    await store.put(s('u', 4 * MIN, 4 * MIN), b('new'))
    await store.flush()
    expect((await collect(store.fetch(b('u')))).map((e) => e.value.toString())).toEqual(['new'])
    expect(await readdir(join(taskDir, 'rocksdb', 'sess'))).toEqual(['sess.240000'])
  })
})
