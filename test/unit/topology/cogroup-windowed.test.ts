import { afterEach, describe, expect, it } from 'vitest'
import {
  Consumed,
  Grouped,
  Materialized,
  Named,
  Serdes,
  SessionWindowedSerde,
  SessionWindows,
  SlidingWindows,
  StreamsBuilder,
  Suppressed,
  TimeWindowedSerde,
  TimeWindows,
  TopologyTestDriver,
} from '../../../topology/index.js'
import type { KGroupedStream, TestOutputTopic, Windowed } from '../../../topology/index.js'

// Ported from Kafka Streams' TimeWindowedCogroupedKStreamImplTest, SlidingWindowedCogroupedKStreamImplTest
// and SessionWindowedCogroupedKStreamImplTest, with their inputs and expected outputs.

const S = Serdes.String()
const TOSTRING_ADDER = (_k: unknown, v: unknown, agg: string): string => `${agg}+${String(v)}`
const TOSTRING_REMOVER = (_k: unknown, v: unknown, agg: string): string => `${agg}-${String(v)}`
const STRING_INIT = (): string => '0'
const sessionMerger = (_k: string, aggOne: string, aggTwo: string): string => `${aggOne}+${aggTwo}`

let driver: TopologyTestDriver | null = null
afterEach(async () => {
  await driver?.close()
  driver = null
})

interface Setup {
  builder: StreamsBuilder
  groupedStream: KGroupedStream<string, string>
  groupedStream2: KGroupedStream<string, string>
}

// The tests' setup(): two grouped streams, the first cogrouped with TOSTRING_ADDER, the second with TOSTRING_REMOVER.
function setup(): Setup {
  const builder = new StreamsBuilder()
  const stream = builder.stream('topic', Consumed.with(S, S))
  const stream2 = builder.stream('topic2', Consumed.with(S, S))
  return {
    builder,
    groupedStream: stream.groupByKey(Grouped.with(S, S)),
    groupedStream2: stream2.groupByKey(Grouped.with(S, S)),
  }
}
const cogrouped = (s: Setup) => s.groupedStream.cogroup(TOSTRING_ADDER).cogroup(s.groupedStream2, TOSTRING_REMOVER)

function open(s: Setup) {
  driver = new TopologyTestDriver(s.builder.build(), { defaultKeySerde: S, defaultValueSerde: S })
  return { in1: driver.createInputTopic('topic', S, S), in2: driver.createInputTopic('topic2', S, S), d: driver }
}

// assertOutputKeyValueTimestamp: the key without its window, the value, the timestamp
function outputs(out: TestOutputTopic<Windowed<string>, string>): [string, string | null, number][] {
  return out.readRecordsToList().map((r) => [r.key.key, r.value, r.timestamp])
}

const WINDOW_SIZE = 500

