import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Consumed, Materialized, Produced, Serdes, SessionWindowedSerde, SessionWindows, StreamsBuilder } from '../../../../topology/index.js'
import { StreamTask } from '../../../../topology/internals/stream-task.js'
import type { ChangelogRecord } from '../../../../stores/state-store.js'

const S = Serdes.String()
const L = Serdes.Long()
const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

// Default (RocksDB) stores, logged; caching off so every update reaches the output.
function topology() {
  const b = new StreamsBuilder()
  const grouped = b.stream('visits', Consumed.with(S, S)).groupByKey()
  grouped
    .approximateCountDistinct((_page, user) => user, Materialized.as<string, number>('visitors').withCachingDisabled())
    .toStream()
    .to('visitors-out', Produced.with(S, L))
  grouped
    .windowedBy(SessionWindows.ofInactivityGapAndGrace(100, 1000))
    .approximateCountDistinct((_page, user) => user, Materialized.as<string, number>('sessions').withCachingDisabled())
    .toStream()
    .to('sessions-out', Produced.with(new SessionWindowedSerde(S), L))
  return b.build()
}

type Sent = { topic: string; record: ChangelogRecord }

function newTask(sent: Sent[]) {
  const stateDir = mkdtempSync(join(tmpdir(), 'kstreams-distinct-'))
  dirs.push(stateDir)
  return new StreamTask({
    topology: topology(),
    subtopologyId: 0,
    partition: 0,
    applicationId: 'uv',
    stateDir,
    collector: { send: (topic, record) => sent.push({ topic, record }) },
    cacheMaxBytes: 0,
  })
}

const visit = (user: string, t: number, offset: number) => ({ key: Buffer.from('home'), value: Buffer.from(user), timestamp: t, offset })

describe('approximateCountDistinct restore', () => {
  it('a new instance restores the sketches from the changelogs and keeps counting distinct items', async () => {
    const first: Sent[] = []
    const task1 = newTask(first)
    await task1.initialize()
    task1.addRecords('visits', 0, ['ann', 'bob', 'cid', 'dan', 'eve'].map((u, i) => visit(u, 10 + i, i)))
    await task1.process(10)
    await task1.commit()
    await task1.close()

    // A fresh state directory: the stores are rebuilt from what task 1 logged.
    const second: Sent[] = []
    const task2 = newTask(second)
    const restores = await task2.initialize()
    expect(restores.map((r) => r.storeName).sort()).toEqual(['sessions', 'visitors'])
    for (const r of restores) {
      const batch = first
        .filter((s) => s.topic === r.topic)
        .map((s, offset) => ({ key: s.record.key!, value: s.record.value, timestamp: s.record.timestamp, offset }))
      expect(batch.length).toBeGreaterThan(0)
      await r.restore(batch)
    }
    // dan and eve were counted before the restart; fay, gus and hal are new.
    task2.addRecords('visits', 0, ['dan', 'eve', 'fay', 'gus', 'hal'].map((u, i) => visit(u, 20 + i, 5 + i)))
    await task2.process(10)
    await task2.commit()
    await task2.close()

    const values = (topic: string) => second.filter((s) => s.topic === topic).map((s) => L.deserialize(topic, s.record.value))
    expect(values('visitors-out')).toEqual([5, 5, 6, 7, 8])
    const sessions = second
      .filter((s) => s.topic === 'sessions-out')
      .map((s) => {
        const key = new SessionWindowedSerde(S).deserialize('sessions-out', s.record.key)!
        return `[${key.window.start},${key.window.end}]=${s.record.value === null ? null : L.deserialize('sessions-out', s.record.value)}`
      })
    // The restored session [10, 14] extends record by record, its sketch carried along.
    expect(sessions.slice(-2)).toEqual(['[10,23]=null', '[10,24]=8'])
    expect(sessions[1]).toBe('[10,20]=5')
  })
})
