import { afterEach, describe, expect, it } from 'vitest'
import { Consumed, Produced, Serdes, StreamsBuilder, Suppressed, TopologyTestDriver } from '../../../topology/index.js'

// Ported from Kafka Streams' SuppressScenarioTest: records buffered under one buffer time leave the
// buffer in the order of their serialized keys (InMemoryTimeOrderedKeyValueBuffer sorts by
// (time, key bytes)), not in arrival order.
const S = Serdes.String()
let driver: TopologyTestDriver | null = null
afterEach(async () => {
  await driver?.close()
  driver = null
})

function drain(topic: string) {
  return driver!
    .createOutputTopic(topic, S, S)
    .readRecordsToList()
    .map((r) => [r.key, r.value, r.timestamp])
}

function build(suppressSide: 'left' | 'right') {
  const b = new StreamsBuilder()
  const limit = Suppressed.untilTimeLimit(10, Suppressed.BufferConfig.unbounded())
  const leftTable = b.table('left', Consumed.with(S, S))
  const rightTable = b.table('right', Consumed.with(S, S))
  const left = suppressSide === 'left' ? leftTable.suppress(limit) : leftTable
  const right = suppressSide === 'right' ? rightTable.suppress(limit) : rightTable
  left
    .outerJoin(right, (l: string | null, r: string | null) => `(${l},${r})`)
    .toStream()
    .to('output', Produced.with(S, S))
  return b.build()
}

describe('suppress in front of a join emits one buffer time in key order', () => {
  it('shouldWorkBeforeJoinRight', async () => {
    driver = new TopologyTestDriver(build('right'))
    const right = driver.createInputTopic('right', S, S)
    const left = driver.createInputTopic('left', S, S)
    await right.pipeInput('B', '1', 0)
    await right.pipeInput('A', '1', 0)
    expect(drain('output')).toEqual([])
    await right.pipeInput('tick', 'tick', 10)
    expect(drain('output')).toEqual([
      ['A', '(null,1)', 0],
      ['B', '(null,1)', 0],
    ])
    await right.pipeInput('A', '2', 11)
    expect(drain('output')).toEqual([])
    await left.pipeInput('A', 'a', 12)
    expect(drain('output')).toEqual([['A', '(a,1)', 12]])
    await left.pipeInput('B', 'b', 12)
    expect(drain('output')).toEqual([['B', '(b,1)', 12]])
    await left.pipeInput('A', 'b', 13)
    expect(drain('output')).toEqual([['A', '(b,1)', 13]])
    await right.pipeInput('tick', 'tick1', 21)
    expect(drain('output')).toEqual([
      ['tick', '(null,tick1)', 21],
      ['A', '(b,2)', 13],
    ])
  })

  it('shouldWorkBeforeJoinLeft', async () => {
    driver = new TopologyTestDriver(build('left'))
    const right = driver.createInputTopic('right', S, S)
    const left = driver.createInputTopic('left', S, S)
    await left.pipeInput('B', '1', 0)
    await left.pipeInput('A', '1', 0)
    expect(drain('output')).toEqual([])
    await left.pipeInput('tick', 'tick', 10)
    expect(drain('output')).toEqual([
      ['A', '(1,null)', 0],
      ['B', '(1,null)', 0],
    ])
    await left.pipeInput('A', '2', 11)
    expect(drain('output')).toEqual([])
    await right.pipeInput('A', 'a', 12)
    expect(drain('output')).toEqual([['A', '(1,a)', 12]])
    await right.pipeInput('B', 'b', 12)
    expect(drain('output')).toEqual([['B', '(1,b)', 12]])
    await right.pipeInput('A', 'b', 13)
    expect(drain('output')).toEqual([['A', '(1,b)', 13]])
    await left.pipeInput('tick', 'tick1', 21)
    expect(drain('output')).toEqual([
      ['tick', '(tick1,null)', 21],
      ['A', '(2,b)', 13],
    ])
  })
})
