import { afterEach, describe, expect, it } from 'vitest'
import { Consumed, Materialized, Serdes, StreamsBuilder, TopologyTestDriver, type KTable } from '../../../topology/index.js'
import type { Change } from '../../../topology/dsl/change.js'
import type { Processor } from '../../../topology/processor/processor.js'
import type { Record } from '../../../topology/processor/record.js'

// Ported from Kafka Streams' KTableFilterTest and KTableMapValuesTest: which updates carry old
// values (Change(new, old)) depending on materialization and enableSendingOldValues.
const S = Serdes.String()
const I = Serdes.Integer()
let driver: TopologyTestDriver | null = null
afterEach(async () => {
  await driver?.close()
  driver = null
})

type Seen = [string, unknown, unknown, number]
/** Adds a processor under `table` recording each Change it receives as [key, new, old, timestamp]. */
function capture(topology: ReturnType<StreamsBuilder['build']>, name: string, table: KTable<any, any>): Seen[] {
  const seen: Seen[] = []
  topology.addProcessor(
    name,
    (): Processor<string, Change<unknown>, never, never> => ({
      process(r: Record<string, Change<unknown>>) {
        seen.push([r.key, r.value.newValue, r.value.oldValue, r.timestamp])
      },
    }),
    table.name,
  )
  return seen
}
const take = (seen: Seen[]) => seen.splice(0)

const even = (_k: string, v: number) => v % 2 === 0

async function pipeFilterInputs(b: StreamsBuilder, table1: KTable<string, number>, table2: KTable<string, number>) {
  const topology = b.build()
  const p1 = capture(topology, 'proc1', table1)
  const p2 = capture(topology, 'proc2', table2)
  // KTableFilterTest disables caching at the config level
  driver = new TopologyTestDriver(topology, { initialWallClockTimeMs: 0, cacheMaxBytes: 0 })
  const input = driver.createInputTopic('topic1', S, I)
  const steps: [Seen[], Seen[]][] = []
  await input.pipeInput('A', 1, 5)
  await input.pipeInput('B', 1, 10)
  await input.pipeInput('C', 1, 15)
  steps.push([take(p1), take(p2)])
  await input.pipeInput('A', 2, 15)
  await input.pipeInput('B', 2, 8)
  steps.push([take(p1), take(p2)])
  await input.pipeInput('A', 3, 20)
  steps.push([take(p1), take(p2)])
  await input.pipeInput('A', null, 10)
  await input.pipeInput('B', null, 20)
  steps.push([take(p1), take(p2)])
  return steps
}

const NOT_SENDING: [Seen[], Seen[]][] = [
  [
    [['A', 1, null, 5], ['B', 1, null, 10], ['C', 1, null, 15]],
    [['A', null, null, 5], ['B', null, null, 10], ['C', null, null, 15]],
  ],
  [
    [['A', 2, null, 15], ['B', 2, null, 8]],
    [['A', 2, null, 15], ['B', 2, null, 8]],
  ],
  [[['A', 3, null, 20]], [['A', null, null, 20]]],
  [
    [['A', null, null, 10], ['B', null, null, 20]],
    [['A', null, null, 10], ['B', null, null, 20]],
  ],
]

function sending(parentSendOldVals: boolean): [Seen[], Seen[]][] {
  const old = (v: number) => (parentSendOldVals ? v : null)
  return [
    [[['A', 1, null, 5], ['B', 1, null, 10], ['C', 1, null, 15]], []],
    [
      [['A', 2, old(1), 15], ['B', 2, old(1), 8]],
      [['A', 2, null, 15], ['B', 2, null, 8]],
    ],
    [[['A', 3, old(2), 20]], [['A', null, 2, 20]]],
    [
      [['A', null, old(3), 10], ['B', null, old(2), 20]],
      [['B', null, 2, 20]],
    ],
  ]
}

