import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { OffsetCheckpoint, topicPartitionKey } from '../../../stores/checkpoint/offset-checkpoint.js'
import { invalidateCheckpointEntries, prepareTaskState, takeTaskCheckpoint, wipeTaskState, writeTaskCheckpoint } from '../../../stores/checkpoint/task-state.js'
import { RocksDBKeyValueStore } from '../../../stores/rocksdb/rocksdb-key-value-store.js'
import { tempDir, testContext } from './rocksdb-test-context.js'

describe('checkpoint file', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  let warnings: string[]
  const warn = (m: string) => warnings.push(m)
  beforeEach(async () => {
    dir = await tempDir('kstreams-checkpoint-')
    warnings = []
  })
  afterEach(() => dir.remove())

  it("round-trips offsets in Kafka Streams' text layout", async () => {
    const file = join(dir.path, '.checkpoint')
    const cp = new OffsetCheckpoint(file, warn)
    await cp.write([
      { topic: 'app-counts-changelog', partition: 3, offset: 1234 },
      { topic: 'app-other.store-changelog', partition: 0, offset: 0 },
    ])
    expect(await readFile(file, 'utf8')).toBe('0\n2\napp-counts-changelog 3 1234\napp-other.store-changelog 0 0\n')
    const read = await cp.read()
    expect(read.status).toBe('ok')
    expect(read.offsets.get(topicPartitionKey('app-counts-changelog', 3))).toEqual({ topic: 'app-counts-changelog', partition: 3, offset: 1234 })
    expect(await readdir(dir.path)).toEqual(['.checkpoint']) // the temp file was renamed away
    expect(warnings).toEqual([])
  })

  it('reads a missing file as missing, without warning', async () => {
    const read = await new OffsetCheckpoint(join(dir.path, '.checkpoint'), warn).read()
    expect(read).toEqual({ status: 'missing', offsets: new Map() })
    expect(warnings).toEqual([])
  })

  it.each([
    ['garbage', 'not a checkpoint at all'],
    ['truncated', '0\n2\napp-c-changelog 0 5\n'],
    ['bad offset', '0\n1\napp-c-changelog 0 five\n'],
    ['unknown version', '7\n0\n'],
    ['negative offset', '0\n1\napp-c-changelog 0 -4\n'],
    ['binary', '\u0000\u0001\u0002'],
  ])('treats a %s file as corrupt: restore from scratch, with a warning naming it', async (_what, text) => {
    const file = join(dir.path, '.checkpoint')
    await writeFile(file, text)
    const read = await new OffsetCheckpoint(file, warn).read()
    expect(read.status).toBe('corrupt')
    expect(read.offsets.size).toBe(0)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain(file)
  })

  it('refuses to write invalid entries, naming them', async () => {
    const cp = new OffsetCheckpoint(join(dir.path, '.checkpoint'))
    await expect(cp.write([{ topic: 'bad topic', partition: 0, offset: 1 }])).rejects.toThrow(/bad topic/)
    await expect(cp.write([{ topic: 't', partition: 0, offset: -1 }])).rejects.toThrow(/offset -1 of t-0/)
  })
})

describe('task state rules', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  let taskDir: string
  let warnings: string[]
  const warn = (m: string) => warnings.push(m)

  beforeEach(async () => {
    dir = await tempDir('kstreams-taskstate-')
    taskDir = join(dir.path, 'app', '0_0')
    warnings = []
    await mkdir(join(taskDir, 'rocksdb', 'counts'), { recursive: true })
    await writeFile(join(taskDir, 'rocksdb', 'counts', 'CURRENT'), 'MANIFEST-000001\n')
  })
  afterEach(() => dir.remove())

  const offsets = [{ topic: 'app-counts-changelog', partition: 0, offset: 42 }]

  it('exactly-once: no checkpoint (unclean close) wipes the local stores', async () => {
    const prepared = await prepareTaskState({ taskDir, exactlyOnce: true, warn })
    expect(prepared.wiped).toBe(true)
    expect(await readdir(taskDir)).toEqual([])
    expect(warnings[0]).toMatch(/did not close cleanly/)
  })

  it('exactly-once: a corrupt checkpoint wipes the local stores too', async () => {
    await writeFile(join(taskDir, '.checkpoint'), 'zz')
    expect((await prepareTaskState({ taskDir, exactlyOnce: true, warn })).wiped).toBe(true)
    expect(await readdir(taskDir)).toEqual([])
  })

  it('exactly-once: a clean close keeps state; taking the checkpoint deletes it so a crash is detected', async () => {
    await writeTaskCheckpoint(taskDir, offsets)
    expect((await prepareTaskState({ taskDir, exactlyOnce: true, warn })).wiped).toBe(false)
    const taken = await takeTaskCheckpoint({ taskDir, exactlyOnce: true, warn })
    expect([...taken.values()]).toEqual(offsets)
    expect((await readdir(taskDir)).sort()).toEqual(['rocksdb'])
    // the task now crashes: the next start under exactly-once wipes
    expect((await prepareTaskState({ taskDir, exactlyOnce: true, warn })).wiped).toBe(true)
  })

  it('at-least-once never wipes and keeps the checkpoint file', async () => {
    expect((await prepareTaskState({ taskDir, exactlyOnce: false, warn })).wiped).toBe(false)
    await writeTaskCheckpoint(taskDir, offsets)
    expect([...(await takeTaskCheckpoint({ taskDir, exactlyOnce: false })).values()]).toEqual(offsets)
    expect((await readdir(taskDir)).sort()).toEqual(['.checkpoint', 'rocksdb'])
  })

  it('wipeTaskState deletes stores and checkpoint, keeps the task directory', async () => {
    await writeTaskCheckpoint(taskDir, offsets)
    await wipeTaskState(taskDir)
    expect(await readdir(taskDir)).toEqual([])
  })

  it('a store created fresh drops its own checkpoint entry, leaving the others', async () => {
    const fresh = join(dir.path, 'app', '0_1')
    await writeTaskCheckpoint(fresh, [
      { topic: 'app-counts-changelog', partition: 1, offset: 500 },
      { topic: 'app-other-changelog', partition: 1, offset: 7 },
    ])
    const store = new RocksDBKeyValueStore('counts')
    await store.init(testContext({ taskDir: fresh, partition: 1 }), store)
    await store.close()
    const left = await takeTaskCheckpoint({ taskDir: fresh, exactlyOnce: false })
    expect([...left.values()]).toEqual([{ topic: 'app-other-changelog', partition: 1, offset: 7 }])
    // reopening the now non-empty store keeps entries
    await invalidateCheckpointEntries(fresh, [])
    await writeTaskCheckpoint(fresh, [{ topic: 'app-counts-changelog', partition: 1, offset: 9 }])
    const again = new RocksDBKeyValueStore('counts')
    await again.init(testContext({ taskDir: fresh, partition: 1 }), again)
    await again.close()
    expect([...(await takeTaskCheckpoint({ taskDir: fresh, exactlyOnce: false })).values()]).toEqual([{ topic: 'app-counts-changelog', partition: 1, offset: 9 }])
  })
})
