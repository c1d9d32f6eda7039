import { afterEach, describe, expect, it } from 'vitest'
import { Consumed, KeyValue, Materialized, Produced, Serdes, StreamsBuilder, TopologyTestDriver } from '../../../topology/index.js'
import { TimeWindows } from '../../../topology/windows/time-windows.js'
import { SlidingWindows } from '../../../topology/windows/sliding-windows.js'
import { SessionWindows } from '../../../topology/windows/session-windows.js'
import type { Windowed } from '../../../topology/windows/window.js'
import { TimeWindowedSerde } from '../../../topology/windows/windowed-serdes.js'

const S = Serdes.String()
const L = Serdes.Long()
let driver: TopologyTestDriver | null = null
afterEach(async () => {
  await driver?.close()
  driver = null
})

const label = (wk: Windowed<string>) => `${wk.key}@${wk.window.start}/${wk.window.end}`

describe('windowed aggregations in a topology', () => {
  it('tumbling count with grace: out-of-order updates, late records routed to their own stream', async () => {
    const b = new StreamsBuilder()
    b.stream('in', Consumed.with(S, S))
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeAndGrace(10, 5))
      .withLateRecords((late) => late.to('late', Produced.with(S, S)))
      .count(Materialized.as<string, number>('counts'))
      .toStream()
      .map((wk, c) => KeyValue.pair(label(wk), c))
      .to('out', Produced.with(S, L))
    driver = new TopologyTestDriver(b.build())
    const input = driver.createInputTopic('in', S, S)
    for (const [k, v, t] of [
      ['a', 'v0', 0],
      ['a', 'v7', 7],
      ['b', 'v12', 12],
      ['a', 'v3', 3],
      ['a', 'v21', 21],
      ['a', 'v9', 9],
      ['a', 'v15', 15],
    ] as const) {
      await input.pipeInput(k, v, t)
    }
    expect(driver.createOutputTopic('out', S, L).readRecordsToList().map((r) => `${r.key}=${r.value}@${r.timestamp}`)).toEqual([
      'a@0/10=1@0',
      'a@0/10=2@7',
      'b@10/20=1@12',
      'a@0/10=3@7',
      'a@20/30=1@21',
      'a@10/20=1@15',
    ])
    expect(driver.createOutputTopic('late', S, S).readRecordsToList()).toEqual([{ key: 'a', value: 'v9', timestamp: 9, headers: {} }])
    expect(await driver.getTimestampedWindowStore('counts').fetch('a', 10)).toEqual({ value: 1, timestamp: 15 })
    expect(await driver.getWindowStore('counts').fetch('a', 10)).toBe(1)
  })

  it('writes windowed keys with the Java TimeWindowedSerde layout', async () => {
    const b = new StreamsBuilder()
    b.stream('in', Consumed.with(S, S))
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeWithNoGrace(100).advanceBy(50))
      .count()
      .toStream()
      .to('out', Produced.with(new TimeWindowedSerde(S, 100), L))
    driver = new TopologyTestDriver(b.build())
    await driver.createInputTopic('in', S, S).pipeInput('k', 'x', 120)
    const raw = driver.producedRecords('out')
    expect(raw.map((r) => r.key!.toString('hex'))).toEqual(['6b' + '0000000000000032', '6b' + '0000000000000064'])
    expect(driver.createOutputTopic('out', new TimeWindowedSerde(S, 100), L).readKeyValuesToList()).toEqual([
      { key: { key: 'k', window: { start: 50, end: 150 } }, value: 1 },
      { key: { key: 'k', window: { start: 100, end: 200 } }, value: 1 },
    ])
  })

  it('sliding windows reduce: one result per distinct set of records', async () => {
    const b = new StreamsBuilder()
    b.stream('in', Consumed.with(S, S))
      .groupByKey()
      .windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(10, 50))
      .reduce((a, v) => a + v)
      .toStream()
      .map((wk, v) => KeyValue.pair(label(wk), v))
      .to('out', Produced.with(S, S))
    driver = new TopologyTestDriver(b.build())
    const input = driver.createInputTopic('in', S, S)
    await input.pipeInput('A', 'a', 10)
    await input.pipeInput('A', 'b', 15)
    await input.pipeInput('A', 'c', 12)
    expect(driver.createOutputTopic('out', S, S).readKeyValuesToList().map((kv) => `${kv.key}=${kv.value}`)).toEqual([
      'A@0/10=a',
      'A@11/21=b',
      'A@5/15=ab',
      // c at 12 updates [11,21] before [5,15]: Kafka Streams walks the existing windows latest first
      'A@11/21=bc',
      'A@5/15=abc',
      'A@2/12=ac',
      'A@13/23=b',
    ])
  })

  it('session aggregate: merges are a delete of the old sessions and a put of the merged one', async () => {
    const b = new StreamsBuilder()
    b.stream('in', Consumed.with(S, S))
      .groupByKey()
      .windowedBy(SessionWindows.ofInactivityGapAndGrace(5, 10))
      .aggregate(
        () => '',
        (_k, v, agg) => agg + v,
        (_k, a, c) => a + c,
        Materialized.as<string, string>('sessions').withValueSerde(S),
      )
      .toStream()
      .map((wk, v) => KeyValue.pair(label(wk), v))
      .to('out', Produced.with(S, S))
    driver = new TopologyTestDriver(b.build())
    const input = driver.createInputTopic('in', S, S)
    await input.pipeInput('u', 'x', 0)
    await input.pipeInput('u', 'y', 8)
    await input.pipeInput('u', 'z', 4) // bridges [0,0] and [8,8]
    await input.pipeInput('u', 'w', 30)
    await input.pipeInput('u', 'late', 10) // would make [0,10], closed: 10 < 30 - 10 - 5
    expect(driver.createOutputTopic('out', S, S).readRecordsToList().map((r) => `${r.key}=${r.value}@${r.timestamp}`)).toEqual([
      'u@0/0=x@0',
      'u@8/8=y@8',
      'u@0/0=null@0',
      'u@8/8=null@8',
      'u@0/8=xyz@8',
      'u@30/30=w@30',
    ])
    const sessions = driver.getSessionStore<string, string>('sessions')
    expect(await sessions.fetchSession('u', 30, 30)).toBe('w')
    // Retention is gap + grace: the session [0,8] has left the store by stream time 30.
    expect(await sessions.fetchSession('u', 0, 8)).toBeNull()
  })

  it('window and session changelogs are compacted and deleted after retention plus a day', () => {
    const b = new StreamsBuilder()
    const grouped = b.stream('in', Consumed.with(S, S)).groupByKey()
    grouped.windowedBy(TimeWindows.ofSizeAndGrace(60_000, 5_000)).count(Materialized.as('minutes'))
    grouped.windowedBy(SessionWindows.ofInactivityGapWithNoGrace(1_000)).count(Materialized.as<string, number>('sessions').withRetention(50_000))
    const stores = b.build().metadata('app').subtopologies.flatMap((t) => t.stores)
    expect(stores.find((st) => st.name === 'minutes')?.changelogConfig).toEqual({ 'cleanup.policy': 'compact,delete', 'retention.ms': String(65_000 + 86_400_000) })
    expect(stores.find((st) => st.name === 'sessions')?.changelogConfig).toEqual({ 'cleanup.policy': 'compact,delete', 'retention.ms': String(50_000 + 86_400_000) })
    expect(() => grouped.windowedBy(TimeWindows.ofSizeAndGrace(60_000, 5_000)).count(Materialized.as<string, number>('short').withRetention(1000))).toThrow(
      /retention period of the window store short must be no smaller than the window size plus the grace period/,
    )
  })
})
