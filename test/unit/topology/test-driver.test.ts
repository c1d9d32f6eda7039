import { afterEach, describe, expect, it } from 'vitest'
import { Consumed, KeyValue, Materialized, Produced, Serdes, StreamsBuilder, TopologyTestDriver, type ProcessorContext } from '../../../topology/index.js'

const S = Serdes.String()
const L = Serdes.Long()
let driver: TopologyTestDriver | null = null
afterEach(async () => {
  await driver?.close()
  driver = null
})

function passThrough() {
  const b = new StreamsBuilder()
  b.stream('in', Consumed.with(S, S)).to('out', Produced.with(S, S))
  return b.build()
}

describe('TopologyTestDriver', () => {
  it('rejects piping to a topic the topology does not read, naming the topics it reads', async () => {
    driver = new TopologyTestDriver(passThrough())
    await expect(driver.createInputTopic('nope', S, S).pipeInput('k', 'v')).rejects.toThrow('Unknown topic: nope. The topology reads in; pipe to one of those')
  })

  it('output topics read each record once; reading an empty topic throws', async () => {
    driver = new TopologyTestDriver(passThrough())
    const input = driver.createInputTopic('in', S, S)
    const out = driver.createOutputTopic('out', S, S)
    expect(out.isEmpty()).toBe(true)
    expect(() => out.readRecord()).toThrow('Empty topic: out')
    await input.pipeKeyValueList([KeyValue.pair('a', '1'), KeyValue.pair('b', '2'), KeyValue.pair('a', '3')], 100, 10)
    expect(out.getQueueSize()).toBe(3)
    expect(out.readRecord()).toEqual({ key: 'a', value: '1', timestamp: 100, headers: {} })
    expect(out.readKeyValuesToMap()).toEqual(
      new Map([
        ['b', '2'],
        ['a', '3'],
      ]),
    )
    expect(out.isEmpty()).toBe(true)
  })

  it('records piped without a timestamp get the topic time, which can auto-advance', async () => {
    driver = new TopologyTestDriver(passThrough(), { initialWallClockTimeMs: 5000 })
    const input = driver.createInputTopic('in', S, S, { autoAdvanceMs: 100 })
    await input.pipeInput('a', '1')
    await input.pipeInput('b', '2')
    input.advanceTime(1000)
    await input.pipeInput('c', '3')
    expect(driver.createOutputTopic('out', S, S).readRecordsToList().map((r) => r.timestamp)).toEqual([5000, 5100, 6200])
  })

  it('passes headers through', async () => {
    driver = new TopologyTestDriver(passThrough())
    await driver.createInputTopic('in', S, S).pipeInput('k', 'v', 1, { trace: 'abc' })
    expect(driver.createOutputTopic('out', S, S).readRecord().headers).toEqual({ trace: 'abc' })
  })

  it('advanceWallClockTime fires wall-clock punctuations and commits', async () => {
    const b = new StreamsBuilder()
    b.stream('in', Consumed.with(S, S))
      .process(() => ({
        init(ctx: ProcessorContext<string, string>) {
          ctx.schedule(1000, 'WALL_CLOCK_TIME', (now) => ctx.forward({ key: 'tick', value: String(now), timestamp: now, headers: {} }))
        },
        process() {},
      }))
      .to('ticks', Produced.with(S, S))
    driver = new TopologyTestDriver(b.build(), { initialWallClockTimeMs: 0 })
    const ticks = driver.createOutputTopic('ticks', S, S)
    await driver.advanceWallClockTime(999)
    expect(ticks.isEmpty()).toBe(true)
    await driver.advanceWallClockTime(1)
    await driver.advanceWallClockTime(2500)
    expect(ticks.readValuesToList()).toEqual(['1000', '3500'])
    expect(driver.wallClockTimeMs()).toBe(3500)
  })

  it('exposes changelog records and names internal topics with the application id', async () => {
    const b = new StreamsBuilder()
    b.stream('in', Consumed.with(S, S)).groupByKey().count(Materialized.as('n'))
    driver = new TopologyTestDriver(b.build(), { applicationId: 'shop' })
    await driver.createInputTopic('in', S, S).pipeInput('k', 'v', 9)
    const changelog = driver.createOutputTopic('shop-n-changelog', S, L)
    expect(changelog.readRecordsToList()).toEqual([{ key: 'k', value: 1, timestamp: 9, headers: {} }])
    expect(driver.producedTopicNames()).toEqual(['shop-n-changelog'])
  })

  it('a store lookup names the stores the topology has', async () => {
    driver = new TopologyTestDriver(passThrough())
    expect(() => driver!.getKeyValueStore('missing')).toThrow('no state store named missing; the topology has none')
  })

  it('a topology reading its own output is fed back until it settles', async () => {
    const b = new StreamsBuilder()
    const numbers = b.stream('numbers', Consumed.with(S, L))
    numbers.filter((_k, v) => v! > 1).mapValues((v) => Math.floor(v! / 2)).to('numbers', Produced.with(S, L))
    numbers.to('seen', Produced.with(S, L))
    driver = new TopologyTestDriver(b.build())
    await driver.createInputTopic('numbers', S, L).pipeInput('k', 12, 1)
    expect(driver.createOutputTopic('seen', S, L).readValuesToList()).toEqual([12, 6, 3, 1])
  })
})