describe('TimeWindowedCogroupedKStreamImplTest', () => {
  const timeOutput = (d: TopologyTestDriver) => d.createOutputTopic('output', new TimeWindowedSerde(S, WINDOW_SIZE), S)

  it('namedParamShouldSetName', () => {
    const builder = new StreamsBuilder()
    const grouped = builder.stream('topic', Consumed.with(S, S)).groupByKey(Grouped.with(S, S))
    grouped.cogroup(TOSTRING_ADDER).windowedBy(TimeWindows.ofSizeWithNoGrace(WINDOW_SIZE)).aggregate(STRING_INIT, Named.as('foo'))
    expect(builder.build().describe().toString()).toBe(
      'Topologies:\n' +
        '   Sub-topology: 0\n' +
        '    Source: KSTREAM-SOURCE-0000000000 (topics: [topic])\n' +
        '      --> foo-cogroup-agg-0\n' +
        '    Processor: foo-cogroup-agg-0 (stores: [COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000001])\n' +
        '      --> foo-cogroup-merge\n' +
        '      <-- KSTREAM-SOURCE-0000000000\n' +
        '    Processor: foo-cogroup-merge (stores: [])\n' +
        '      --> none\n' +
        '      <-- foo-cogroup-agg-0\n\n',
    )
  })

  it('shouldNotHaveNullInitializerOnAggregate (and the Named / Materialized overloads)', () => {
    const w = cogrouped(setup()).windowedBy(TimeWindows.ofSizeWithNoGrace(WINDOW_SIZE))
    expect(() => w.aggregate(null as never)).toThrow(/initializer must be a function/)
    expect(() => w.aggregate(null as never, Named.as('test'))).toThrow(/initializer must be a function/)
    expect(() => w.aggregate(null as never, Materialized.as('test'))).toThrow(/initializer must be a function/)
    expect(() => w.aggregate(null as never, Named.as('test'), Materialized.as('test'))).toThrow(/initializer must be a function/)
  })

  it('timeWindowAggregateTestStreamsTest', async () => {
    const s = setup()
    cogrouped(s).windowedBy(TimeWindows.ofSizeWithNoGrace(WINDOW_SIZE)).aggregate(STRING_INIT, Materialized.with(S, S)).toStream().to('output')
    const { in1, d } = open(s)
    for (const [k, v, t] of [['k1', 'A', 0], ['k2', 'A', 0], ['k2', 'A', 1], ['k1', 'A', 2], ['k1', 'B', 3], ['k2', 'B', 3], ['k2', 'B', 4], ['k1', 'B', 4]] as const) {
      await in1.pipeInput(k, v, t)
    }
    expect(outputs(timeOutput(d))).toEqual([
      ['k1', '0+A', 0],
      ['k2', '0+A', 0],
      ['k2', '0+A+A', 1],
      ['k1', '0+A+A', 2],
      ['k1', '0+A+A+B', 3],
      ['k2', '0+A+A+B', 3],
      ['k2', '0+A+A+B+B', 4],
      ['k1', '0+A+A+B+B', 4],
    ])
  })

  it('timeWindowMixAggregatorsTest', async () => {
    const s = setup()
    cogrouped(s).windowedBy(TimeWindows.ofSizeWithNoGrace(WINDOW_SIZE)).aggregate(STRING_INIT, Materialized.with(S, S)).toStream().to('output')
    const { in1, in2, d } = open(s)
    for (const [k, t] of [['k1', 0], ['k2', 0], ['k2', 1], ['k1', 2]] as const) await in1.pipeInput(k, 'A', t)
    for (const [k, t] of [['k1', 3], ['k2', 3], ['k2', 4], ['k1', 4]] as const) await in2.pipeInput(k, 'B', t)
    expect(outputs(timeOutput(d))).toEqual([
      ['k1', '0+A', 0],
      ['k2', '0+A', 0],
      ['k2', '0+A+A', 1],
      ['k1', '0+A+A', 2],
      ['k1', '0+A+A-B', 3],
      ['k2', '0+A+A-B', 3],
      ['k2', '0+A+A-B-B', 4],
      ['k1', '0+A+A-B-B', 4],
    ])
  })

  it('timeWindowAggregateManyWindowsTest', async () => {
    const s = setup()
    s.groupedStream.cogroup(TOSTRING_ADDER).windowedBy(TimeWindows.ofSizeWithNoGrace(500)).aggregate(STRING_INIT, Materialized.with(S, S)).toStream().to('output')
    const { in1, d } = open(s)
    for (const [k, t] of [['k1', 0], ['k2', 499], ['k2', 500], ['k1', 500]] as const) await in1.pipeInput(k, 'A', t)
    const records = timeOutput(d).readRecordsToList()
    expect(records.map((r) => [r.key.key, r.key.window.start, r.value, r.timestamp])).toEqual([
      ['k1', 0, '0+A', 0],
      ['k2', 0, '0+A', 499],
      ['k2', 500, '0+A', 500],
      ['k1', 500, '0+A', 500],
    ])
  })

  it('timeWindowAggregateOverlappingWindowsTest', async () => {
    const s = setup()
    s.groupedStream
      .cogroup(TOSTRING_ADDER)
      .windowedBy(TimeWindows.ofSizeWithNoGrace(500).advanceBy(200))
      .aggregate(STRING_INIT, Materialized.with(S, S))
      .toStream()
      .to('output')
    const { in1, d } = open(s)
    for (const [k, v, t] of [['k1', 'A', 0], ['k2', 'A', 0], ['k1', 'B', 250], ['k2', 'B', 250], ['k2', 'A', 500], ['k1', 'A', 500]] as const) {
      await in1.pipeInput(k, v, t)
    }
    expect(outputs(timeOutput(d))).toEqual([
      ['k1', '0+A', 0],
      ['k2', '0+A', 0],
      ['k1', '0+A+B', 250],
      ['k1', '0+B', 250],
      ['k2', '0+A+B', 250],
      ['k2', '0+B', 250],
      ['k2', '0+B+A', 500],
      ['k2', '0+A', 500],
      ['k1', '0+B+A', 500],
      ['k1', '0+A', 500],
    ])
  })

  it('timeWindowMixAggregatorsManyWindowsTest', async () => {
    const s = setup()
    cogrouped(s).windowedBy(TimeWindows.ofSizeWithNoGrace(WINDOW_SIZE)).aggregate(STRING_INIT, Materialized.with(S, S)).toStream().to('output')
    const { in1, in2, d } = open(s)
    for (const [k, t] of [['k1', 0], ['k2', 0], ['k2', 1], ['k1', 2]] as const) await in1.pipeInput(k, 'A', t)
    for (const [k, t] of [['k1', 3], ['k2', 3], ['k2', 501], ['k1', 501]] as const) await in2.pipeInput(k, 'B', t)
    expect(outputs(timeOutput(d))).toEqual([
      ['k1', '0+A', 0],
      ['k2', '0+A', 0],
      ['k2', '0+A+A', 1],
      ['k1', '0+A+A', 2],
      ['k1', '0+A+A-B', 3],
      ['k2', '0+A+A-B', 3],
      ['k2', '0-B', 501],
      ['k1', '0-B', 501],
    ])
  })

  it('the shared window store holds both inputs per window, queryable by name', async () => {
    const s = setup()
    cogrouped(s).windowedBy(TimeWindows.ofSizeWithNoGrace(WINDOW_SIZE)).aggregate(STRING_INIT, Materialized.as<string, string>('windows').withValueSerde(S).withRetention(5000))
    const { in1, in2, d } = open(s)
    await in1.pipeInput('k1', 'A', 10)
    await in2.pipeInput('k1', 'B', 20)
    await in2.pipeInput('k1', 'B', 600)
    const store = d.getWindowStore<string, string>('windows')
    expect(await store.fetch('k1', 0)).toBe('0+A-B')
    expect(await store.fetch('k1', 500)).toBe('0-B')
  })
})

