// Emit-on-window-close for time windows: the ON_WINDOW_CLOSE cases of Kafka Streams'
// KStreamWindowAggregateTest and TimeWindowedKStreamImplTest, with their inputs and outputs.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Consumed, EmitStrategy, KeyValue, Materialized, Produced, Serdes, StreamsBuilder, TimeWindows, TopologyTestDriver } from '../../../topology/index.js'
import type { Windowed } from '../../../topology/windows/window.js'

const S = Serdes.String()
const L = Serdes.Long()
let driver: TopologyTestDriver | null = null
afterEach(async () => {
  await driver?.close()
  driver = null
})

const label = (wk: Windowed<string>) => `${wk.key}@${wk.window.start}/${wk.window.end}`
// the processor tests' window store keeps a day
const DAY = 86_400_000
const STRING_INIT = () => '0'
const TOSTRING_ADDER = (_k: string, v: string, agg: string) => `${agg}+${v}`

function read(d: TopologyTestDriver, topic = 'out'): string[] {
  return d.createOutputTopic(topic, S, S).readRecordsToList().map((r) => `${r.key}=${r.value}@${r.timestamp}`)
}

/** size 10, advance 5, grace `grace`, aggregate "0+v+v..." into `out` as "key@start/end=agg@ts". */
function hopping(grace: number, store = 'topic1-Canonized', stateDir?: string, retentionMs?: number): TopologyTestDriver {
  const materialized = Materialized.as<string, string>(store).withValueSerde(S)
  const b = new StreamsBuilder()
  b.stream('topic1', Consumed.with(S, S))
    .groupByKey()
    .windowedBy(TimeWindows.ofSizeAndGrace(10, grace).advanceBy(5))
    .emitStrategy(EmitStrategy.onWindowClose())
    .aggregate(STRING_INIT, TOSTRING_ADDER, retentionMs === undefined ? materialized : materialized.withRetention(retentionMs))
    .toStream()
    .map((wk, v) => KeyValue.pair(label(wk), v))
    .to('out', Produced.with(S, S))
  return new TopologyTestDriver(b.build(), stateDir ? { stateDir } : {})
}

