import { afterEach, describe, expect, it } from 'vitest'
import {
  Consumed,
  Grouped,
  KeyValue,
  Materialized,
  Produced,
  Serdes,
  SessionWindows,
  SessionWindowedSerde,
  SlidingWindows,
  StreamsBuilder,
  TimeWindowedSerde,
  TimeWindows,
  TopologyTestDriver,
} from '../../../../topology/index.js'
import { Stores } from '../../../../stores/stores.js'
import { HyperLogLog } from '../../../../topology/sketches/hyperloglog.js'

const S = Serdes.String()
const L = Serdes.Long()
let driver: TopologyTestDriver | null = null
afterEach(async () => {
  await driver?.close()
  driver = null
})

type Visit = { user: string }
const J = Serdes.JSON<Visit>()
const visit = (user: string): Visit => ({ user })

describe('KGroupedStream.approximateCountDistinct', () => {
  it('emits the distinct count per key on every update, without a cache', async () => {
    const b = new StreamsBuilder()
    b.stream('visits', Consumed.with(S, J))
      .groupByKey()
      .approximateCountDistinct((_page, v) => v.user, Materialized.as<string, number>('visitors').withCachingDisabled())
      .toStream()
      .to('out', Produced.with(S, L))
    driver = new TopologyTestDriver(b.build())
    const input = driver.createInputTopic('visits', S, J)
    for (const [page, user, t] of [
      ['home', 'ann', 10],
      ['home', 'bob', 20],
      ['home', 'ann', 15], // a repeat, out of order: the timestamp stays the highest seen
      ['docs', 'ann', 30],
      ['home', 'cid', 40],
    ] as const) {
      await input.pipeInput(page, visit(user), t)
    }
    expect(driver.createOutputTopic('out', S, L).readRecordsToList().map((r) => `${r.key}=${r.value}@${r.timestamp}`)).toEqual([
      'home=1@10',
      'home=2@20',
      'home=2@20',
      'docs=1@30',
      'home=3@40',
    ])
    // Interactive queries (here the driver's store getters) see estimates, not sketches.
    expect(await driver.getKeyValueStore('visitors').get('home')).toBe(3)
    expect(await driver.getTimestampedKeyValueStore('visitors').get('docs')).toEqual({ value: 1, timestamp: 30 })
    // The changelog holds the sketch bytes (version 1, precision 14, sparse), the timestamp as the record's.
    const logged = driver.producedRecords('test-driver-visitors-changelog')
    expect(logged.length).toBe(5)
    const last = logged.at(-1)!
    expect(last.timestamp).toBe(40)
    expect(HyperLogLog.wrap(last.value!).estimate()).toBe(3)
    expect([last.value![0], last.value![1], last.value![2]]).toEqual([1, 14, 1])
  })

  it('with the default cache, emits once per key per commit', async () => {
    const b = new StreamsBuilder()
    b.stream('visits', Consumed.with(S, S))
      .groupByKey()
      .approximateCountDistinct((_page, user) => user)
      .toStream()
      .to('out', Produced.with(S, L))
    driver = new TopologyTestDriver(b.build())
    const input = driver.createInputTopic('visits', S, S)
    await input.pipeKeyValueList([KeyValue.pair('home', 'ann'), KeyValue.pair('home', 'bob'), KeyValue.pair('home', 'bob'), KeyValue.pair('docs', 'ann')])
    const out = driver.createOutputTopic('out', S, L).readKeyValuesToMap()
    expect(out).toEqual(new Map([['home', 2], ['docs', 1]]))
  })

  it('skips records with a null value or a null item; a mapper returning something else fails naming the operator', async () => {
    const b = new StreamsBuilder()
    b.stream('visits', Consumed.with(S, S))
      .groupByKey()
      .approximateCountDistinct((_page, user) => (user === 'robot' ? null : user === 'bad' ? (7 as unknown as string) : Buffer.from(user)), Materialized.as<string, number>('visitors').withCachingDisabled())
      .toStream()
      .to('out', Produced.with(S, L))
    driver = new TopologyTestDriver(b.build())
    const input = driver.createInputTopic('visits', S, S)
    await input.pipeInput('home', 'ann', 1)
    await input.pipeInput('home', 'robot', 2)
    await input.pipeInput('home', null, 3)
    await input.pipeInput('home', 'bob', 4)
    expect(driver.createOutputTopic('out', S, L).readValuesToList()).toEqual([1, 2])
    await expect(input.pipeInput('home', 'bad', 5)).rejects.toThrow(/approximateCountDistinct: the mapper must return a string or a Buffer/)
  })

  it('sends correct old values downstream: the total of distinct visitors over pages', async () => {
    // KGroupedTable.reduce subtracts each page's old estimate: an old value changed in place would skew the total.
    const b = new StreamsBuilder()
    b.stream('visits', Consumed.with(S, S))
      .groupByKey()
      .approximateCountDistinct((_page, user) => user, Materialized.as<string, number>('visitors').withCachingDisabled())
      .groupBy((_page, n) => KeyValue.pair('all', n), Grouped.with(S, L))
      .reduce((a, n) => a + n, (a, n) => a - n, Materialized.as<string, number>('total').withCachingDisabled())
      .toStream()
      .to('total', Produced.with(S, L))
    driver = new TopologyTestDriver(b.build())
    const input = driver.createInputTopic('visits', S, S)
    for (const [page, user] of [['home', 'ann'], ['home', 'bob'], ['docs', 'ann'], ['home', 'ann'], ['home', 'cid']]) await input.pipeInput(page, user, 1)
    expect(driver.createOutputTopic('total', S, L).readValuesToList()).toEqual([1, 2, 3, 3, 4])
    expect(await driver.getKeyValueStore('total').get('all')).toBe(4)
  })

  it('keeps large counts within the standard error through the store', async () => {
    const b = new StreamsBuilder()
    b.stream('visits', Consumed.with(S, S))
      .groupByKey()
      .approximateCountDistinct((_page, user) => user, Materialized.as<string, number>('visitors').withCachingDisabled())
    driver = new TopologyTestDriver(b.build())
    const input = driver.createInputTopic('visits', S, S)
    const users = Array.from({ length: 3000 }, (_, i) => `user-${i}`) // past the sparse limit: a dense sketch
    await input.pipeKeyValueList(users.map((u) => KeyValue.pair('home', u)))
    const expected = users.reduce((s, u) => s.add(u), HyperLogLog.empty()).estimate()
    expect(await driver.getKeyValueStore('visitors').get('home')).toBe(expected)
    expect(Math.abs(expected / 3000 - 1)).toBeLessThan(3 * 0.0081)
  })
})

