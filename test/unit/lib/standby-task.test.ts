// A standby task is a state manager and nothing more: it opens the task's stores (real RocksDB)
// without building or initializing any processor, applies changelog records through the stores'
// restore callbacks and checkpoints how far it has read.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { taskCheckpoint } from '../../../stores/checkpoint/task-state.js'
import type { StateStore } from '../../../stores/state-store.js'
import type { StoreBuilder } from '../../../stores/store-builder.js'
import { Stores } from '../../../stores/stores.js'
import { Serdes, Topology } from '../../../topology/index.js'
import type { FetchedRecord, PartitionReader, TopicPartition, TopicPartitionOffset } from '../../../lib/clients/types.js'
import { tpKey } from '../../../lib/clients/types.js'
import { StandbyTask } from '../../../lib/tasks/standby-task.js'
import type { TaskFactoryDeps } from '../../../lib/tasks/task-factory.js'
import { restoreChangelogs } from '../../../lib/tasks/changelog-restorer.js'
import { StreamTask } from '../../../topology/internals/stream-task.js'

const S = Serdes.String()
const CHANGELOG = 'app-counts-changelog'
let stateDir: string
beforeEach(() => {
  stateDir = mkdtempSync(join(tmpdir(), 'kstreams-standby-'))
})
afterEach(() => {
  rmSync(stateDir, { recursive: true, force: true })
})

/** An in-memory changelog: records by topic-partition, fetched from any offset. */
class FakeReader implements PartitionReader {
  readonly logs = new Map<string, FetchedRecord[]>()
  append(topic: string, partition: number, key: string, value: string | null): void {
    const log = this.logs.get(tpKey(topic, partition)) ?? []
    log.push({ key: Buffer.from(key), value: value === null ? null : Buffer.from(value), timestamp: 1, offset: log.length } as FetchedRecord)
    this.logs.set(tpKey(topic, partition), log)
  }
  async connect() {}
  async disconnect() {}
  async endOffsets(tps: readonly TopicPartition[]) {
    return new Map(tps.map((tp) => [tpKey(tp.topic, tp.partition), this.logs.get(tpKey(tp.topic, tp.partition))?.length ?? 0]))
  }
  async beginningOffsets(tps: readonly TopicPartition[]) {
    return new Map(tps.map((tp) => [tpKey(tp.topic, tp.partition), 0]))
  }
  async fetch(positions: readonly TopicPartitionOffset[]) {
    return positions.map((p) => {
      const log = this.logs.get(tpKey(p.topic, p.partition)) ?? []
      return { topic: p.topic, partition: p.partition, records: log.slice(p.offset), nextOffset: log.length }
    })
  }
}

const quiet = { debug() {}, info() {}, warn() {}, error() {} }

function deps(topology: Topology, reader: PartitionReader, processingGuarantee: 'at_least_once' | 'exactly_once_v2' = 'at_least_once'): TaskFactoryDeps {
  return { topology, reader, config: { applicationId: 'app', stateDir, processingGuarantee, logger: quiet } } as unknown as TaskFactoryDeps
}

/** One sub-topology whose processor must never be built or initialized on a standby. */
function topology(built: { suppliers: number; inits: number }): Topology {
  const t = new Topology().addSource('src', 'in')
  t.addProcessor(
    'p',
    () => {
      built.suppliers++
      return {
        init() {
          built.inits++
          throw new Error('a standby must not initialize processors')
        },
        process() {},
      }
    },
    'src',
  )
  t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore('counts'), S, S) as unknown as StoreBuilder<StateStore>, 'p')
  return t
}

type Kv = { get(k: string): unknown }

describe('StandbyTask', () => {
  it('opens its stores without building or initializing any processor', async () => {
    const built = { suppliers: 0, inits: 0 }
    const reader = new FakeReader()
    const standby = await StandbyTask.create(deps(topology(built), reader), '0_1', 0)
    expect(built).toEqual({ suppliers: 0, inits: 0 })
    expect(standby.id).toBe('0_1')
    expect(standby.getStore('counts')?.isOpen()).toBe(true)
    await standby.close()
  })

  it('applies changelog records through the restore callbacks and checkpoints its position on close', async () => {
    const built = { suppliers: 0, inits: 0 }
    const reader = new FakeReader()
    reader.append(CHANGELOG, 1, 'a', '1')
    reader.append(CHANGELOG, 1, 'b', '2')
    reader.append(CHANGELOG, 1, 'a', '3')
    const standby = await StandbyTask.create(deps(topology(built), reader, 'exactly_once_v2'), '0_1', 0)
    expect(standby.offsetSum()).toBe(0)
    expect(await standby.update(reader, 10)).toBe(3)
    expect(standby.offsetSum()).toBe(3)
    expect(await (standby.getStore('counts') as unknown as Kv).get('a')).toBe('3')
    await standby.checkpoint()
    expect([...(await taskCheckpoint(join(stateDir, 'app', '0_1')).read()).offsets.values()]).toEqual([{ topic: CHANGELOG, partition: 1, offset: 3 }])
    reader.append(CHANGELOG, 1, 'c', '4')
    expect(await standby.update(reader, 10)).toBe(1)
    await standby.close()
    expect([...(await taskCheckpoint(join(stateDir, 'app', '0_1')).read()).offsets.values()]).toEqual([{ topic: CHANGELOG, partition: 1, offset: 4 }])

    // reopened (under exactly-once too: a standby's checkpoint vouches for committed data)
    const again = await StandbyTask.create(deps(topology(built), reader, 'exactly_once_v2'), '0_1', 0)
    expect(again.offsetSum()).toBe(4)
    expect(await (again.getStore('counts') as unknown as Kv).get('c')).toBe('4')
    await again.close()
    expect(built).toEqual({ suppliers: 0, inits: 0 })
  })
})

describe('restoreChangelogs', () => {
  it('records where each changelog\'s restoration stopped in the task\'s state manager', async () => {
    const reader = new FakeReader()
    reader.append(CHANGELOG, 2, 'a', '1')
    reader.append(CHANGELOG, 2, 'b', '2')
    const t = new Topology().addSource('src', 'in')
    t.addProcessor('p', () => ({ process() {} }), 'src')
    t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore('counts'), S, S) as unknown as StoreBuilder<StateStore>, 'p')
    const task = new StreamTask({ topology: t, subtopologyId: 0, partition: 2, applicationId: 'app', stateDir, collector: { send() {} }, cacheMaxBytes: 0 })
    const changelogs = await task.initialize()
    await restoreChangelogs({ reader, changelogs, logger: quiet, positions: task.stateManager })
    expect(task.stateManager.changelogOffset(CHANGELOG, 2)).toBe(2)
    expect(await (task.getStore('counts') as unknown as Kv).get('b')).toBe('2')
    await task.close({ clean: true })
    expect([...(await taskCheckpoint(task.taskDir).read()).offsets.values()]).toEqual([{ topic: CHANGELOG, partition: 2, offset: 2 }])
  })
})
