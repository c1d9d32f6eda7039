// The state manager of one task, with real RocksDB stores in a temporary state directory: the
// wipe rule, restore callbacks, changelog positions and the checkpoint file after clean and dirty
// closes, under both processing guarantees.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { taskCheckpoint, writeTaskCheckpoint } from '../../../stores/checkpoint/task-state.js'
import type { ChangelogRecord, RecordCollector, StateStore } from '../../../stores/state-store.js'
import { Stores } from '../../../stores/stores.js'
import type { StoreBuilder } from '../../../stores/store-builder.js'
import { StateManager } from '../../../topology/internals/state-manager.js'
import { Serdes, Topology } from '../../../topology/index.js'

const S = Serdes.String()
const COUNTS = 'app-counts-changelog'
const MEM = 'app-mem-changelog'
let stateDir: string
beforeEach(() => {
  stateDir = mkdtempSync(join(tmpdir(), 'kstreams-state-manager-'))
})
afterEach(() => {
  rmSync(stateDir, { recursive: true, force: true })
})

/** Sub-topology 0 with a persistent store `counts` and an in-memory store `mem`, both logged. */
function topology(): Topology {
  const t = new Topology().addSource('src', 'in')
  t.addProcessor('p', () => ({ process() {} }), 'src')
  t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore('counts'), S, S) as unknown as StoreBuilder<StateStore>, 'p')
  t.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('mem'), S, S) as unknown as StoreBuilder<StateStore>, 'p')
  return t
}

const refuse: RecordCollector = {
  send(topic: string, _r: ChangelogRecord) {
    throw new Error(`unexpected write to ${topic}`)
  },
}

function manager(exactlyOnce: boolean, extra: Partial<ConstructorParameters<typeof StateManager>[0]> = {}): StateManager {
  return new StateManager({
    topology: topology(),
    subtopologyId: 0,
    partition: 3,
    applicationId: 'app',
    stateDir,
    exactlyOnce,
    cache: null,
    collector: refuse,
    recordContext: () => ({ topic: '', partition: -1, offset: -1, timestamp: -1, headers: {} }),
    warn: () => {},
    ...extra,
  })
}

async function checkpointFile(sm: StateManager) {
  return taskCheckpoint(sm.taskDir, () => {}).read()
}

function entries(read: Awaited<ReturnType<typeof checkpointFile>>) {
  return [...read.offsets.values()].sort((a, b) => a.topic.localeCompare(b.topic))
}

type Kv = { get(k: string): unknown }
async function valueOf(sm: StateManager, store: string, key: string): Promise<unknown> {
  const v = await (sm.getStore(store) as unknown as Kv).get(key)
  return v ?? null
}

const rec = (key: string, value: string, offset: number) => ({ key: Buffer.from(key), value: Buffer.from(value), timestamp: 1, offset })