describe('EmitStrategy.onWindowClose() on time windows', () => {
  it('KStreamWindowAggregateTest.testAggBasic: nothing is emitted while no window closes (grace 100)', async () => {
    driver = hopping(100)
    const input = driver.createInputTopic('topic1', S, S)
    const records: [string, string, number][] = [
      ['A', '1', 0], ['B', '2', 1], ['C', '3', 2], ['D', '4', 3], ['A', '1', 4],
      ['A', '1', 5], ['B', '2', 6], ['D', '4', 7], ['B', '2', 8], ['C', '3', 9],
      ['A', '1', 10], ['B', '2', 11], ['D', '4', 12], ['B', '2', 13], ['C', '3', 14],
      ['B', '1', 3], ['B', '2', 2], ['B', '3', 9],
    ]
    for (const [k, v, t] of records) await input.pipeInput(k, v, t)
    expect(read(driver)).toEqual([])
  })

  it('KStreamWindowAggregateTest.testJoin (processEmitFinalJoin): final results of both tables and their join', async () => {
    const b = new StreamsBuilder()
    const agg = (topic: string, store: string) =>
      b
        .stream(topic, Consumed.with(S, S))
        .groupByKey()
        .windowedBy(TimeWindows.ofSizeAndGrace(10, 5).advanceBy(5))
        .emitStrategy(EmitStrategy.onWindowClose())
        .aggregate(STRING_INIT, TOSTRING_ADDER, Materialized.as<string, string>(store).withValueSerde(S))
    const table1 = agg('topic1', 'topic1-Canonized')
    const table2 = agg('topic2', 'topic2-Canonized')
    table1.toStream().map((wk, v) => KeyValue.pair(label(wk), v)).to('out1', Produced.with(S, S))
    table2.toStream().map((wk, v) => KeyValue.pair(label(wk), v)).to('out2', Produced.with(S, S))
    table1
      .join(table2, (p1, p2) => `${p1}%${p2}`)
      .toStream()
      .map((wk, v) => KeyValue.pair(label(wk), v))
      .to('joined', Produced.with(S, S))
    driver = new TopologyTestDriver(b.build())
    const in1 = driver.createInputTopic('topic1', S, S)
    const in2 = driver.createInputTopic('topic2', S, S)
    const pipe = async (input: typeof in1, recs: [string, string, number][]) => {
      for (const [k, v, t] of recs) await input.pipeInput(k, v, t)
    }

    await pipe(in1, [['A', '1', 0], ['B', '2', 1], ['C', '3', 2], ['D', '4', 3], ['A', '1', 9], ['A', '1', 15]])
    expect(read(driver, 'out1')).toEqual(['A@0/10=0+1+1@9', 'B@0/10=0+2@1', 'C@0/10=0+3@2', 'D@0/10=0+4@3'])
    expect(read(driver, 'out2')).toEqual([])
    expect(read(driver, 'joined')).toEqual([])

    await pipe(in1, [['A', '1', 10], ['B', '2', 11], ['D', '4', 12], ['B', '2', 13], ['C', '3', 14], ['A', '1', 20]])
    expect(read(driver, 'out1')).toEqual(['A@5/15=0+1+1@10', 'B@5/15=0+2+2@13', 'C@5/15=0+3@14', 'D@5/15=0+4@12'])
    expect(read(driver, 'out2')).toEqual([])
    expect(read(driver, 'joined')).toEqual([])

    // Kafka Streams' variant without cache: emit-final stores do not cache in kstreams. Table 1's
    // windows at 0 are past its retention (stream time 20), so the join finds nothing for them.
    await pipe(in2, [['A', 'a', 0], ['B', 'b', 1], ['C', 'c', 2], ['D', 'd', 10], ['A', 'a', 15]])
    expect(read(driver, 'out1')).toEqual([])
    expect(read(driver, 'out2')).toEqual(['A@0/10=0+a@0', 'B@0/10=0+b@1', 'C@0/10=0+c@2'])
    expect(read(driver, 'joined')).toEqual([])

    await pipe(in2, [['A', 'a', 5], ['B', 'b', 6], ['D', 'd', 7], ['D', 'd', 18], ['A', 'a', 21]])
    expect(read(driver, 'out1')).toEqual([])
    expect(read(driver, 'out2')).toEqual(['A@5/15=0+a@5', 'B@5/15=0+b@6', 'D@5/15=0+d+d@10'])
    expect(read(driver, 'joined')).toEqual(['A@5/15=0+1+1%0+a@10', 'B@5/15=0+2+2%0+b@13', 'D@5/15=0+4%0+d+d@12'])
  })

  it('KStreamWindowAggregateTest.shouldLogAndMeterWhenSkippingExpiredWindow: one final result, late records dropped', async () => {
    const b = new StreamsBuilder()
    b.stream('topic', Consumed.with(S, S))
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeAndGrace(10, 90).advanceBy(5))
      .emitStrategy(EmitStrategy.onWindowClose())
      .withLateRecords((late) => late.to('late', Produced.with(S, S)))
      .aggregate(() => '', (_k, v, agg: string) => `${agg}+${v}`, Materialized.as<string, string>('topic1-Canonicalized').withValueSerde(S).withLoggingDisabled().withRetention(100))
      .toStream()
      .map((wk, v) => KeyValue.pair(`[${wk.key}@${wk.window.start}/${wk.window.end}]`, v))
      .to('output', Produced.with(S, S))
    driver = new TopologyTestDriver(b.build())
    const input = driver.createInputTopic('topic', S, S)
    for (const t of [100, 0, 1, 2, 3, 4, 5, 6, 105, 106]) await input.pipeInput('k', String(t), t)
    expect(read(driver, 'late')).toEqual(['k=0@0', 'k=1@1', 'k=2@2', 'k=3@3', 'k=4@4', 'k=5@5', 'k=6@6'])
    // window close time is 15 when the timestamp is 105
    expect(read(driver, 'output')).toEqual(['[k@5/15]=+5+6@6'])
  })

  it('KStreamWindowAggregateTest.shouldLogAndMeterWhenSkippingExpiredWindowByGrace: no window closes', async () => {
    const b = new StreamsBuilder()
    b.stream('topic', Consumed.with(S, S))
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeAndGrace(10, 90).advanceBy(10))
      .emitStrategy(EmitStrategy.onWindowClose())
      .aggregate(() => '', (_k, v, agg: string) => `${agg}+${v}`, Materialized.as<string, string>('topic1-Canonicalized').withValueSerde(S).withLoggingDisabled())
      .toStream()
      .map((wk, v) => KeyValue.pair(`[${wk.key}@${wk.window.start}/${wk.window.end}]`, v))
      .to('output', Produced.with(S, S))
    driver = new TopologyTestDriver(b.build())
    const input = driver.createInputTopic('topic', S, S)
    for (const [v, t] of [['100', 200], ['0', 100], ['1', 101], ['2', 102], ['3', 103], ['4', 104], ['5', 105], ['6', 6]] as const) await input.pipeInput('k', v, t)
    expect(read(driver, 'output')).toEqual([])
  })

  it('KStreamWindowAggregateTest.shouldNotEmitFinalIfNotProgressEnough', async () => {
    driver = hopping(5, 'window-store', undefined, DAY)
    const input = driver.createInputTopic('topic1', S, S)
    await input.pipeInput('A', '1', 0)
    await input.pipeInput('B', '2', 5)
    await input.pipeInput('C', '3', 15)
    expect(read(driver)).toEqual(['A@0/10=0+1@0', 'B@0/10=0+2@5'])
    // stream time does not progress
    await input.pipeInput('D', '4', 15)
    expect(read(driver)).toEqual([])
    // stream time progresses, but not past another window's end
    await input.pipeInput('E', '5', 19)
    expect(read(driver)).toEqual([])
  })

  it('KStreamWindowAggregateTest.shouldEmitWithInterval0', async () => {
    driver = hopping(5, 'window-store', undefined, DAY)
    const input = driver.createInputTopic('topic1', S, S)
    for (const [k, v, t] of [['A', '1', 0], ['A', '1', 5], ['B', '2', 10], ['C', '3', 15], ['D', '4', 20]] as const) await input.pipeInput(k, v, t)
    expect(read(driver)).toEqual(['A@0/10=0+1+1@5', 'A@5/15=0+1@5', 'B@5/15=0+2@10'])
  })

  it('KStreamWindowAggregateTest.shouldEmitFromLastEmitTime: a restart on the same state emits from the last close time', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'emit-final-'))
    try {
      driver = hopping(5, 'window-store', stateDir, DAY)
      let input = driver.createInputTopic('topic1', S, S)
      await input.pipeInput('A', '1', 0)
      await input.pipeInput('B', '2', 5)
      await input.pipeInput('C', '3', 15)
      expect(read(driver)).toEqual(['A@0/10=0+1@0', 'B@0/10=0+2@5'])
      await driver.close()

      driver = hopping(5, 'window-store', stateDir, DAY)
      input = driver.createInputTopic('topic1', S, S)
      await input.pipeInput('D', '4', 25)
      // the windows emitted before the restart are not emitted again, none is skipped
      expect(read(driver)).toEqual(['B@5/15=0+2@5', 'C@10/20=0+3@15'])
    } finally {
      await driver?.close()
      driver = null
      rmSync(stateDir, { recursive: true, force: true })
    }
  })

  it('TimeWindowedKStreamImplTest.shouldCountWindowed (emit final)', async () => {
    const b = new StreamsBuilder()
    b.stream('topic', Consumed.with(S, S))
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeWithNoGrace(500))
      .emitStrategy(EmitStrategy.onWindowClose())
      .count()
      .toStream()
      .map((wk, v) => KeyValue.pair(label(wk), v))
      .to('out', Produced.with(S, L))
    driver = new TopologyTestDriver(b.build())
    await processData(driver)
    expect(driver.createOutputTopic('out', S, L).readRecordsToList().map((r) => `${r.key}=${r.value}@${r.timestamp}`)).toEqual(['1@0/500=2@15', '1@500/1000=1@500', '2@500/1000=2@550'])
  })

  it('TimeWindowedKStreamImplTest.shouldReduceWindowed and shouldAggregateWindowed (emit final)', async () => {
    const b = new StreamsBuilder()
    const windowed = b.stream('topic', Consumed.with(S, S)).groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(500)).emitStrategy(EmitStrategy.onWindowClose())
    windowed.reduce((a, v) => `${a}+${v}`).toStream().map((wk, v) => KeyValue.pair(label(wk), v)).to('reduced', Produced.with(S, S))
    windowed
      .aggregate(STRING_INIT, TOSTRING_ADDER, Materialized.with<string, string>(S, S))
      .toStream()
      .map((wk, v) => KeyValue.pair(label(wk), v))
      .to('aggregated', Produced.with(S, S))
    driver = new TopologyTestDriver(b.build())
    await processData(driver)
    expect(read(driver, 'reduced')).toEqual(['1@0/500=1+2@15', '1@500/1000=3@500', '2@500/1000=10+20@550'])
    expect(read(driver, 'aggregated')).toEqual(['1@0/500=0+1+2@15', '1@500/1000=0+3@500', '2@500/1000=0+10+20@550'])
  })

  it('TimeWindowedKStreamImplTest.shouldMaterializeCount (emit final, no cache): closed windows stay queryable until retention', async () => {
    const b = new StreamsBuilder()
    b.stream('topic', Consumed.with(S, S))
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeWithNoGrace(500))
      .emitStrategy(EmitStrategy.onWindowClose())
      .count(Materialized.as<string, number>('count-store'))
    driver = new TopologyTestDriver(b.build())
    await processData(driver)
    const store = driver.getWindowStore<string, number>('count-store')
    const data: string[] = []
    for await (const kv of store.fetchKeyRange('1', '2', 0, 1000)) data.push(`${label(kv.key)}=${kv.value}`)
    // the emit-final store keeps windows starting at stream time - retention (1000 - 500)
    expect(data).toEqual(['1@500/1000=1', '2@500/1000=2', '2@1000/1500=1'])
  })
})

/** TimeWindowedKStreamImplTest.processData. */
async function processData(d: TopologyTestDriver): Promise<void> {
  const input = d.createInputTopic('topic', S, S)
  await input.pipeInput('1', '1', 10)
  await input.pipeInput('1', '2', 15)
  await input.pipeInput('1', '3', 500)
  await input.pipeInput('2', '10', 550)
  await input.pipeInput('2', '20', 500)
  await input.pipeInput('2', '30', 1000)
}