describe('TimeWindowedKStream.approximateCountDistinct', () => {
  it('unique visitors per day: one count per page and day, late visits dropped', async () => {
    const DAY = 86_400_000
    const b = new StreamsBuilder()
    b.stream('visits', Consumed.with(S, S))
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeAndGrace(DAY, 60_000))
      .approximateCountDistinct((_page, user) => user, Materialized.as<string, number>('daily').withCachingDisabled())
      .toStream()
      .map((wk, n) => KeyValue.pair(`${wk.key}@day${wk.window.start / DAY}`, n))
      .to('out', Produced.with(S, L))
    driver = new TopologyTestDriver(b.build())
    const input = driver.createInputTopic('visits', S, S)
    await input.pipeInput('home', 'ann', 1000)
    await input.pipeInput('home', 'bob', 2000)
    await input.pipeInput('home', 'ann', 3000)
    await input.pipeInput('home', 'ann', DAY + 1000)
    await input.pipeInput('home', 'cid', 5000) // day 0 is still open (grace 1 minute)
    await input.pipeInput('home', 'dan', DAY + 120_000)
    await input.pipeInput('home', 'eve', 6000) // day 0 closed: late, dropped
    expect(driver.createOutputTopic('out', S, L).readRecordsToList().map((r) => `${r.key}=${r.value}@${r.timestamp}`)).toEqual([
      'home@day0=1@1000',
      'home@day0=2@2000',
      'home@day0=2@3000',
      `home@day1=1@${DAY + 1000}`,
      'home@day0=3@5000',
      `home@day1=2@${DAY + 120_000}`,
    ])
    expect(await driver.getWindowStore('daily').fetch('home', 0)).toBe(3)
    expect(await driver.getTimestampedWindowStore('daily').fetch('home', DAY)).toEqual({ value: 2, timestamp: DAY + 120_000 })
  })

  it('hopping windows count each window separately; the table carries Windowed keys', async () => {
    const b = new StreamsBuilder()
    b.stream('in', Consumed.with(S, S))
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeWithNoGrace(10).advanceBy(5))
      .approximateCountDistinct((_k, v) => v, Materialized.as<string, number>('hops').withCachingDisabled())
      .toStream()
      .to('out', Produced.with(new TimeWindowedSerde(S, 10), L))
    driver = new TopologyTestDriver(b.build())
    const input = driver.createInputTopic('in', S, S)
    await input.pipeInput('k', 'a', 7)
    await input.pipeInput('k', 'b', 12)
    expect(driver.createOutputTopic('out', new TimeWindowedSerde(S, 10), L).readRecordsToList().map((r) => `${r.key.window.start}=${r.value}`)).toEqual([
      '0=1',
      '5=1',
      '5=2',
      '10=1',
    ])
  })

  it('sliding windows', async () => {
    const b = new StreamsBuilder()
    b.stream('in', Consumed.with(S, S))
      .groupByKey()
      .windowedBy(SlidingWindows.ofTimeDifferenceWithNoGrace(10))
      .approximateCountDistinct((_k, v) => v, Materialized.as<string, number>('slides').withCachingDisabled())
      .toStream()
      .map((wk, n) => KeyValue.pair(`[${wk.window.start},${wk.window.end}]`, n))
      .to('out', Produced.with(S, L))
    driver = new TopologyTestDriver(b.build())
    const input = driver.createInputTopic('in', S, S)
    await input.pipeInput('k', 'a', 20)
    await input.pipeInput('k', 'b', 25)
    await input.pipeInput('k', 'a', 28)
    expect(driver.createOutputTopic('out', S, L).readKeyValuesToMap()).toEqual(
      new Map([
        ['[10,20]', 1],
        ['[15,25]', 2],
        ['[21,31]', 2], // b and a (at 28)
        ['[18,28]', 2],
        ['[26,36]', 1],
      ]),
    )
  })
})