describe('windowed cogroup downstream', () => {
  it('suppress(untilWindowCloses) after a windowed cogroup emits one final result per window, from either input', async () => {
    const s = setup()
    cogrouped(s)
      .windowedBy(TimeWindows.ofSizeAndGrace(100, 10))
      .aggregate(STRING_INIT, Materialized.with(S, S))
      .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()))
      .toStream()
      .to('final')
    const { in1, in2, d } = open(s)
    await in1.pipeInput('k1', 'A', 10)
    await in2.pipeInput('k1', 'B', 50)
    await in1.pipeInput('k1', 'A', 105) // stream time 105: window [0, 100) still in its grace
    const final = d.createOutputTopic('final', new TimeWindowedSerde(S, 100), S)
    expect(final.isEmpty()).toBe(true)
    await in2.pipeInput('k2', 'B', 110) // stream time 110 >= 100 + 10: [0, 100) closes
    expect(final.readRecordsToList().map((r) => [r.key.key, r.key.window.start, r.value])).toEqual([['k1', 0, '0+A-B']])
  })
})

describe('SlidingWindowedCogroupedKStreamImplTest', () => {
  const WINDOW_SIZE_MS = 500
  const sliding = () => SlidingWindows.ofTimeDifferenceAndGrace(WINDOW_SIZE_MS, 2000)
  const slidingOutput = (d: TopologyTestDriver) => d.createOutputTopic('output', new TimeWindowedSerde(S, WINDOW_SIZE_MS), S)

  it('namedParamShouldSetName', () => {
    const builder = new StreamsBuilder()
    const grouped = builder.stream('topic', Consumed.with(S, S)).groupByKey(Grouped.with(S, S))
    grouped.cogroup(TOSTRING_ADDER).windowedBy(sliding()).aggregate(STRING_INIT, Named.as('foo'))
    expect(builder.build().describe().toString()).toBe(
      'Topologies:\n' +
        '   Sub-topology: 0\n' +
        '    Source: KSTREAM-SOURCE-0000000000 (topics: [topic])\n' +
        '      --> foo-cogroup-agg-0\n' +
        '    Processor: foo-cogroup-agg-0 (stores: [COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000001])\n' +
        '      --> foo-cogroup-merge\n' +
        '      <-- KSTREAM-SOURCE-0000000000\n' +
        '    Processor: foo-cogroup-merge (stores: [])\n' +
        '      --> none\n' +
        '      <-- foo-cogroup-agg-0\n\n',
    )
  })

  it('slidingWindowAggregateStreamsTest', async () => {
    const s = setup()
    cogrouped(s).windowedBy(sliding()).aggregate(STRING_INIT, Materialized.with(S, S)).toStream().to('output')
    const { in1, d } = open(s)
    for (const [k, v, t] of [['k1', 'A', 500], ['k2', 'A', 500], ['k2', 'A', 501], ['k1', 'A', 502], ['k1', 'B', 503], ['k2', 'B', 503], ['k2', 'B', 504], ['k1', 'B', 504]] as const) {
      await in1.pipeInput(k, v, t)
    }
    const results = slidingOutput(d).readRecordsToList().map((r) => [r.key.key, r.key.window.start, r.key.window.end, r.value, r.timestamp] as const)
    // Kafka Streams walks a key's existing windows newest-first (a reverse store iterator): when one
    // record updates two existing windows, the later-starting one is forwarded first.
    expect(results).toEqual([
      // k1-A-500
      ['k1', 0, 500, '0+A', 500],
      // k2-A-500
      ['k2', 0, 500, '0+A', 500],
      // k2-A-501
      ['k2', 501, 1001, '0+A', 501],
      ['k2', 1, 501, '0+A+A', 501],
      // k1-A-502
      ['k1', 501, 1001, '0+A', 502],
      ['k1', 2, 502, '0+A+A', 502],
      // k1-B-503
      ['k1', 501, 1001, '0+A+B', 503],
      ['k1', 503, 1003, '0+B', 503],
      ['k1', 3, 503, '0+A+A+B', 503],
      // k2-B-503
      ['k2', 501, 1001, '0+A+B', 503],
      ['k2', 502, 1002, '0+B', 503],
      ['k2', 3, 503, '0+A+A+B', 503],
      // k2-B-504
      ['k2', 502, 1002, '0+B+B', 504],
      ['k2', 501, 1001, '0+A+B+B', 504],
      ['k2', 504, 1004, '0+B', 504],
      ['k2', 4, 504, '0+A+A+B+B', 504],
      // k1-B-504
      ['k1', 503, 1003, '0+B+B', 504],
      ['k1', 501, 1001, '0+A+B+B', 504],
      ['k1', 504, 1004, '0+B', 504],
      ['k1', 4, 504, '0+A+A+B+B', 504],
    ])
  })

  it('slidingWindowAggregateOverlappingWindowsTest', async () => {
    const s = setup()
    s.groupedStream.cogroup(TOSTRING_ADDER).windowedBy(sliding()).aggregate(STRING_INIT, Materialized.with(S, S)).toStream().to('output')
    const { in1, d } = open(s)
    for (const [k, v, t] of [['k1', 'A', 500], ['k2', 'A', 500], ['k1', 'B', 750], ['k2', 'B', 750], ['k2', 'A', 1000], ['k1', 'A', 1000]] as const) {
      await in1.pipeInput(k, v, t)
    }
    expect(outputs(slidingOutput(d))).toEqual([
      ['k1', '0+A', 500], // left window k1@500
      ['k2', '0+A', 500], // left window k2@500
      ['k1', '0+B', 750], // right window k1@500
      ['k1', '0+A+B', 750], // left window k1@750
      ['k2', '0+B', 750], // right window k2@500
      ['k2', '0+A+B', 750], // left window k2@750
      ['k2', '0+B+A', 1000], // right window k2@500 update
      ['k2', '0+A', 1000], // right window k2@750
      ['k2', '0+A+B+A', 1000], // left window k2@1000
      ['k1', '0+B+A', 1000], // right window k1@500 update
      ['k1', '0+A', 1000], // right window k1@750
      ['k1', '0+A+B+A', 1000], // left window k1@1000
    ])
  })
})