describe('KTableFilterTest', () => {
  it('shouldNotSendOldValuesWithoutMaterialization', async () => {
    const b = new StreamsBuilder()
    const table1 = b.table('topic1', Consumed.with(S, I))
    const table2 = table1.filter(even)
    expect(await pipeFilterInputs(b, table1, table2)).toEqual(NOT_SENDING)
  })

  it('shouldNotSendOldValuesOnMaterialization', async () => {
    const b = new StreamsBuilder()
    const table1 = b.table('topic1', Consumed.with(S, I))
    // Kafka Streams strips caching layers when the cache size is 0; kstreams keeps a zero-budget
    // cache, which skips deleting an absent key, so the store's caching is disabled here instead.
    const table2 = table1.filter(even, Materialized.as<string, number>('store2').withCachingDisabled())
    expect(await pipeFilterInputs(b, table1, table2)).toEqual(NOT_SENDING)
  })

  it('shouldNotEnableSendingOldValuesIfNotAlreadyMaterializedAndNotForcedToMaterialize', async () => {
    const b = new StreamsBuilder()
    const table1 = b.table('topic1', Consumed.with(S, I))
    const table2 = table1.filter(even)
    expect(table2.enableSendingOldValues(false)).toBe(false)
    expect(table1.sendingOldValueEnabled()).toBe(false)
    expect(table2.sendingOldValueEnabled()).toBe(false)
    expect(await pipeFilterInputs(b, table1, table2)).toEqual(NOT_SENDING)
  })

  it('shouldEnableSendOldValuesWhenNotMaterializedAlreadyButForcedToMaterialize', async () => {
    const b = new StreamsBuilder()
    const table1 = b.table('topic1', Consumed.with(S, I))
    const table2 = table1.filter(even)
    table2.enableSendingOldValues(true)
    expect(table1.sendingOldValueEnabled()).toBe(true)
    expect(table2.sendingOldValueEnabled()).toBe(true)
    expect(await pipeFilterInputs(b, table1, table2)).toEqual(sending(true))
  })

  it('shouldEnableSendOldValuesWhenMaterializedAlreadyAndForcedToMaterialize', async () => {
    const b = new StreamsBuilder()
    const table1 = b.table('topic1', Consumed.with(S, I))
    const table2 = table1.filter(even, Materialized.as<string, number>('store2'))
    table2.enableSendingOldValues(true)
    expect(table1.sendingOldValueEnabled()).toBe(false)
    expect(table2.sendingOldValueEnabled()).toBe(true)
    expect(await pipeFilterInputs(b, table1, table2)).toEqual(sending(false))
  })

  it('shouldSendOldValuesWhenEnabledOnUpStreamMaterialization', async () => {
    const b = new StreamsBuilder()
    const table1 = b.table('topic1', Consumed.with(S, I), Materialized.as<string, number>('store2'))
    const table2 = table1.filter(even)
    table2.enableSendingOldValues(false)
    expect(table1.sendingOldValueEnabled()).toBe(true)
    expect(table2.sendingOldValueEnabled()).toBe(true)
    expect(await pipeFilterInputs(b, table1, table2)).toEqual(sending(true))
  })

  for (const materialize of [false, true]) {
    it(materialize ? 'shouldSkipNullToRepartitionOnMaterialization' : 'shouldSkipNullToRepartitionWithoutMaterialization', async () => {
      // a downstream groupBy enables old values; rejected updates of keys never accepted send nothing
      const b = new StreamsBuilder()
      const table1 = b.table('topic1', Consumed.with(S, S))
      const accept = (_k: string, v: string) => v.toLowerCase() === 'accept'
      const table2 = materialize ? table1.filter(accept, Materialized.as<string, string>('store2')) : table1.filter(accept)
      table2.groupBy((k: string, v: string) => ({ key: k, value: v })).reduce((a, v) => a + v, (a, v) => a + v)
      const topology = b.build()
      const p1 = capture(topology, 'proc1', table1)
      const p2 = capture(topology, 'proc2', table2)
      driver = new TopologyTestDriver(topology, { cacheMaxBytes: 0 })
      const input = driver.createInputTopic('topic1', S, S)
      await input.pipeInput('A', 'reject', 5)
      await input.pipeInput('B', 'reject', 10)
      await input.pipeInput('C', 'reject', 20)
      expect(p1).toEqual([['A', 'reject', null, 5], ['B', 'reject', null, 10], ['C', 'reject', null, 20]])
      expect(p2).toEqual([])
    })
  }
})

describe('KTableMapValuesTest', () => {
  const parse = (s: string) => Number.parseInt(s, 10)

  it('testNotSendingOldValue', async () => {
    const b = new StreamsBuilder()
    const table1 = b.table('topic1', Consumed.with(S, S))
    const table2 = table1.mapValues(parse)
    const topology = b.build()
    const proc = capture(topology, 'proc', table2)
    driver = new TopologyTestDriver(topology)
    expect(table1.sendingOldValueEnabled()).toBe(false)
    expect(table2.sendingOldValueEnabled()).toBe(false)
    const input = driver.createInputTopic('topic1', S, S)
    await input.pipeInput('A', '01', 5)
    await input.pipeInput('B', '01', 10)
    await input.pipeInput('C', '01', 15)
    expect(take(proc)).toEqual([['A', 1, null, 5], ['B', 1, null, 10], ['C', 1, null, 15]])
    await input.pipeInput('A', '02', 10)
    await input.pipeInput('B', '02', 8)
    expect(take(proc)).toEqual([['A', 2, null, 10], ['B', 2, null, 8]])
    await input.pipeInput('A', '03', 20)
    expect(take(proc)).toEqual([['A', 3, null, 20]])
    await input.pipeInput('A', null, 30)
    expect(take(proc)).toEqual([['A', null, null, 30]])
  })

  async function testSendingOldValues(b: StreamsBuilder, table2: KTable<string, number>) {
    const topology = b.build()
    const proc = capture(topology, 'proc', table2)
    driver = new TopologyTestDriver(topology)
    const input = driver.createInputTopic('topic1', S, S)
    await input.pipeInput('A', '01', 5)
    await input.pipeInput('B', '01', 10)
    await input.pipeInput('C', '01', 15)
    expect(take(proc)).toEqual([['A', 1, null, 5], ['B', 1, null, 10], ['C', 1, null, 15]])
    await input.pipeInput('A', '02', 10)
    await input.pipeInput('B', '02', 8)
    expect(take(proc)).toEqual([['A', 2, 1, 10], ['B', 2, 1, 8]])
    await input.pipeInput('A', '03', 20)
    expect(take(proc)).toEqual([['A', 3, 2, 20]])
    await input.pipeInput('A', null, 30)
    expect(take(proc)).toEqual([['A', null, 3, 30]])
  }

  it('shouldEnableSendingOldValuesOnParentIfMapValuesNotMaterialized', async () => {
    const b = new StreamsBuilder()
    const table1 = b.table('topic1', Consumed.with(S, S))
    const table2 = table1.mapValues(parse)
    table2.enableSendingOldValues(true)
    expect(table1.sendingOldValueEnabled()).toBe(true)
    expect(table2.sendingOldValueEnabled()).toBe(true)
    await testSendingOldValues(b, table2)
  })

  it('shouldNotEnableSendingOldValuesOnParentIfMapValuesMaterialized', async () => {
    const b = new StreamsBuilder()
    const table1 = b.table('topic1', Consumed.with(S, S))
    const table2 = table1.mapValues(parse, Materialized.as<string, number>('bob').withValueSerde(I))
    table2.enableSendingOldValues(true)
    expect(table1.sendingOldValueEnabled()).toBe(false)
    expect(table2.sendingOldValueEnabled()).toBe(true)
    await testSendingOldValues(b, table2)
  })
})

