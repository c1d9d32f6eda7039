// Restore: everything written through a logged store, captured by a real collector, must come
// back identical in a fresh state directory, from offset 0 or from a checkpoint.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { RestoreRecord } from '../../../stores/state-store.js'
import type { KeyValueStore } from '../../../stores/key-value-store.js'
import { KeyValueStoreBuilder, TimestampedKeyValueStoreBuilder } from '../../../stores/builders/key-value-store-builder.js'
import { ChangeLoggingWindowStore } from '../../../stores/logging/change-logging-window-store.js'
import { ChangeLoggingSessionStore } from '../../../stores/logging/change-logging-session-store.js'
import { PersistentStores } from '../../../stores/rocksdb/suppliers.js'
import { RocksDBWindowStore } from '../../../stores/rocksdb/rocksdb-window-store.js'
import { RocksDBSessionStore } from '../../../stores/rocksdb/rocksdb-session-store.js'
import { StateRestorer, restoreFrom } from '../../../stores/restore/state-restorer.js'
import type { StateRestoreListener } from '../../../stores/restore/state-restore-listener.js'
import { takeTaskCheckpoint, writeTaskCheckpoint } from '../../../stores/checkpoint/task-state.js'
import { tempDir, testContext, type SentRecord, type TestContext } from './rocksdb-test-context.js'

const strings = { serialize: (_t: string, d: string | null) => (d === null ? null : Buffer.from(d)), deserialize: (_t: string, d: Buffer | null) => (d === null ? null : d.toString()) }
const longs = {
  serialize: (_t: string, d: number | null) => (d === null ? null : Buffer.from(new BigInt64Array([BigInt(d)]).buffer).reverse()),
  deserialize: (_t: string, d: Buffer | null) => (d === null ? null : Number(d.readBigInt64BE(0))),
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const x of it) out.push(x)
  return out
}

function toRestore(records: SentRecord[]): RestoreRecord[] {
  return records.map((r) => ({ key: r.key!, value: r.value, timestamp: r.timestamp, offset: r.offset }))
}

function* batchesOf<T>(items: T[], size: number): Iterable<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size)
}

class RecordingListener implements StateRestoreListener {
  readonly calls: string[] = []
  onRestoreStart(store: string, changelog: string, partition: number, start: number, end: number) {
    this.calls.push(`start ${store} ${changelog}-${partition} ${start}..${end}`)
  }
  onBatchRestored(_s: string, _c: string, _p: number, batchEnd: number, n: number) {
    this.calls.push(`batch ${batchEnd} ${n}`)
  }
  onRestoreEnd(store: string, _c: string, _p: number, total: number) {
    this.calls.push(`end ${store} ${total}`)
  }
}