describe('SessionWindowedKStream.approximateCountDistinct', () => {
  it('a record joining two sessions merges their sketches: the union count', async () => {
    const b = new StreamsBuilder()
    b.stream('in', Consumed.with(S, S))
      .groupByKey()
      .windowedBy(SessionWindows.ofInactivityGapAndGrace(10, 20))
      .approximateCountDistinct((_k, v) => v, Materialized.as<string, number>('sessions').withCachingDisabled())
      .toStream()
      .to('out', Produced.with(new SessionWindowedSerde(S), L))
    driver = new TopologyTestDriver(b.build())
    const input = driver.createInputTopic('in', S, S)
    await input.pipeInput('u', 'a', 0)
    await input.pipeInput('u', 'b', 5)
    await input.pipeInput('u', 'b', 20)
    await input.pipeInput('u', 'c', 25)
    await input.pipeInput('u', 'a', 15) // within 10 of both sessions: one session [0, 25] of {a, b, c}
    const out = driver.createOutputTopic('out', new SessionWindowedSerde(S), L).readRecordsToList()
    expect(out.map((r) => `[${r.key.window.start},${r.key.window.end}]=${r.value}@${r.timestamp}`)).toEqual([
      '[0,0]=1@0',
      '[0,0]=null@0',
      '[0,5]=2@5',
      '[20,20]=1@20',
      '[20,20]=null@20',
      '[20,25]=2@25',
      '[0,5]=null@5',
      '[20,25]=null@25',
      '[0,25]=3@25',
    ])
    expect(await driver.getSessionStore('sessions').fetchSession('u', 0, 25)).toBe(3)
  })

  it('property: merging two large sessions gives the estimate of the union', async () => {
    const b = new StreamsBuilder()
    b.stream('in', Consumed.with(S, S))
      .groupByKey()
      .windowedBy(SessionWindows.ofInactivityGapAndGrace(500, 10_000))
      .approximateCountDistinct((_k, v) => v, Materialized.as<string, number>('sessions'))
    driver = new TopologyTestDriver(b.build())
    const input = driver.createInputTopic('in', S, S)
    const first = Array.from({ length: 2500 }, (_, i) => `v${i}`)
    const second = Array.from({ length: 2500 }, (_, i) => `v${i + 1500}`) // overlaps the first on 1000 items
    await input.pipeKeyValueList(first.map((v) => KeyValue.pair('u', v)), 0, 0)
    await input.pipeKeyValueList(second.map((v) => KeyValue.pair('u', v)), 1000, 0)
    const store = driver.getSessionStore<string, number>('sessions')
    const sketch = (items: string[]) => items.reduce((s, v) => s.add(v), HyperLogLog.empty()).estimate()
    expect(await store.fetchSession('u', 0, 0)).toBe(sketch(first))
    expect(await store.fetchSession('u', 1000, 1000)).toBe(sketch(second))
    await input.pipeInput('u', 'bridge', 500)
    expect(await store.fetchSession('u', 0, 1000)).toBe(sketch([...first, ...second, 'bridge']))
    expect(await store.fetchSession('u', 0, 0)).toBeNull()
  })

  it('works on an in-memory session store given by a supplier', async () => {
    const b = new StreamsBuilder()
    b.stream('in', Consumed.with(S, S))
      .groupByKey()
      .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(10))
      .approximateCountDistinct((_k, v) => v, Materialized.as<string, number>(Stores.inMemorySessionStore('mem', 1000)))
    driver = new TopologyTestDriver(b.build())
    const input = driver.createInputTopic('in', S, S)
    await input.pipeInput('u', 'a', 0)
    await input.pipeInput('u', 'b', 5)
    expect(await driver.getSessionStore('mem').fetchSession('u', 0, 5)).toBe(2)
  })
})