describe('SessionWindowedCogroupedKStreamImplTest', () => {
  const sessionOutput = (d: TopologyTestDriver) => d.createOutputTopic('output', new SessionWindowedSerde(S), S)
  const windowedCogrouped = (s: Setup) => cogrouped(s).windowedBy(SessionWindows.ofInactivityGapAndGrace(100, 24 * 3600 * 1000))

  it('namedParamShouldSetName', () => {
    const builder = new StreamsBuilder()
    const grouped = builder.stream('topic', Consumed.with(S, S)).groupByKey(Grouped.with(S, S))
    grouped.cogroup(TOSTRING_ADDER).windowedBy(SessionWindows.ofInactivityGapWithNoGrace(1)).aggregate(STRING_INIT, sessionMerger, Named.as('foo'))
    expect(builder.build().describe().toString()).toBe(
      'Topologies:\n' +
        '   Sub-topology: 0\n' +
        '    Source: KSTREAM-SOURCE-0000000000 (topics: [topic])\n' +
        '      --> foo-cogroup-agg-0\n' +
        '    Processor: foo-cogroup-agg-0 (stores: [COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000001])\n' +
        '      --> foo-cogroup-merge\n' +
        '      <-- KSTREAM-SOURCE-0000000000\n' +
        '    Processor: foo-cogroup-merge (stores: [])\n' +
        '      --> none\n' +
        '      <-- foo-cogroup-agg-0\n\n',
    )
  })

  it('shouldNotHaveNullInitializer / SessionMerger on aggregate (and the Named / Materialized overloads)', () => {
    const w = windowedCogrouped(setup())
    expect(() => w.aggregate(null as never, sessionMerger)).toThrow(/initializer must be a function/)
    expect(() => w.aggregate(STRING_INIT, null as never)).toThrow(/session merger must be a function/)
    expect(() => w.aggregate(STRING_INIT, null as never, Named.as('name'), Materialized.as('test'))).toThrow(/session merger must be a function/)
    expect(() => w.aggregate(null as never, sessionMerger, Materialized.as('test'))).toThrow(/initializer must be a function/)
  })

  it('sessionWindowAggregateTest', async () => {
    const s = setup()
    s.groupedStream
      .cogroup(TOSTRING_ADDER)
      .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(500))
      .aggregate(STRING_INIT, sessionMerger, Materialized.with(S, S))
      .toStream()
      .to('output')
    const { in1, d } = open(s)
    for (const [k, v, t] of [['k1', 'A', 0], ['k2', 'A', 0], ['k1', 'B', 599], ['k2', 'B', 607]] as const) await in1.pipeInput(k, v, t)
    expect(outputs(sessionOutput(d))).toEqual([
      ['k1', '0+A', 0],
      ['k2', '0+A', 0],
      ['k1', '0+B', 599],
      ['k2', '0+B', 607],
    ])
  })

  it('sessionWindowAggregate2Test', async () => {
    const s = setup()
    s.groupedStream
      .cogroup(TOSTRING_ADDER)
      .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(500))
      .aggregate(STRING_INIT, sessionMerger, Materialized.with(S, S))
      .toStream()
      .to('output')
    const { in1, d } = open(s)
    for (const [k, v, t] of [['k1', 'A', 0], ['k1', 'A', 0], ['k2', 'B', 599], ['k1', 'B', 607]] as const) await in1.pipeInput(k, v, t)
    expect(outputs(sessionOutput(d))).toEqual([
      ['k1', '0+A', 0],
      ['k1', '0+0+A+A', 0],
      ['k2', '0+B', 599],
      ['k1', '0+B', 607],
    ])
  })

  it('sessionWindowAggregateTest2StreamsTest', async () => {
    const s = setup()
    windowedCogrouped(s).aggregate(STRING_INIT, sessionMerger, Materialized.with(S, S)).toStream().to('output')
    const { in1, d } = open(s)
    for (const [k, v, t] of [['k1', 'A', 0], ['k1', 'A', 84], ['k1', 'A', 113], ['k1', 'A', 199], ['k1', 'B', 300], ['k2', 'B', 301], ['k2', 'B', 400], ['k1', 'B', 400]] as const) {
      await in1.pipeInput(k, v, t)
    }
    expect(outputs(sessionOutput(d))).toEqual([
      ['k1', '0+A', 0],
      ['k1', null, 0],
      ['k1', '0+0+A+A', 84],
      ['k1', null, 84],
      ['k1', '0+0+0+A+A+A', 113],
      ['k1', null, 113],
      ['k1', '0+0+0+0+A+A+A+A', 199],
      ['k1', '0+B', 300],
      ['k2', '0+B', 301],
      ['k2', null, 301],
      ['k2', '0+0+B+B', 400],
      ['k1', null, 300],
      ['k1', '0+0+B+B', 400],
    ])
  })

  it('sessionWindowMixAggregatorsTest', async () => {
    const s = setup()
    windowedCogrouped(s).aggregate(STRING_INIT, sessionMerger, Materialized.with(S, S)).toStream().to('output')
    const { in1, in2, d } = open(s)
    for (const [k, t] of [['k1', 0], ['k2', 0], ['k2', 1], ['k1', 2]] as const) await in1.pipeInput(k, 'A', t)
    for (const [k, t] of [['k1', 3], ['k2', 3], ['k2', 444], ['k1', 444]] as const) await in2.pipeInput(k, 'B', t)
    expect(outputs(sessionOutput(d))).toEqual([
      ['k1', '0+A', 0],
      ['k2', '0+A', 0],
      ['k2', null, 0],
      ['k2', '0+0+A+A', 1],
      ['k1', null, 0],
      ['k1', '0+0+A+A', 2],
      ['k1', null, 2],
      ['k1', '0+0+0+A+A-B', 3],
      ['k2', null, 1],
      ['k2', '0+0+0+A+A-B', 3],
      ['k2', '0-B', 444],
      ['k1', '0-B', 444],
    ])
  })

  it('sessionWindowMixAggregatorsManyWindowsTest', async () => {
    const s = setup()
    windowedCogrouped(s).aggregate(STRING_INIT, sessionMerger, Materialized.with(S, S)).toStream().to('output')
    const { in1, in2, d } = open(s)
    for (const [k, t] of [['k1', 0], ['k2', 0], ['k2', 1], ['k1', 2]] as const) await in1.pipeInput(k, 'A', t)
    for (const [k, t] of [['k1', 3], ['k2', 500], ['k2', 501], ['k1', 501]] as const) await in2.pipeInput(k, 'B', t)
    expect(outputs(sessionOutput(d))).toEqual([
      ['k1', '0+A', 0],
      ['k2', '0+A', 0],
      ['k2', null, 0],
      ['k2', '0+0+A+A', 1],
      ['k1', null, 0],
      ['k1', '0+0+A+A', 2],
      ['k1', null, 2],
      ['k1', '0+0+0+A+A-B', 3],
      ['k2', '0-B', 500],
      ['k2', null, 500],
      ['k2', '0+0-B-B', 501],
      ['k1', '0-B', 501],
    ])
  })
})