describe('KTableKTableInnerJoinTest', () => {
  it('testSendingOldValues', async () => {
    const b = new StreamsBuilder()
    const table1 = b.table('topic1', Consumed.with(I, S))
    const table2 = b.table('topic2', Consumed.with(I, S))
    const joined = table1.join(table2, (l: string, r: string) => `${l}+${r}`)
    joined.enableSendingOldValues(true)
    const topology = b.build()
    const proc: Seen[] = []
    topology.addProcessor(
      'proc',
      (): Processor<number, Change<unknown>, never, never> => ({
        process(r: Record<number, Change<unknown>>) {
          proc.push([String(r.key), r.value.newValue, r.value.oldValue, r.timestamp])
        },
      }),
      joined.name,
    )
    driver = new TopologyTestDriver(topology, { initialWallClockTimeMs: 0 })
    expect(table1.sendingOldValueEnabled()).toBe(true)
    expect(table2.sendingOldValueEnabled()).toBe(true)
    expect(joined.sendingOldValueEnabled()).toBe(true)
    const in1 = driver.createInputTopic('topic1', I, S)
    const in2 = driver.createInputTopic('topic2', I, S)
    const keys = [0, 1, 2, 3]
    for (let i = 0; i < 2; i++) await in1.pipeInput(keys[i]!, `X${keys[i]}`, 5 + i)
    await in1.pipeInput(null as unknown as number, 'SomeVal', 42)
    expect(take(proc)).toEqual([])
    for (let i = 0; i < 2; i++) await in2.pipeInput(keys[i]!, `Y${keys[i]}`, 10 * i)
    await in2.pipeInput(null as unknown as number, 'AnotherVal', 73)
    expect(take(proc)).toEqual([['0', 'X0+Y0', null, 5], ['1', 'X1+Y1', null, 10]])
    for (const k of keys) await in1.pipeInput(k, `XX${k}`, 7)
    expect(take(proc)).toEqual([['0', 'XX0+Y0', 'X0+Y0', 7], ['1', 'XX1+Y1', 'X1+Y1', 10]])
    for (const k of keys) await in2.pipeInput(k, `YY${k}`, k * 5)
    expect(take(proc)).toEqual([
      ['0', 'XX0+YY0', 'XX0+Y0', 7],
      ['1', 'XX1+YY1', 'XX1+Y1', 7],
      ['2', 'XX2+YY2', null, 10],
      ['3', 'XX3+YY3', null, 15],
    ])
    for (const k of keys) await in1.pipeInput(k, `XXX${k}`, 6)
    expect(take(proc)).toEqual([
      ['0', 'XXX0+YY0', 'XX0+YY0', 6],
      ['1', 'XXX1+YY1', 'XX1+YY1', 6],
      ['2', 'XXX2+YY2', 'XX2+YY2', 10],
      ['3', 'XXX3+YY3', 'XX3+YY3', 15],
    ])
    await in2.pipeInput(0, null, 5)
    await in2.pipeInput(1, null, 7)
    expect(take(proc)).toEqual([['0', null, 'XXX0+YY0', 6], ['1', null, 'XXX1+YY1', 7]])
    for (const k of keys) await in1.pipeInput(k, `XXXX${k}`, 13)
    expect(take(proc)).toEqual([['2', 'XXXX2+YY2', 'XXX2+YY2', 13], ['3', 'XXXX3+YY3', 'XXX3+YY3', 15]])
    await in1.pipeInput(0, null, 0)
    await in1.pipeInput(1, null, 42)
    await in1.pipeInput(2, null, 5)
    await in1.pipeInput(3, null, 20)
    expect(take(proc)).toEqual([['2', null, 'XXXX2+YY2', 10], ['3', null, 'XXXX3+YY3', 20]])
  })
})
