// Emit-on-window-close for sliding windows: ON_WINDOW_CLOSE cases of Kafka Streams'
// KStreamSlidingWindowAggregateTest (its gatherOutput: results by window start).
import { afterEach, describe, expect, it } from 'vitest'
import { Consumed, EmitStrategy, KeyValue, Materialized, Produced, Serdes, SlidingWindows, StreamsBuilder, TopologyTestDriver } from '../../../topology/index.js'

const S = Serdes.String()
let driver: TopologyTestDriver | null = null
afterEach(async () => {
  await driver?.close()
  driver = null
})

function sliding(windows: SlidingWindows, store: string): TopologyTestDriver {
  const b = new StreamsBuilder()
  b.stream('topic', Consumed.with(S, S))
    .groupByKey()
    .windowedBy(windows)
    .emitStrategy(EmitStrategy.onWindowClose())
    .aggregate(() => '0', (_k, v, agg: string) => `${agg}+${v}`, Materialized.as<string, string>(store).withValueSerde(S))
    .toStream()
    .map((wk, v) => KeyValue.pair(String(wk.window.start), v))
    .to('out', Produced.with(S, S))
  return new TopologyTestDriver(b.build())
}

/** gatherOutput: window start to the (value, timestamp) results, each start's sorted. */
function gatherOutput(d: TopologyTestDriver): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const r of d.createOutputTopic('out', S, S).readRecordsToList()) (out[r.key!] ??= []).push(`${r.value}@${r.timestamp}`)
  for (const k of Object.keys(out)) out[k]!.sort()
  return out
}

async function pipe(d: TopologyTestDriver, records: [string, number][]): Promise<void> {
  const input = d.createInputTopic('topic', S, S)
  for (const [v, t] of records) await input.pipeInput('A', v, t)
}

describe('EmitStrategy.onWindowClose() on sliding windows (KStreamSlidingWindowAggregateTest)', () => {
  it('testAggregateSmallInput', async () => {
    driver = sliding(SlidingWindows.ofTimeDifferenceAndGrace(10, 5), 'store-name')
    await pipe(driver, [['1', 10], ['2', 10], ['3', 14], ['4', 15], ['5', 20], ['6', 22], ['7', 30]])
    expect(gatherOutput(driver)).toEqual({
      0: ['0+1+2@10'],
      4: ['0+1+2+3@14'],
      5: ['0+1+2+3+4@15'],
      10: ['0+1+2+3+4+5@20'],
      11: ['0+3+4+5@20'],
      12: ['0+3+4+5+6@22'],
    })
  })

  it('testNoGracePeriodSmallInput', async () => {
    driver = sliding(SlidingWindows.ofTimeDifferenceWithNoGrace(50), 'topic-Canonized')
    await pipe(driver, [['1', 100], ['2', 105], ['3', 106], ['4', 103], ['5', 113], ['6', 110]])
    expect(gatherOutput(driver)).toEqual({
      50: ['0+1@100'],
      55: ['0+1+2@105'],
      56: ['0+1+2+3+4@106'],
    })
  })
  it('testReduceSmallInput', async () => {
    const b = new StreamsBuilder()
    b.stream('topic', Consumed.with(S, S))
      .groupByKey()
      .windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(10, 5))
      .emitStrategy(EmitStrategy.onWindowClose())
      .reduce((a, v) => `${a}+${v}`, Materialized.as<string, string>('store-name'))
      .toStream()
      .map((wk, v) => KeyValue.pair(String(wk.window.start), v))
      .to('out', Produced.with(S, S))
    driver = new TopologyTestDriver(b.build())
    await pipe(driver, [['1', 10], ['2', 14], ['3', 15], ['4', 22], ['5', 26], ['6', 30]])
    expect(gatherOutput(driver)).toEqual({
      0: ['1@10'],
      4: ['1+2@14'],
      5: ['1+2+3@15'],
      11: ['2+3@15'],
      12: ['2+3+4@22'],
    })
  })

  it('testEarlyRecordsSmallInput', async () => {
    driver = sliding(SlidingWindows.ofTimeDifferenceAndGrace(50, 0), 'topic-Canonized')
    await pipe(driver, [['1', 0], ['2', 5], ['3', 6], ['4', 3], ['5', 13], ['6', 10], ['7', 70]])
    expect(gatherOutput(driver)).toEqual({
      0: ['0+1+2+3+4+5+6@13'],
      1: ['0+2+3+4+5+6@13'],
      4: ['0+2+3+5+6@13'],
      6: ['0+3+5+6@13'],
      7: ['0+5+6@13'],
      11: ['0+5@13'],
    })
  })

  it('testEarlyRecordsRepeatedInput', async () => {
    driver = sliding(SlidingWindows.ofTimeDifferenceAndGrace(5, 0), 'topic-Canonized')
    await pipe(driver, [['1', 0], ['2', 2], ['3', 4], ['4', 0], ['5', 2], ['6', 2], ['7', 0], ['8', 7]])
    expect(gatherOutput(driver)).toEqual({
      0: ['0+1+2+3+4+5+6+7@4'],
      1: ['0+2+3+5+6@4'],
    })
  })
})
