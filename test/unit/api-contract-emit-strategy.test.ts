// The public API contract (API.md, "Kafka Streams 4.x parity"): emit final results of windows
// (KIP-825), written the way users write it, every name from the package root.
import { afterEach, describe, expect, it } from 'vitest'
import { Consumed, EmitStrategy, KeyValue, Produced, Serdes, SessionWindows, SlidingWindows, StreamsBuilder, TimeWindows, TopologyTestDriver, type Windowed } from '../../lib/index.js'

const S = Serdes.String()
let driver: TopologyTestDriver | null = null
afterEach(async () => {
  await driver?.close()
  driver = null
})

describe('API contract: EmitStrategy', () => {
  it('time, sliding and session windowed streams take emitStrategy(onWindowClose() | onWindowUpdate())', async () => {
    const builder = new StreamsBuilder()
    const grouped = builder.stream('in', Consumed.with(S, S)).groupByKey()
    const out = (name: string) => (wk: Windowed<string>, n: number | null) => KeyValue.pair(`${name}:${wk.key}@${wk.window.start}/${wk.window.end}`, n)
    grouped.windowedBy(TimeWindows.ofSizeAndGrace(10, 0)).emitStrategy(EmitStrategy.onWindowClose()).count().toStream().map(out('time')).to('out', Produced.with(S, Serdes.Long()))
    grouped.windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(10, 0)).emitStrategy(EmitStrategy.onWindowClose()).count().toStream().map(out('sliding')).to('out', Produced.with(S, Serdes.Long()))
    grouped.windowedBy(SessionWindows.ofInactivityGapAndGrace(10, 0)).emitStrategy(EmitStrategy.onWindowClose()).count().toStream().map(out('session')).to('out', Produced.with(S, Serdes.Long()))
    grouped.windowedBy(TimeWindows.ofSizeAndGrace(10, 0)).emitStrategy(EmitStrategy.onWindowUpdate()).count().toStream().map(out('update')).to('out', Produced.with(S, Serdes.Long()))
    driver = new TopologyTestDriver(builder.build())
    const input = driver.createInputTopic('in', S, S)
    await input.pipeInput('k', 'a', 1)
    await input.pipeInput('k', 'b', 12)
    expect(driver.createOutputTopic('out', S, Serdes.Long()).readKeyValuesToList()).toEqual([
      KeyValue.pair('update:k@0/10', 1),
      KeyValue.pair('time:k@0/10', 1),
      KeyValue.pair('sliding:k@0/10', 1),
      KeyValue.pair('session:k@1/1', 1),
      KeyValue.pair('update:k@10/20', 1),
    ])
  })
})
