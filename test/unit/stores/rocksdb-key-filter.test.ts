import { describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { KeyFilter } from '../../../stores/rocksdb/key-filter.js'
import { RocksDBKeyValueStore } from '../../../stores/rocksdb/rocksdb-key-value-store.js'
import { tempDir, testContext } from './rocksdb-test-context.js'

describe('KeyFilter', () => {
  it('never forgets a key and rarely claims an unseen one, while growing', () => {
    const f = new KeyFilter()
    const n = 300_000
    for (let i = 0; i < n; i++) f.add(Buffer.from(`word-${i}`))
    let forgotten = 0
    for (let i = 0; i < n; i++) if (!f.mightContain(Buffer.from(`word-${i}`))) forgotten++
    expect(forgotten).toBe(0)
    let falsePositives = 0
    for (let i = 0; i < 100_000; i++) if (f.mightContain(Buffer.from(`other-${i}`))) falsePositives++
    expect(falsePositives / 100_000).toBeLessThan(0.03)
    expect(f.sizeBytes).toBeLessThan(n * 2.5) // 10 bits a key in full stages, stages doubling
  })
})

describe('RocksDB store reads on a store that started empty', () => {
  it('answers never-written keys without a native lookup, and stays right across deletes, restore and reopen', async () => {
    const dir = await tempDir()
    const taskDir = join(dir.path, 'app', '0_0')
    try {
      const ctx = testContext({ taskDir })
      const store = new RocksDBKeyValueStore('kv')
      await store.init(ctx, store)
      expect(store.get(Buffer.from('never'))).toBeNull() // synchronous: no promise
      store.put(Buffer.from('a'), Buffer.from('1'))
      store.put(Buffer.from('a'), null)
      store.put(Buffer.from('a'), Buffer.from('2')) // re-put of a pending delete
      await ctx.restorers.get('kv')!([{ key: Buffer.from('r'), value: Buffer.from('3'), timestamp: 0, offset: 0 }])
      await store.flush()
      expect(await store.get(Buffer.from('a'))).toEqual(Buffer.from('2'))
      expect(await store.get(Buffer.from('r'))).toEqual(Buffer.from('3'))
      await store.close()
      const reopened = new RocksDBKeyValueStore('kv')
      await reopened.init(testContext({ taskDir }), reopened)
      // a reopened store has keys the filter never saw: reads go to RocksDB
      expect(reopened.get(Buffer.from('a'))).toBeInstanceOf(Promise)
      expect(await reopened.get(Buffer.from('r'))).toEqual(Buffer.from('3'))
      await reopened.close()
    } finally {
      await dir.remove()
    }
  })
})
