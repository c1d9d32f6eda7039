import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Consumed, Materialized, Produced, Serdes, StreamsBuilder, Suppressed, TimeWindows, TimeWindowedSerde } from '../../../topology/index.js'
import { StreamTask } from '../../../topology/internals/stream-task.js'
import type { ChangelogRecord } from '../../../stores/state-store.js'

const S = Serdes.String()
const L = Serdes.Long()
const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function topology() {
  const b = new StreamsBuilder()
  b.stream('in', Consumed.with(S, S))
    .groupByKey()
    .windowedBy(TimeWindows.ofSizeWithNoGrace(10))
    .count(Materialized.as<string, number>('counts').withCachingDisabled())
    .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()))
    .toStream()
    .to('out', Produced.with(new TimeWindowedSerde(S, 10), L))
  return b.build()
}

function newTask(sent: { topic: string; record: ChangelogRecord }[]) {
  const stateDir = mkdtempSync(join(tmpdir(), 'kstreams-suppress-'))
  dirs.push(stateDir)
  return new StreamTask({
    topology: topology(),
    subtopologyId: 0,
    partition: 0,
    applicationId: 'sup',
    stateDir,
    collector: { send: (topic, record) => sent.push({ topic, record }) },
    cacheMaxBytes: 0,
  })
}

const raw = (k: string, t: number, offset: number) => ({ key: Buffer.from(k), value: Buffer.from('v'), timestamp: t, offset })

describe('suppression buffer restore', () => {
  it('a result buffered before a restart is emitted after restoring from the changelogs', async () => {
    const first: { topic: string; record: ChangelogRecord }[] = []
    const task1 = newTask(first)
    await task1.initialize()
    task1.addRecords('in', 0, [raw('a', 1, 0), raw('a', 2, 1)])
    await task1.process(10)
    await task1.commit()
    await task1.close()
    expect(first.filter((s) => s.topic === 'out')).toEqual([])

    // A fresh instance (empty state directory) rebuilds the stores from what task 1 logged.
    const second: { topic: string; record: ChangelogRecord }[] = []
    const task2 = newTask(second)
    const restores = await task2.initialize()
    expect(restores.map((r) => r.storeName).sort()).toEqual(['KTABLE-SUPPRESS-STATE-STORE-0000000003', 'counts'])
    for (const r of restores) {
      const batch = first
        .filter((s) => s.topic === r.topic)
        .map((s, offset) => ({ key: s.record.key!, value: s.record.value, timestamp: s.record.timestamp, offset }))
      await r.restore(batch)
    }
    task2.addRecords('in', 0, [raw('b', 15, 2)])
    await task2.process(10)
    await task2.commit()
    await task2.close()
    const out = second.filter((s) => s.topic === 'out').map((s) => new TimeWindowedSerde(S, 10).deserialize('out', s.record.key))
    const counts = second.filter((s) => s.topic === 'out').map((s) => L.deserialize('out', s.record.value))
    expect(out).toEqual([{ key: 'a', window: { start: 0, end: 10 } }])
    expect(counts).toEqual([2])
  })
})
