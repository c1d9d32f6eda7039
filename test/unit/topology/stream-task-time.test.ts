import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { decodePartitionTime, encodePartitionTime, UNKNOWN_PARTITION_TIME } from '../../../lib/commit/partition-time-metadata.js'
import { withPartitionTimes } from '../../../lib/commit/commit-tasks.js'
import type { ChangelogRecord } from '../../../stores/state-store.js'
import { Consumed, Materialized, Produced, Serdes, StreamsBuilder, Suppressed, TimeWindowedSerde } from '../../../topology/index.js'
import { StreamTask } from '../../../topology/internals/stream-task.js'
import type { Topology } from '../../../topology/topology.js'
import { TimeWindows } from '../../../topology/windows/time-windows.js'

const S = Serdes.String()
const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

describe('partition time offset metadata (Kafka Streams layout)', () => {
  it('encodes a version byte 1 and the 8-byte big-endian time, base64', () => {
    const encoded = encodePartitionTime(1234)
    expect(Buffer.from(encoded, 'base64')).toEqual(Buffer.from([1, 0, 0, 0, 0, 0, 0, 0x04, 0xd2]))
    expect(encoded).toBe('AQAAAAAAAATS')
    expect(decodePartitionTime(encoded)).toBe(1234)
    expect(decodePartitionTime(encodePartitionTime(1_700_000_000_123))).toBe(1_700_000_000_123)
    expect(decodePartitionTime(encodePartitionTime(-1))).toBe(UNKNOWN_PARTITION_TIME)
  })

  it('reads version 2 (processor metadata appended) for its time', () => {
    const v2 = Buffer.concat([Buffer.from([2]), Buffer.from([0, 0, 0, 0, 0, 0, 0x01, 0x00]), Buffer.from([0, 0, 0, 1, 9, 9])])
    expect(decodePartitionTime(v2.toString('base64'))).toBe(256)
  })

  it('empty, missing, foreign or truncated metadata means unknown; foreign or truncated warns', () => {
    const warnings: string[] = []
    const warn = (m: string) => warnings.push(m)
    expect(decodePartitionTime('', warn)).toBe(UNKNOWN_PARTITION_TIME)
    expect(decodePartitionTime(null, warn)).toBe(UNKNOWN_PARTITION_TIME)
    expect(decodePartitionTime(undefined, warn)).toBe(UNKNOWN_PARTITION_TIME)
    expect(warnings).toEqual([])
    expect(decodePartitionTime(Buffer.from([7, 0, 0, 0, 0, 0, 0, 0, 5]).toString('base64'), warn)).toBe(UNKNOWN_PARTITION_TIME)
    expect(decodePartitionTime(Buffer.from([1, 0, 0]).toString('base64'), warn)).toBe(UNKNOWN_PARTITION_TIME)
    expect(warnings).toHaveLength(2)
    expect(warnings[0]).toContain('version 7')
  })

  it('rejects a time that is not an integer', () => {
    expect(() => encodePartitionTime(1.5)).toThrow(/partition time must be an integer, got 1.5/)
  })

  it('commits carry each offset with its encoded partition time', () => {
    expect(withPartitionTimes([{ topic: 't', partition: 3, offset: 10, partitionTime: 1234 }])).toEqual([
      { topic: 't', partition: 3, offset: 10, metadata: 'AQAAAAAAAATS' },
    ])
  })
})

function windowedCount(): Topology {
  const b = new StreamsBuilder()
  b.stream(['in', 'other'], Consumed.with(S, S)).groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(10)).count()
  return b.build()
}

function newTask(topology: Topology, late: number[] = []) {
  const stateDir = mkdtempSync(join(tmpdir(), 'kstreams-task-time-'))
  dirs.push(stateDir)
  return new StreamTask({
    topology,
    subtopologyId: 0,
    partition: 0,
    applicationId: 'tasktime',
    stateDir,
    collector: { send() {} },
    cacheMaxBytes: 0,
    onLateRecord: ({ record }) => late.push(record.timestamp),
  })
}

const raw = (k: string, t: number, offset: number) => ({ key: Buffer.from(k), value: Buffer.from('v'), timestamp: t, offset })

