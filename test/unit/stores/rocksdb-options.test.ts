import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { RocksDBKeyValueStore } from '../../../stores/rocksdb/rocksdb-key-value-store.js'
import { RocksDBWindowStore } from '../../../stores/rocksdb/rocksdb-window-store.js'
import {
  DEFAULT_WRITE_BUFFER_SIZE,
  RocksDBMemoryBudget,
  rocksDbOptionsSource,
  type RocksDBOptions,
} from '../../../stores/rocksdb/rocksdb-options.js'
import { testContext } from './rocksdb-test-context.js'

const MiB = 1024 * 1024
const dirs: string[] = []
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true })
})
async function taskDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'kstreams-rocks-options-'))
  dirs.push(d)
  return d
}

describe('RocksDB memory budget', () => {
  it('keeps the memtables of all open stores within the budget, and frees a closed store share', () => {
    const budget = new RocksDBMemoryBudget(40 * MiB)
    const sizes: number[] = []
    for (let i = 0; i < 6; i++) {
      const o = budget.acquire(`s${i}`)
      budget.opened(`s${i}`, o)
      sizes.push(o.writeBufferSize)
    }
    // half of what is left each time, two memtables a store, between 1 and 8 MiB a memtable
    expect(sizes.map(s => s / MiB)).toEqual([8, 6, 3, 1.5, 1, 1])
    expect(budget.used()).toBeLessThanOrEqual(40 * MiB + 2 * 2 * MiB) // only the 1 MiB floors may pass it
    budget.release('s0')
    budget.release('s1')
    expect(budget.used()).toBe((3 + 1.5 + 1 + 1) * 2 * MiB)
    // half of the 27 MiB left, over two memtables
    expect(budget.acquire('s6').writeBufferSize).toBe(6.75 * MiB)
    expect(new RocksDBMemoryBudget(64 * MiB).acquire('first').writeBufferSize).toBe(DEFAULT_WRITE_BUFFER_SIZE)
  })

  it('runs the application setter after the budget and names the store when it leaves a bad value', () => {
    const seen: [string, RocksDBOptions][] = []
    const source = rocksDbOptionsSource(64 * MiB, (name, options) => {
      seen.push([name, { ...options }])
      if (name === 'bad') options.maxWriteBufferNumber = 0
      else options.writeBufferSize = 2 * MiB
    })
    expect(source.options('counts', '/a').writeBufferSize).toBe(2 * MiB)
    expect(seen[0]).toEqual(['counts', { writeBufferSize: 8 * MiB, maxWriteBufferNumber: 2, blockCache: true, blockSize: 4096, bloomFilterBitsPerKey: 10, maxOpenFiles: -1 }])
    expect(() => source.options('bad', '/b')).toThrow(/rocksDbConfigSetter for store 'bad': maxWriteBufferNumber must be an integer ≥ 1 \(got 0\)/)
  })
})

describe('RocksDB stores take their options from the context', () => {
  it('a key-value store opens with the configured options and gives its share back on close', async () => {
    const calls: string[] = []
    const budget = rocksDbOptionsSource(16 * MiB, (name, o) => {
      calls.push(name)
      o.blockCache = false
      o.bloomFilterBitsPerKey = null
    })
    const context = { ...testContext({ taskDir: await taskDir() }), rocksDb: budget }
    const store = new RocksDBKeyValueStore('counts')
    await store.init(context, store)
    store.put(Buffer.from('k'), Buffer.from('v'))
    await store.flush()
    expect(Buffer.from((await store.get(Buffer.from('k')))!).toString()).toBe('v')
    expect(calls).toEqual(['counts'])
    await store.close()
    // its share is free again: the next store gets the largest memtables
    expect(budget.options('next', '/x').writeBufferSize).toBe(4 * MiB)
  })

  it('a window store opens its segments with the configured options', async () => {
    const calls: string[] = []
    const context = { ...testContext({ taskDir: await taskDir() }), rocksDb: rocksDbOptionsSource(64 * MiB, name => void calls.push(name)) }
    const store = new RocksDBWindowStore('windows', 60_000, 10_000, false, 30_000)
    await store.init(context, store)
    expect(calls).toEqual(['windows'])
    await store.close()
  })

  it('a setter that throws fails the store open with its error', async () => {
    const context = {
      ...testContext({ taskDir: await taskDir() }),
      rocksDb: rocksDbOptionsSource(64 * MiB, () => {
        throw new Error('setter failed')
      }),
    }
    const store = new RocksDBKeyValueStore('counts')
    await expect(store.init(context, store)).rejects.toThrow('setter failed')
    expect(store.isOpen()).toBe(false)
  })
})