describe('StateManager', () => {
  it('opens the stores of its sub-topology and registers one changelog per logged store', async () => {
    const sm = manager(false)
    expect(sm.taskId).toBe('0_3')
    expect(sm.taskDir).toBe(join(stateDir, 'app', '0_3'))
    const changelogs = await sm.initialize()
    expect(changelogs.map((c) => [c.storeName, c.topic, c.partition, c.offset, c.persistent])).toEqual([
      ['counts', COUNTS, 3, null, true],
      ['mem', MEM, 3, null, false],
    ])
    expect(sm.stores().map((s) => s.name)).toEqual(['counts', 'mem'])
    await sm.close(true)
  })

  it('restored offsets become positions; at_least_once checkpoints persistent ones after a commit and on clean close', async () => {
    const sm = manager(false)
    const [counts] = await sm.initialize()
    await counts.restore([rec('a', '1', 0), rec('b', '2', 4)])
    sm.restored(COUNTS, 3, 5)
    sm.restored(MEM, 3, 2)
    expect(sm.changelogOffset(COUNTS, 3)).toBe(5)
    await sm.checkpoint() // after a commit
    expect(entries(await checkpointFile(sm))).toEqual([{ topic: COUNTS, partition: 3, offset: 5 }])
    // the task's own changelog writes, acknowledged by the broker
    sm.updateChangelogOffsets((topic) => (topic === COUNTS ? 9 : 7))
    await sm.close(true)
    expect(entries(await checkpointFile(sm))).toEqual([{ topic: COUNTS, partition: 3, offset: 9 }])

    // reopened: restoration resumes from the checkpoint, with the data still on disk
    const again = manager(false)
    const [reopened] = await again.initialize()
    expect(reopened.offset).toBe(9)
    expect(again.checkpointedOffset(COUNTS, 3)).toBe(9)
    expect(await valueOf(again, 'counts', 'b')).toBe('2')
    await again.close(true)
  })

  it('at_least_once: a dirty close leaves the last commit\'s checkpoint as it was', async () => {
    const sm = manager(false)
    await sm.initialize()
    sm.restored(COUNTS, 3, 5)
    await sm.checkpoint()
    sm.updateChangelogOffsets(() => 12)
    await sm.close(false)
    expect(entries(await checkpointFile(sm))).toEqual([{ topic: COUNTS, partition: 3, offset: 5 }])
    await sm.checkpoint() // closed: writes nothing
    expect(entries(await checkpointFile(sm))).toEqual([{ topic: COUNTS, partition: 3, offset: 5 }])
  })

  it('exactly_once_v2: the checkpoint is taken at open, not written while running, and written on clean close', async () => {
    const first = manager(true)
    await first.initialize()
    first.restored(COUNTS, 3, 4)
    await first.close(true)
    expect(entries(await checkpointFile(first))).toEqual([{ topic: COUNTS, partition: 3, offset: 4 }])

    const sm = manager(true)
    const [counts] = await sm.initialize()
    expect(counts.offset).toBe(4)
    expect((await checkpointFile(sm)).status).toBe('missing') // a crash from here on is unclean
    sm.updateChangelogOffsets(() => 8)
    await sm.checkpoint() // after a commit: under exactly-once only a clean close vouches for the stores
    expect((await checkpointFile(sm)).status).toBe('missing')
    await sm.close(true)
    expect(entries(await checkpointFile(sm))).toEqual([{ topic: COUNTS, partition: 3, offset: 8 }])
  })

  it('exactly_once_v2: a dirty close leaves no checkpoint, so the next open wipes the stores', async () => {
    const sm = manager(true)
    const [counts] = await sm.initialize()
    await counts.restore([rec('a', '1', 0)])
    sm.restored(COUNTS, 3, 1)
    await sm.close(false)
    expect((await checkpointFile(sm)).status).toBe('missing')
    expect(existsSync(join(sm.taskDir, 'rocksdb', 'counts'))).toBe(true)

    const warnings: string[] = []
    const next = manager(true, { warn: (m) => warnings.push(m) })
    const [reopened] = await next.initialize()
    expect(warnings.join('\n')).toMatch(/has no checkpoint.*wiped/)
    expect(reopened.offset).toBeNull()
    expect(await valueOf(next, 'counts', 'a')).toBeNull()
    await next.close(false)
  })

  it('at_least_once keeps local stores without a checkpoint (restore replays over them)', async () => {
    const sm = manager(false)
    const [counts] = await sm.initialize()
    await counts.restore([rec('a', '1', 0)])
    await sm.close(false)
    const next = manager(false)
    await next.initialize()
    expect(await valueOf(next, 'counts', 'a')).toBe('1')
    await next.close(false)
  })

  it('a store created fresh drops its checkpoint entry; other entries stay', async () => {
    const taskDir = join(stateDir, 'app', '0_3')
    await writeTaskCheckpoint(taskDir, [
      { topic: COUNTS, partition: 3, offset: 10 },
      { topic: 'app-other-changelog', partition: 3, offset: 3 },
    ])
    const sm = manager(false)
    const [counts] = await sm.initialize()
    expect(counts.offset).toBeNull()
    expect(sm.checkpointedOffset(COUNTS, 3)).toBeNull()
    expect(entries(await checkpointFile(sm))).toEqual([{ topic: 'app-other-changelog', partition: 3, offset: 3 }])
    await sm.close(true)
  })

  it('a standby checkpoints at any time, also under exactly_once_v2 (it holds committed data only)', async () => {
    const sm = manager(true, { standby: true })
    await sm.initialize()
    await sm.restore(COUNTS, 3, [rec('k', 'v', 6)], 7)
    await sm.restore(MEM, 3, [rec('m', 'w', 1)], 2)
    expect(await valueOf(sm, 'counts', 'k')).toBe('v')
    expect(await valueOf(sm, 'mem', 'm')).toBe('w')
    await sm.flush()
    await sm.checkpoint()
    expect(entries(await checkpointFile(sm))).toEqual([{ topic: COUNTS, partition: 3, offset: 7 }])
    await expect(sm.restore('app-unknown-changelog', 3, [], 1)).rejects.toThrow(/task 0_3 has no store with changelog app-unknown-changelog-3/)
    await sm.close(true)
  })
})
