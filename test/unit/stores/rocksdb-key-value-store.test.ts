import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { RocksDBKeyValueStore, prefixSuccessor } from '../../../stores/rocksdb/rocksdb-key-value-store.js'
import { RocksDatabase } from '../../../stores/rocksdb/rocks-database.js'
import { tempDir, testContext } from './rocksdb-test-context.js'

const b = (s: string) => Buffer.from(s)
const str = (e: { key: Buffer; value: Buffer }) => `${e.key}=${e.value}`

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const x of it) out.push(x)
  return out
}

describe('RocksDBKeyValueStore', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  let store: RocksDBKeyValueStore
  let taskDir: string

  beforeEach(async () => {
    dir = await tempDir()
    taskDir = join(dir.path, 'app', '0_0')
    store = new RocksDBKeyValueStore('counts')
    await store.init(testContext({ taskDir }), store)
  })
  afterEach(async () => {
    await store.close()
    await dir.remove()
  })

  it('lives at <taskDir>/rocksdb/<store>', async () => {
    expect(store.path).toBe(join(taskDir, 'rocksdb', 'counts'))
    expect(await readdir(join(taskDir, 'rocksdb'))).toEqual(['counts'])
    expect(store.freshlyCreated).toBe(true)
  })

  it('reads its own unflushed writes, synchronously', async () => {
    store.put(b('a'), b('1'))
    expect(store.get(b('a'))).toEqual(b('1'))
    store.put(b('a'), null)
    expect(store.get(b('a'))).toBeNull()
    expect(await store.get(b('missing'))).toBeNull()
  })

  it('keeps writes in memory until flush, then in RocksDB across reopen', async () => {
    store.put(b('a'), b('1'))
    store.put(b('b'), b('2'))
    await store.flush()
    store.put(b('c'), b('3')) // never flushed: dropped by close, as in Kafka Streams
    await store.close()
    const reopened = new RocksDBKeyValueStore('counts')
    await reopened.init(testContext({ taskDir }), reopened)
    expect(reopened.freshlyCreated).toBe(false)
    expect((await collect(reopened.all())).map(str)).toEqual(['a=1', 'b=2'])
    await reopened.close()
  })

  it('flushes one write batch: a reader of the database sees nothing before flush', async () => {
    store.put(b('k'), b('v'))
    await store.close()
    const db = await RocksDatabase.open(join(taskDir, 'rocksdb', 'counts'))
    expect(await db.get(b('k'))).toBeNull()
    await db.close()
  })

  it('bounds unflushed writes: past maxPendingBytes they reach RocksDB early, as a batch', async () => {
    const ctx = testContext({ taskDir: join(dir.path, 'app', '0_2') })
    const small = new RocksDBKeyValueStore('small', { maxPendingBytes: 64 * 1024 })
    await small.init(ctx, small)
    for (let i = 0; i < 2000; i++) small.put(b(`k${String(i).padStart(5, '0')}`), Buffer.alloc(100, 1))
    await new Promise((r) => setTimeout(r, 50))
    const db = (small as unknown as { table: { db: RocksDatabase } }).table.db
    expect(await db.get(b('k00000'))).toEqual(Buffer.alloc(100, 1)) // written before any flush()
    expect((await collect(small.all())).length).toBe(2000)
    await small.flush()
    expect(await db.get(b('k01999'))).toEqual(Buffer.alloc(100, 1))
    await small.close()
  })

  it('merges flushed and unflushed data in byte order, forward and reverse, with open ends', async () => {
    for (const k of ['b', 'd', 'f', 'h']) store.put(b(k), b(k.toUpperCase()))
    await store.flush()
    store.put(b('a'), b('A'))
    store.put(b('d'), b('D2'))
    store.put(b('f'), null)
    store.put(b('g'), b('G'))
    expect((await collect(store.all())).map(str)).toEqual(['a=A', 'b=B', 'd=D2', 'g=G', 'h=H'])
    expect((await collect(store.reverseAll())).map(str)).toEqual(['h=H', 'g=G', 'd=D2', 'b=B', 'a=A'])
    expect((await collect(store.range(b('b'), b('g')))).map(str)).toEqual(['b=B', 'd=D2', 'g=G'])
    expect((await collect(store.reverseRange(b('c'), null))).map(str)).toEqual(['h=H', 'g=G', 'd=D2'])
    expect((await collect(store.range(null, b('c')))).map(str)).toEqual(['a=A', 'b=B'])
    expect(await collect(store.range(b('z'), b('a')))).toEqual([])
  })

  it('orders keys byte-wise, including bytes above 0x7f', async () => {
    const keys = [Buffer.from([0x00]), Buffer.from([0x7f]), Buffer.from([0x80]), Buffer.from([0xff]), Buffer.from([0xff, 0x00])]
    for (const k of [...keys].reverse()) store.put(k, b('x'))
    await store.flush()
    store.put(Buffer.from([0x81]), b('y'))
    const got = (await collect(store.all())).map((e) => e.key.toString('hex'))
    expect(got).toEqual(['00', '7f', '80', '81', 'ff', 'ff00'])
  })

  it('scans many thousands of keys across native chunks and stops cleanly on break', async () => {
    for (let i = 0; i < 5000; i++) store.put(b(`k${String(i).padStart(5, '0')}`), b(String(i)))
    await store.flush()
    const all = await collect(store.all())
    expect(all.length).toBe(5000)
    expect(all[4999].value.toString()).toBe('4999')
    let seen = 0
    for await (const _ of store.range(b('k00100'), null)) {
      if (++seen === 1500) break
    }
    expect(seen).toBe(1500)
    // the broken-off iterator released its native resources: close does not hang
  })

  it('prefix scans, including a prefix ending in 0xff', async () => {
    for (const k of ['ab', 'abc', 'abd', 'ac', 'b']) store.put(b(k), b('1'))
    store.put(Buffer.from([0x61, 0xff, 0x01]), b('2'))
    await store.flush()
    const serde = { serialize: (_t: string, s: string | null) => (s === null ? null : b(s)), deserialize: () => null }
    expect((await collect(store.prefixScan('ab', serde))).map((e) => e.key.toString())).toEqual(['ab', 'abc', 'abd'])
    const ffSerde = { serialize: () => Buffer.from([0x61, 0xff]), deserialize: () => null }
    expect((await collect(store.prefixScan('x', ffSerde))).map((e) => e.key.toString('hex'))).toEqual(['61ff01'])
    expect(prefixSuccessor(Buffer.from([0x61, 0xff]))).toEqual(Buffer.from([0x62]))
    expect(prefixSuccessor(Buffer.from([0xff]))).toBeNull()
  })

  it('putIfAbsent, delete and approximate counts', async () => {
    expect(await store.putIfAbsent(b('a'), b('1'))).toBeNull()
    expect(await store.putIfAbsent(b('a'), b('2'))).toEqual(b('1'))
    await store.flush()
    expect(await store.delete(b('a'))).toEqual(b('1'))
    expect(await store.get(b('a'))).toBeNull()
    for (let i = 0; i < 100; i++) store.put(b(`n${i}`), b('x'))
    await store.flush()
    const n = await store.approximateNumEntries()
    expect(n).toBeGreaterThanOrEqual(90)
    expect(n).toBeLessThanOrEqual(110)
  })

  it('iterates a snapshot: writes made during a scan do not show in it', async () => {
    store.put(b('a'), b('1'))
    store.put(b('c'), b('3'))
    const it = store.all()[Symbol.asyncIterator]()
    const first = await it.next()
    store.put(b('b'), b('2'))
    const rest = []
    for (let r = await it.next(); !r.done; r = await it.next()) rest.push(str(r.value))
    expect(str(first.value)).toBe('a=1')
    expect(rest).toEqual(['c=3'])
  })

  it('restores changelog batches straight to disk', async () => {
    const ctx = testContext({ taskDir: join(dir.path, 'app', '0_1') })
    const other = new RocksDBKeyValueStore('restored')
    await other.init(ctx, other)
    await ctx.restorers.get('restored')!([
      { key: b('x'), value: b('1'), timestamp: 1, offset: 0 },
      { key: b('y'), value: b('2'), timestamp: 2, offset: 1 },
      { key: b('x'), value: null, timestamp: 3, offset: 2 },
    ])
    expect((await collect(other.all())).map(str)).toEqual(['y=2'])
    await other.close()
  })

  it('lets the last restore batch finish before close, reads and scans', async () => {
    const restoreDir = join(dir.path, 'app', '0_3')
    const ctx = testContext({ taskDir: restoreDir })
    const s1 = new RocksDBKeyValueStore('r')
    await s1.init(ctx, s1)
    const restore = ctx.restorers.get('r')!
    const batch = (from: number) => Array.from({ length: 2000 }, (_, i) => ({ key: b(`k${String(from + i).padStart(6, '0')}`), value: b('v'), timestamp: 0, offset: from + i }))
    await restore(batch(0))
    await restore(batch(2000)) // resolves with this batch possibly still being written
    expect((await collect(s1.range(b('k002000'), null))).length).toBe(2000)
    await restore(batch(4000))
    await s1.close() // must not drop the batch in flight
    const s2 = new RocksDBKeyValueStore('r')
    await s2.init(testContext({ taskDir: restoreDir }), s2)
    expect((await collect(s2.all())).length).toBe(6000)
    await s2.close()
  })

  it('rejects use after close and null keys with errors naming the store', async () => {
    expect(() => store.put(null as unknown as Buffer, b('v'))).toThrow(/counts/)
    await store.close()
    expect(() => store.get(b('a'))).toThrow(/counts/)
  })
})