describe('restoring RocksDB stores from their changelogs', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  beforeEach(async () => {
    dir = await tempDir('kstreams-restore-')
  })
  afterEach(() => dir.remove())

  async function openCounts(taskDir: string, timestamped = false): Promise<{ store: KeyValueStore<string, any>; ctx: TestContext }> {
    const supplier = timestamped ? PersistentStores.persistentTimestampedKeyValueStore('counts') : PersistentStores.persistentKeyValueStore('counts')
    const builder = timestamped ? new TimestampedKeyValueStoreBuilder(supplier, strings, longs) : new KeyValueStoreBuilder(supplier, strings, longs)
    const store = builder.withCachingDisabled().build() as KeyValueStore<string, any>
    const ctx = testContext({ taskDir })
    await store.init(ctx, store)
    return { store, ctx }
  }

  it('rebuilds every key in a fresh state dir from offset 0, reporting progress', async () => {
    const { store, ctx } = await openCounts(join(dir.path, 'a', 'app', '0_0'))
    const model = new Map<string, number>()
    for (let i = 0; i < 3000; i++) {
      const k = `key-${i % 1200}`
      ctx.setTimestamp(i)
      if (i % 97 === 0) {
        await store.delete(k)
        model.delete(k)
      } else {
        await store.put(k, i)
        model.set(k, i)
      }
    }
    await store.flush()
    const changelog = ctx.collector.changelog('app-counts-changelog')
    expect(changelog.length).toBe(3000)
    await store.close()

    const fresh = await openCounts(join(dir.path, 'b', 'app', '0_0'))
    const listener = new RecordingListener()
    const restorer = new StateRestorer({ storeName: 'counts', changelogTopic: 'app-counts-changelog', partition: 0, restore: fresh.ctx.restorers.get('counts')!, startOffset: 0, endOffset: 3000, listener })
    const end = await restoreFrom(restorer, batchesOf(toRestore(changelog), 1000))
    expect(end).toEqual({ topic: 'app-counts-changelog', partition: 0, offset: 3000 })
    expect(listener.calls).toEqual(['start counts app-counts-changelog-0 0..3000', 'batch 999 1000', 'batch 1999 1000', 'batch 2999 1000', 'end counts 3000'])
    // restore bypassed logging: nothing was sent
    expect(fresh.ctx.collector.sent).toEqual([])
    const restored = new Map((await collect(fresh.store.all())).map((e) => [e.key, e.value]))
    expect(restored).toEqual(model)
    await fresh.store.close()
  })

  it('resumes from a checkpoint: only records after it are replayed', async () => {
    const taskDir = join(dir.path, 'app', '0_0')
    const first = await openCounts(taskDir)
    for (let i = 0; i < 500; i++) await first.store.put(`k${i}`, i)
    await first.store.flush()
    const checkpointed = first.ctx.collector.changelog('app-counts-changelog').length
    await writeTaskCheckpoint(taskDir, [{ topic: 'app-counts-changelog', partition: 0, offset: checkpointed }])
    for (let i = 0; i < 500; i += 2) await first.store.put(`k${i}`, i * 10)
    for (let i = 1; i < 500; i += 5) await first.store.delete(`k${i}`)
    const changelog = first.ctx.collector.changelog('app-counts-changelog')
    await first.store.close() // crash: the writes after the checkpoint never reached RocksDB

    const again = await openCounts(taskDir)
    const offsets = await takeTaskCheckpoint({ taskDir, exactlyOnce: false })
    const start = offsets.get('app-counts-changelog:0')!.offset
    expect(start).toBe(500)
    expect(await again.store.get('k0')).toBe(0) // stale until restored
    const restorer = new StateRestorer({ storeName: 'counts', changelogTopic: 'app-counts-changelog', partition: 0, restore: again.ctx.restorers.get('counts')!, startOffset: start, endOffset: changelog.length })
    await restoreFrom(restorer, batchesOf(toRestore(changelog.slice(start)), 64))
    expect(restorer.totalRestored).toBe(changelog.length - 500)
    for (let i = 0; i < 500; i++) {
      const want = i % 5 === 1 ? null : i % 2 === 0 ? i * 10 : i
      expect(await again.store.get(`k${i}`)).toBe(want)
    }
    await again.store.close()
  })

  it('restores timestamped values with the changelog record timestamps', async () => {
    const a = await openCounts(join(dir.path, 'a', 'app', '0_0'), true)
    await a.store.put('x', { value: 5, timestamp: 1234 })
    await a.store.put('y', { value: 6, timestamp: 99 })
    const changelog = a.ctx.collector.changelog('app-counts-changelog')
    await a.store.close()
    const b = await openCounts(join(dir.path, 'b', 'app', '0_0'), true)
    await restoreFrom(new StateRestorer({ storeName: 'counts', changelogTopic: 'app-counts-changelog', partition: 0, restore: b.ctx.restorers.get('counts')!, startOffset: 0, endOffset: 2 }), [toRestore(changelog)])
    expect(await b.store.get('x')).toEqual({ value: 5, timestamp: 1234 })
    expect(await b.store.get('y')).toEqual({ value: 6, timestamp: 99 })
    await b.store.close()
  })

  it('stops at the end offset and honours positions past transaction markers', async () => {
    const { store, ctx } = await openCounts(join(dir.path, 'app', '0_0'))
    const restore = ctx.restorers.get('counts')!
    const rec = (offset: number, v: number): RestoreRecord => ({ key: Buffer.from(`k${offset}`), value: longs.serialize('', v), timestamp: 0, offset })
    const r = new StateRestorer({ storeName: 'counts', changelogTopic: 'c', partition: 0, restore, startOffset: 10, endOffset: 14 })
    await r.restoreBatch([rec(10, 1), rec(11, 2)], 13) // 12 is a commit marker
    expect(r.nextOffset).toBe(13)
    expect(r.isComplete).toBe(false)
    await r.restoreBatch([rec(13, 3), rec(14, 4), rec(15, 5)])
    expect(r.isComplete).toBe(true)
    expect(r.totalRestored).toBe(3)
    expect(await store.get('k14')).toBeNull()
    expect(await store.get('k13')).toBe(3)
    expect(await r.finish()).toEqual({ topic: 'c', partition: 0, offset: 14 })
    await expect(r.restoreBatch([])).rejects.toThrow(/already ended/)
    const nothing = new RecordingListener()
    await restoreFrom(new StateRestorer({ storeName: 'counts', changelogTopic: 'c', partition: 0, restore, startOffset: 5, endOffset: 5, listener: nothing }), [])
    expect(nothing.calls).toEqual([]) // nothing to restore: no callbacks, as Kafka Streams
    await store.close()
  })

  it('restores a window store: windows past retention stay dropped, whole segments only', async () => {
    const MIN = 60_000
    const open = async (taskDir: string) => {
      const inner = new RocksDBWindowStore('win', 2 * MIN, 1000, false, MIN)
      const store = new ChangeLoggingWindowStore(inner, false)
      const ctx = testContext({ taskDir })
      await store.init(ctx, store)
      return { store, ctx }
    }
    const a = await open(join(dir.path, 'a', 'app', '0_0'))
    for (let t = 0; t <= 5 * MIN; t += 10_000) {
      for (const k of ['p', 'q', 'r']) await a.store.put(Buffer.from(k), Buffer.from(`${k}@${t}`), t)
    }
    await a.store.flush()
    const want = (await collect(a.store.all())).map((e) => `${e.key.key}@${e.key.window.start}=${e.value}`)
    expect(want.length).toBeGreaterThan(0)
    expect(want.some((w) => w.includes('@0='))).toBe(false) // expired before restore ever runs
    const changelog = a.ctx.collector.changelog('app-win-changelog')
    await a.store.close()

    const bDir = join(dir.path, 'b', 'app', '0_0')
    const b = await open(bDir)
    await restoreFrom(new StateRestorer({ storeName: 'win', changelogTopic: 'app-win-changelog', partition: 0, restore: b.ctx.restorers.get('win')!, startOffset: 0, endOffset: changelog.length }), batchesOf(toRestore(changelog), 7))
    const got = (await collect(b.store.all())).map((e) => `${e.key.key}@${e.key.window.start}=${e.value}`)
    expect(got.sort()).toEqual([...want].sort())
    const segments = (await readdir(join(bDir, 'rocksdb', 'win'))).sort()
    expect(segments).toEqual(['win.180000', 'win.240000', 'win.300000'])
    await b.store.close()
  })

  it('restores a session store', async () => {
    const open = async (taskDir: string) => {
      const store = new ChangeLoggingSessionStore(new RocksDBSessionStore('sess', 3_600_000, 1_800_000))
      const ctx = testContext({ taskDir })
      await store.init(ctx, store)
      return { store, ctx }
    }
    const a = await open(join(dir.path, 'a', 'app', '0_0'))
    const w = (k: string, s: number, e: number) => ({ key: Buffer.from(k), window: { start: s, end: e } })
    await a.store.put(w('u', 0, 10), Buffer.from('1'))
    await a.store.put(w('u', 0, 10), null)
    await a.store.put(w('u', 0, 30), Buffer.from('2'))
    await a.store.put(w('v', 5, 5), Buffer.from('3'))
    const changelog = a.ctx.collector.changelog('app-sess-changelog')
    await a.store.close()
    const b = await open(join(dir.path, 'b', 'app', '0_0'))
    await restoreFrom(new StateRestorer({ storeName: 'sess', changelogTopic: 'app-sess-changelog', partition: 0, restore: b.ctx.restorers.get('sess')!, startOffset: 0, endOffset: changelog.length }), [toRestore(changelog)])
    expect((await collect(b.store.fetch(Buffer.from('u')))).map((e) => `${e.key.window.start}-${e.key.window.end}=${e.value}`)).toEqual(['0-30=2'])
    expect(await b.store.fetchSession(Buffer.from('v'), 5, 5)).toEqual(Buffer.from('3'))
    await b.store.close()
  })
})