describe('StreamTask partition time', () => {
  it('commit() returns each partition\'s largest timestamp with its offset', async () => {
    const task = newTask(windowedCount())
    await task.initialize()
    task.addRecords('in', 0, [raw('a', 50, 0), raw('a', 20, 1)])
    task.addRecords('other', 0, [raw('b', 7, 4)])
    while ((await task.process(10)) > 0) {
      // drain
    }
    const offsets = await task.commit()
    expect(offsets.sort((x, y) => x.topic.localeCompare(y.topic))).toEqual([
      { topic: 'in', partition: 0, offset: 2, partitionTime: 50 },
      { topic: 'other', partition: 0, offset: 5, partitionTime: 7 },
    ])
    await task.close()
  })

  it('seeded partition times set stream time to their max; windowed processors drop what those times closed', async () => {
    const late: number[] = []
    const task = newTask(windowedCount(), late)
    await task.initialize()
    task.initializePartitionTime('in', 0, 95)
    task.initializePartitionTime('other', 0, 40)
    expect(task.streamTime()).toBe(95)
    // window [80, 90) closed at stream time 95 with grace 0: without the seed it would be counted
    task.addRecords('in', 0, [raw('a', 85, 10), raw('a', 91, 11)])
    while ((await task.process(10)) > 0) {
      // drain
    }
    expect(late).toEqual([85])
    const offsets = await task.commit()
    // the seeded time stays the partition's time until a later record passes it
    expect(offsets).toEqual([{ topic: 'in', partition: 0, offset: 12, partitionTime: 95 }])
    await task.close()
  })

  it('an unseeded task accepts the same record (the behaviour the seed changes)', async () => {
    const late: number[] = []
    const task = newTask(windowedCount(), late)
    await task.initialize()
    task.addRecords('in', 0, [raw('a', 85, 10)])
    await task.process(10)
    expect(late).toEqual([])
    await task.close()
  })

  it('refuses a seed once processing started, and a time that is not an integer', async () => {
    const task = newTask(windowedCount())
    await task.initialize()
    expect(() => task.initializePartitionTime('in', 0, Number.NaN)).toThrow(/partition time of in-0 must be an integer/)
    expect(() => task.initializePartitionTime('nope', 0, 5)).toThrow(/does not read topic nope/)
    await task.start()
    expect(() => task.initializePartitionTime('in', 0, 5)).toThrow(/must be set before processing starts/)
    await task.close()
  })
})

describe('suppress resumes from the seeded stream time', () => {
  // 'skip' records advance stream time without reaching the aggregation (as any filtered record does)
  function suppressed(): Topology {
    const b = new StreamsBuilder()
    b.stream('in', Consumed.with(S, S))
      .filter((_k, v) => v !== 'skip')
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeAndGrace(10, 20))
      .count(Materialized.as<string, number>('counts').withCachingDisabled())
      .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()))
      .toStream()
      .to('out', Produced.with(new TimeWindowedSerde(S, 10), Serdes.Long()))
    return b.build()
  }
  function capturingTask(sent: { topic: string; record: ChangelogRecord }[]) {
    const stateDir = mkdtempSync(join(tmpdir(), 'kstreams-task-time-'))
    dirs.push(stateDir)
    return new StreamTask({
      topology: suppressed(),
      subtopologyId: 0,
      partition: 0,
      applicationId: 'tasktime',
      stateDir,
      collector: { send: (topic, record) => sent.push({ topic, record }) },
      cacheMaxBytes: 0,
    })
  }
  const rec = (k: string, v: string, t: number, offset: number) => ({ key: Buffer.from(k), value: Buffer.from(v), timestamp: t, offset })

  async function restartAndProcess(seed: number | null): Promise<string[]> {
    const first: { topic: string; record: ChangelogRecord }[] = []
    const task1 = capturingTask(first)
    await task1.initialize()
    task1.addRecords('in', 0, [rec('a', 'v', 3, 0), rec('z', 'skip', 35, 1)])
    await task1.process(10)
    const [committed] = await task1.commit()
    expect(committed.partitionTime).toBe(35)
    await task1.close()
    expect(first.filter((s) => s.topic === 'out')).toEqual([])

    const second: { topic: string; record: ChangelogRecord }[] = []
    const task2 = capturingTask(second)
    for (const r of await task2.initialize()) {
      const batch = first.filter((s) => s.topic === r.topic).map((s, offset) => ({ key: s.record.key!, value: s.record.value, timestamp: s.record.timestamp, offset }))
      await r.restore(batch)
    }
    if (seed !== null) task2.initializePartitionTime('in', 0, seed)
    task2.addRecords('in', 0, [rec('c', 'v', 25, 2)])
    await task2.process(10)
    await task2.close()
    return second.filter((s) => s.topic === 'out').map((s) => new TimeWindowedSerde(S, 10).deserialize('out', s.record.key)!.key)
  }

  it('a window that the restored stream time closed is emitted at the first record after the restart', async () => {
    // stream time 35 - grace 20 = 15 >= end 10 of window [0, 10)
    expect(await restartAndProcess(35)).toEqual(['a'])
  })

  it('without the seed the same window keeps waiting (suppress would only see time 25)', async () => {
    expect(await restartAndProcess(null)).toEqual([])
  })
})
