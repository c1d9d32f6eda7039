import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Consumed, KeyValue, Materialized, Produced, Serdes, StreamsBuilder, TopologyTestDriver } from '../../../topology/index.js'
import { TimeWindows } from '../../../topology/windows/time-windows.js'
import { SessionWindows } from '../../../topology/windows/session-windows.js'
import { Suppressed } from '../../../topology/suppress/suppressed.js'

const S = Serdes.String()
const L = Serdes.Long()
let driver: TopologyTestDriver | null = null
afterEach(async () => {
  await driver?.close()
  driver = null
})

type Reader = ReturnType<TopologyTestDriver['createOutputTopic']>
const readers = new Map<string, Reader>()
/** The records written to `topic` since the last call (one reader per topic and driver). */
function lines(topic: string) {
  let reader = readers.get(topic)
  if (!reader) readers.set(topic, (reader = driver!.createOutputTopic(topic, S, L)))
  return reader.readRecordsToList().map((r) => `${r.key}=${r.value}@${r.timestamp}`)
}
beforeEach(() => readers.clear())

describe('KTable.suppress', () => {
  it('untilWindowCloses: one final count per window once stream time passes end + grace', async () => {
    const b = new StreamsBuilder()
    const counts = b
      .stream('in', Consumed.with(S, S))
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeAndGrace(2, 1))
      .count(Materialized.as<string, number>('counts').withCachingDisabled())
    counts.toStream().map((wk, c) => KeyValue.pair(`${wk.key}@${wk.window.start}/${wk.window.end}`, c)).to('raw', Produced.with(S, L))
    counts
      .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()))
      .toStream()
      .map((wk, c) => KeyValue.pair(`${wk.key}@${wk.window.start}/${wk.window.end}`, c))
      .to('final', Produced.with(S, L))
    driver = new TopologyTestDriver(b.build(), { applicationId: 'sup' })
    const input = driver.createInputTopic('in', S, S)
    for (const t of [0, 1, 2, 1, 0]) await input.pipeInput('k1', 'v1', t)
    expect(lines('raw')).toEqual(['k1@0/2=1@0', 'k1@0/2=2@1', 'k1@2/4=1@2', 'k1@0/2=3@1', 'k1@0/2=4@1'])
    expect(lines('final')).toEqual([])
    await input.pipeInput('k1', 'v1', 5)
    await input.pipeInput('k1', 'v1', 0) // beyond the grace period: dropped upstream
    expect(lines('raw')).toEqual(['k1@4/6=1@5'])
    expect(lines('final')).toEqual(['k1@0/2=4@1', 'k1@2/4=1@2'])

    // The buffer lives in a logged store: each buffered window was written, then deleted when emitted.
    const changelogTopic = driver.producedTopicNames().find((t) => t.includes('SUPPRESS') && t.endsWith('-changelog'))!
    expect(changelogTopic).toMatch(/^sup-KTABLE-SUPPRESS-STATE-STORE-\d{10}-changelog$/)
    const changelog = driver.producedRecords(changelogTopic)
    expect(changelog.length).toBeGreaterThan(0)
    expect(changelog.filter((r) => r.value === null)).toHaveLength(2)
  })

  it('untilWindowCloses on sessions waits for end + gap + grace, and drops merged-away sessions', async () => {
    const b = new StreamsBuilder()
    b.stream('in', Consumed.with(S, S))
      .groupByKey()
      .windowedBy(SessionWindows.ofInactivityGapAndGrace(5, 2))
      .count()
      .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()))
      .toStream()
      .map((wk, c) => KeyValue.pair(`${wk.key}@${wk.window.start}/${wk.window.end}`, c))
      .to('final', Produced.with(S, L))
    driver = new TopologyTestDriver(b.build())
    const input = driver.createInputTopic('in', S, S)
    await input.pipeInput('a', 'x', 0)
    await input.pipeInput('a', 'x', 4) // merges into [0,4]: the tombstone of [0,0] is buffered and never emitted
    await input.pipeInput('b', 'x', 10)
    expect(lines('final')).toEqual([])
    await input.pipeInput('b', 'x', 11) // 11 = 4 + 5 + 2: session ends are inclusive, so [0,4] is not closed yet
    expect(lines('final')).toEqual([])
    await input.pipeInput('b', 'x', 12) // now [0,4] is closed for good
    expect(lines('final')).toEqual(['a@0/4=2@4'])
  })

  it('untilTimeLimit: the latest value per key, once the time limit passed since its first buffered update', async () => {
    const b = new StreamsBuilder()
    b.stream('in', Consumed.with(S, S))
      .groupByKey()
      .count(Materialized.as<string, number>('c').withCachingDisabled())
      .suppress(Suppressed.untilTimeLimit(10, Suppressed.BufferConfig.unbounded()))
      .toStream()
      .to('out', Produced.with(S, L))
    driver = new TopologyTestDriver(b.build())
    const input = driver.createInputTopic('in', S, S)
    for (const [k, t] of [
      ['a', 0],
      ['a', 3],
      ['b', 5],
      ['a', 12],
      ['c', 30],
    ] as const) {
      await input.pipeInput(k, 'x', t)
    }
    expect(lines('out')).toEqual(['a=3@12', 'b=1@5'])
  })

  it('a full buffer emits early (maxRecords) or fails naming the processor (shutDownWhenFull)', async () => {
    const b = new StreamsBuilder()
    const counts = b.stream('in', Consumed.with(S, S)).groupByKey().count(Materialized.as<string, number>('c').withCachingDisabled())
    counts.suppress(Suppressed.untilTimeLimit(1000, Suppressed.BufferConfig.maxRecords(1))).toStream().to('early', Produced.with(S, L))
    driver = new TopologyTestDriver(b.build())
    const input = driver.createInputTopic('in', S, S)
    await input.pipeInput('a', 'x', 0)
    await input.pipeInput('b', 'x', 1)
    await input.pipeInput('a', 'x', 2)
    expect(lines('early')).toEqual(['a=1@0', 'b=1@1'])
    await driver.close()
    readers.clear()

    const b2 = new StreamsBuilder()
    b2.stream('in', Consumed.with(S, S))
      .groupByKey()
      .count(Materialized.as<string, number>('c').withCachingDisabled())
      .suppress(Suppressed.untilTimeLimit(1000, Suppressed.BufferConfig.maxRecords(1).shutDownWhenFull()).withName('strict'))
      .toStream()
      .to('out', Produced.with(S, L))
    driver = new TopologyTestDriver(b2.build())
    const input2 = driver.createInputTopic('in', S, S)
    await input2.pipeInput('a', 'x', 0)
    await expect(input2.pipeInput('b', 'x', 1)).rejects.toThrow(/strict: suppression buffer exceeded its max capacity: 2\/1 records/)
    // The failed task stays failed: closing reports the same error.
    await expect(driver.close()).rejects.toThrow(/max capacity/)
    driver = null
  })

  it('untilWindowCloses needs a windowed table and a strict buffer', () => {
    const b = new StreamsBuilder()
    const table = b.stream('in', Consumed.with(S, S)).groupByKey().count()
    expect(() => table.suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()))).toThrow(/only defined for windowed computations/)
    expect(() => Suppressed.untilWindowCloses(Suppressed.BufferConfig.maxRecords(5))).toThrow(/strict buffer/)
  })
})
