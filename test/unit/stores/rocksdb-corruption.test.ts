// Damaged store directories, made for real: garbage files, a missing CURRENT, a clobbered
// MANIFEST, a LOCK held by another live process. Damage means "rebuild from the changelog"
// (moved aside, with a warning naming the store and path); a live lock is reported, never wiped.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { spawn, type ChildProcess } from 'node:child_process'
import { cp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import { RocksDBKeyValueStore } from '../../../stores/rocksdb/rocksdb-key-value-store.js'
import { RocksDBWindowStore } from '../../../stores/rocksdb/rocksdb-window-store.js'
import { StoreOpenError } from '../../../stores/rocksdb/open-errors.js'
import { takeTaskCheckpoint, writeTaskCheckpoint } from '../../../stores/checkpoint/task-state.js'
import { tempDir, testContext } from './rocksdb-test-context.js'

/** A process that opens the database at argv[1], prints 'locked' and keeps the LOCK until killed. */
const LOCK_HOLDER = `
  const RocksDB = require('rocksdb-native')
  new RocksDB(process.argv[1], { createIfMissing: false }).ready().then(() => console.log('locked'), (err) => { console.error(err.message); process.exit(2) })
  setInterval(() => {}, 1000)`

/** A store written by the 'rocksdb' 5.2.1 binding of earlier versions: Snappy-compressed, keys k0..k99. */
const OLD_BINDING_STORE = fileURLToPath(new URL('./fixtures/rocksdb-5.2.1-snappy', import.meta.url))

const b = (s: string) => Buffer.from(s)

describe('corrupt RocksDB store directories', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  let taskDir: string
  let storeDir: string
  let warnings: string[]
  const warn = (m: string) => warnings.push(m)

  beforeEach(async () => {
    dir = await tempDir('kstreams-corrupt-')
    taskDir = join(dir.path, 'app', '0_0')
    storeDir = join(taskDir, 'rocksdb', 'counts')
    warnings = []
  })
  afterEach(() => dir.remove())

  async function writeStore(): Promise<void> {
    const store = new RocksDBKeyValueStore('counts')
    await store.init(testContext({ taskDir }), store)
    for (let i = 0; i < 100; i++) store.put(b(`k${i}`), b(`v${i}`))
    await store.flush()
    await store.close()
    await writeTaskCheckpoint(taskDir, [
      { topic: 'app-counts-changelog', partition: 0, offset: 100 },
      { topic: 'app-other-changelog', partition: 0, offset: 3 },
    ])
  }

  async function expectRebuilt(): Promise<void> {
    const store = new RocksDBKeyValueStore('counts', { warn })
    await store.init(testContext({ taskDir }), store)
    expect(store.freshlyCreated).toBe(true)
    expect(await store.get(b('k1'))).toBeNull()
    store.put(b('new'), b('1'))
    await store.flush()
    expect(await store.get(b('new'))).toEqual(b('1'))
    await store.close()
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain(`'counts'`)
    expect(warnings[0]).toContain(storeDir)
    expect(warnings[0]).toMatch(/rebuilding the store from its changelog/)
    // the damaged copy is kept aside for inspection, the checkpoint no longer vouches for the store
    const siblings = await readdir(join(taskDir, 'rocksdb'))
    expect(siblings.filter((n) => n.startsWith('counts.corrupt-'))).toHaveLength(1)
    const offsets = await takeTaskCheckpoint({ taskDir, exactlyOnce: false })
    expect([...offsets.keys()]).toEqual(['app-other-changelog:0'])
  }

  it('a directory of garbage files', async () => {
    await mkdir(storeDir, { recursive: true })
    await writeFile(join(storeDir, 'CURRENT'), 'garbage\n')
    await writeFile(join(storeDir, 'MANIFEST-000001'), Buffer.from([1, 2, 3, 4, 5]))
    await writeFile(join(storeDir, '000007.sst'), 'not a table')
    await writeTaskCheckpoint(taskDir, [{ topic: 'app-counts-changelog', partition: 0, offset: 100 }, { topic: 'app-other-changelog', partition: 0, offset: 3 }])
    await expectRebuilt()
  })

  it('a database whose CURRENT file is missing', async () => {
    await writeStore()
    await rm(join(storeDir, 'CURRENT'))
    await expectRebuilt()
  })

  it('a database whose MANIFEST was overwritten', async () => {
    await writeStore()
    const manifest = (await readdir(storeDir)).find((n) => n.startsWith('MANIFEST-'))!
    const size = (await readFile(join(storeDir, manifest))).length
    await writeFile(join(storeDir, manifest), Buffer.alloc(size, 0x5a))
    await expectRebuilt()
  })

  it('a store written by the rocksdb binding of earlier versions (Snappy files this build cannot read)', async () => {
    await mkdir(join(taskDir, 'rocksdb'), { recursive: true })
    await cp(OLD_BINDING_STORE, storeDir, { recursive: true })
    await writeTaskCheckpoint(taskDir, [{ topic: 'app-counts-changelog', partition: 0, offset: 100 }, { topic: 'app-other-changelog', partition: 0, offset: 3 }])
    await expectRebuilt()
    expect(warnings[0]).toContain(`written by an earlier version with the 'rocksdb' binding`)
  })

  it('keeps only the newest damaged copy', async () => {
    for (let i = 0; i < 2; i++) {
      await mkdir(storeDir, { recursive: true })
      await rm(join(storeDir, 'CURRENT'), { force: true })
      await writeFile(join(storeDir, 'junk'), 'x')
      const store = new RocksDBKeyValueStore('counts', { warn })
      await store.init(testContext({ taskDir }), store)
      await store.close()
      await rm(join(storeDir, 'CURRENT'))
      await new Promise((r) => setTimeout(r, 5))
    }
    const copies = (await readdir(join(taskDir, 'rocksdb'))).filter((n) => n.startsWith('counts.corrupt-'))
    expect(copies).toHaveLength(1)
  })

  it('a segment of a window store: the whole store is rebuilt', async () => {
    const open = async () => {
      const s = new RocksDBWindowStore('win', 120_000, 1000, false, 60_000, { warn })
      await s.init(testContext({ taskDir }), s)
      return s
    }
    const store = await open()
    await store.put(b('k'), b('1'), 0)
    await store.put(b('k'), b('2'), 60_000)
    await store.flush()
    await store.close()
    await rm(join(taskDir, 'rocksdb', 'win', 'win.60000', 'CURRENT'))
    const again = await open()
    expect(again.freshlyCreated).toBe(true)
    expect(await again.fetch(b('k'), 0)).toBeNull()
    expect(warnings.some((w) => w.includes(`'win'`) && w.includes('rebuilding it from its changelog'))).toBe(true)
    await again.close()
  })

  it('a window store with a segment written by the rocksdb binding of earlier versions: the whole store is rebuilt', async () => {
    const open = async () => {
      const s = new RocksDBWindowStore('win', 120_000, 1000, false, 60_000, { warn })
      await s.init(testContext({ taskDir }), s)
      return s
    }
    const store = await open()
    await store.put(b('k'), b('1'), 0)
    await store.put(b('k'), b('2'), 60_000)
    await store.flush()
    await store.close()
    const segment = join(taskDir, 'rocksdb', 'win', 'win.60000')
    await rm(segment, { recursive: true })
    await cp(OLD_BINDING_STORE, segment, { recursive: true })
    const again = await open()
    expect(again.freshlyCreated).toBe(true)
    expect(await again.fetch(b('k'), 0)).toBeNull()
    expect(warnings.some((w) => w.includes(`'win (segment win.60000)'`) && w.includes(`earlier version with the 'rocksdb' binding`))).toBe(true)
    expect(warnings.some((w) => w.includes(`'win'`) && w.includes('rebuilding it from its changelog'))).toBe(true)
    await again.close()
  })

  it('a store already open in this process is reported, not wiped', async () => {
    await writeStore()
    const first = new RocksDBKeyValueStore('counts')
    await first.init(testContext({ taskDir }), first)
    const second = new RocksDBKeyValueStore('counts', { warn })
    const err = await second.init(testContext({ taskDir }), second).then(() => null, (e) => e)
    expect(err).toBeInstanceOf(StoreOpenError)
    expect(err.failure).toBe('locked-by-this-process')
    expect(err.message).toContain(storeDir)
    expect(await first.get(b('k5'))).toEqual(b('v5'))
    await first.close()
    expect(warnings).toEqual([])
  })

  describe('with a LOCK held by another live process', () => {
    let holder: ChildProcess | null = null
    afterEach(() => {
      holder?.kill('SIGKILL')
      holder = null
    })

    it('reports the lock with the store name and path, and leaves the data alone', async () => {
      await writeStore()
      holder = spawn(process.execPath, ['-e', LOCK_HOLDER, storeDir], { stdio: ['ignore', 'pipe', 'inherit'] })
      await new Promise<void>((resolve, reject) => {
        holder!.stdout!.on('data', (d) => String(d).includes('locked') && resolve())
        holder!.on('exit', (code) => reject(new Error(`lock holder exited with ${code}`)))
      })
      const store = new RocksDBKeyValueStore('counts', { warn })
      const err = await store.init(testContext({ taskDir }), store).then(() => null, (e) => e)
      expect(err).toBeInstanceOf(StoreOpenError)
      expect(err.failure).toBe('locked-by-other-process')
      expect(err.message).toMatch(/'counts'.*locked by another live process/)
      expect(err.message).toContain(storeDir)
      expect(warnings).toEqual([])
      holder.kill('SIGKILL')
      await new Promise((r) => holder!.once('exit', r))
      holder = null
      // the kernel released the lock with its holder: the data is intact
      const after = new RocksDBKeyValueStore('counts', { warn })
      await after.init(testContext({ taskDir }), after)
      expect(after.freshlyCreated).toBe(false)
      expect(await after.get(b('k99'))).toEqual(b('v99'))
      await after.close()
    })
  })
})
