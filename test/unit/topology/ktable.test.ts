import { afterEach, describe, expect, it } from 'vitest'
import { Consumed, Grouped, KeyValue, Materialized, Produced, Serdes, StreamsBuilder, TopologyTestDriver } from '../../../topology/index.js'

const S = Serdes.String()
const L = Serdes.Long()
let driver: TopologyTestDriver | null = null
afterEach(async () => {
  await driver?.close()
  driver = null
})

const rows = (d: TopologyTestDriver, topic: string, valueSerde: typeof S | typeof L = S) =>
  d.createOutputTopic(topic, S, valueSerde as typeof S).readRecordsToList().map((r) => [r.key, r.value, r.timestamp])

describe('KTable', () => {
  it('a source table forwards every update; tombstones arrive as null values', async () => {
    const b = new StreamsBuilder()
    b.table('t', Consumed.with(S, S)).toStream().to('out', Produced.with(S, S))
    driver = new TopologyTestDriver(b.build())
    const input = driver.createInputTopic('t', S, S)
    await input.pipeInput('A', '1', 10)
    await input.pipeInput('B', '2', 5)
    await input.pipeInput('A', null, 12)
    expect(rows(driver, 'out')).toEqual([
      ['A', '1', 10],
      ['B', '2', 5],
      ['A', null, 12],
    ])
  })

  it('filter on an unmaterialized table turns filtered-out values into deletes', async () => {
    // Kafka Streams' KTableFilterTest scenario: without old values the filter cannot know
    // whether a key was in its result, so it emits a delete for every filtered-out update.
    const b = new StreamsBuilder()
    const table = b.table('t', Consumed.with(S, L))
    table.filter((_k, v) => v % 2 === 0).toStream().to('even', Produced.with(S, L))
    table.filterNot((_k, v) => v % 2 === 0).toStream().to('odd', Produced.with(S, L))
    driver = new TopologyTestDriver(b.build())
    const input = driver.createInputTopic('t', S, L)
    await input.pipeInput('A', 1, 10)
    await input.pipeInput('B', 2, 5)
    await input.pipeInput('C', 3, 8)
    await input.pipeInput('D', 4, 14)
    await input.pipeInput('A', null, 18)
    await input.pipeInput('B', null, 15)
    expect(rows(driver, 'even', L)).toEqual([
      ['A', null, 10],
      ['B', 2, 5],
      ['C', null, 8],
      ['D', 4, 14],
      ['A', null, 18],
      ['B', null, 15],
    ])
    expect(rows(driver, 'odd', L)).toEqual([
      ['A', 1, 10],
      ['B', null, 5],
      ['C', 3, 8],
      ['D', null, 14],
      ['A', null, 18],
      ['B', null, 15],
    ])
  })

  it('filter with old values (below a groupBy) drops updates that stay out of the result', async () => {
    const b = new StreamsBuilder()
    b.table('t', Consumed.with(S, L))
      .filter((_k, v) => v > 10)
      .groupBy((k, v) => KeyValue.pair('all', v), Grouped.with(S, L))
      .reduce((a, v) => a + v, (a, v) => a - v)
      .toStream()
      .to('sum', Produced.with(S, L))
    driver = new TopologyTestDriver(b.build())
    const input = driver.createInputTopic('t', S, L)
    await input.pipeInput('a', 5, 1) // filtered: nothing downstream
    await input.pipeInput('a', 20, 2) // enters: +20
    await input.pipeInput('b', 30, 3) // +30
    await input.pipeInput('a', 7, 4) // leaves: -20
    await input.pipeInput('b', null, 5) // deleted: -30
    expect(rows(driver, 'sum', L)).toEqual([
      ['all', 20, 2],
      ['all', 50, 3],
      ['all', 30, 4],
      ['all', 0, 5],
    ])
  })

  it('mapValues maps new values; deletes stay deletes', async () => {
    const b = new StreamsBuilder()
    b.table('t', Consumed.with(S, S)).mapValues((v, k) => `${k}:${v.length}`).toStream().to('out', Produced.with(S, S))
    driver = new TopologyTestDriver(b.build())
    const input = driver.createInputTopic('t', S, S)
    await input.pipeInput('A', 'abc', 1)
    await input.pipeInput('A', null, 2)
    expect(rows(driver, 'out')).toEqual([
      ['A', 'A:3', 1],
      ['A', null, 2],
    ])
  })

  it('a materialized source table is queryable and changelogged', async () => {
    const b = new StreamsBuilder()
    b.table('users', Consumed.with(S, S), Materialized.as('users-store'))
    driver = new TopologyTestDriver(b.build(), { applicationId: 'app' })
    const input = driver.createInputTopic('users', S, S)
    await input.pipeInput('u1', 'ann', 1)
    await input.pipeInput('u2', 'bob', 2)
    await input.pipeInput('u1', null, 3)
    const store = driver.getKeyValueStore<string, string>('users-store')
    expect(await store.get('u1')).toBeNull()
    expect(await store.get('u2')).toBe('bob')
    expect(driver.producedRecords('app-users-store-changelog').map((r) => [r.key!.toString(), r.value?.toString() ?? null])).toEqual([
      ['u1', 'ann'],
      ['u2', 'bob'],
      ['u1', null],
    ])
  })
})

describe('materialized KTable filter and mapValues', () => {
  it('keep their results queryable and take old values from their own store', async () => {
    const b = new StreamsBuilder()
    const big = b.table('t', Consumed.with(S, L)).filter((_k, v) => v >= 10, Materialized.as<string, number>('big').withValueSerde(L))
    big.mapValues((v) => `${v}`, Materialized.as<string, string>('big-text').withValueSerde(S)).toStream().to('text', Produced.with(S, S))
    big
      .groupBy((_k, v) => KeyValue.pair('all', v), Grouped.with(S, L))
      .count()
      .toStream()
      .to('how-many-big', Produced.with(S, L))
    driver = new TopologyTestDriver(b.build())
    const input = driver.createInputTopic('t', S, L)
    await input.pipeInput('a', 12, 1)
    await input.pipeInput('b', 3, 2) // never in the result: nothing forwarded
    await input.pipeInput('a', 4, 3) // leaves the result: a delete
    await input.pipeInput('b', 30, 4)
    expect(await driver.getKeyValueStore('big').get('b')).toBe(30)
    expect(await driver.getKeyValueStore('big').get('a')).toBeNull()
    expect(await driver.getKeyValueStore('big-text').get('b')).toBe('30')
    expect(rows(driver, 'text')).toEqual([
      ['a', '12', 1],
      ['a', null, 3],
      ['b', '30', 4],
    ])
    expect(driver.createOutputTopic('how-many-big', S, L).readValuesToList()).toEqual([1, 0, 1])
  })
})

describe('KGroupedTable', () => {
  it('count follows updates that move a row from one group to another, and deletes', async () => {
    // users by region: an update subtracts from the old region and adds to the new one
    const b = new StreamsBuilder()
    b.table('user-region', Consumed.with(S, S))
      .groupBy((_user, region) => KeyValue.pair(region, region), Grouped.with(S, S))
      .count(Materialized.as('region-counts'))
      .toStream()
      .to('counts', Produced.with(S, L))
    driver = new TopologyTestDriver(b.build())
    const input = driver.createInputTopic('user-region', S, S)
    await input.pipeInput('alice', 'eu', 1)
    await input.pipeInput('bob', 'eu', 2)
    await input.pipeInput('alice', 'us', 3)
    await input.pipeInput('bob', 'eu', 4) // same group: one update, no intermediate result
    await input.pipeInput('bob', null, 5)
    expect(rows(driver, 'counts', L)).toEqual([
      ['eu', 1, 1],
      ['eu', 2, 2],
      ['eu', 1, 3],
      ['us', 1, 3],
      ['eu', 1, 4],
      ['eu', 0, 5],
    ])
    expect(await driver.getKeyValueStore('region-counts').get('us')).toBe(1)
  })

  it('aggregate(init, adder, subtractor) keeps a per-group sum exact', async () => {
    const b = new StreamsBuilder()
    b.table('scores', Consumed.with(S, L))
      .groupBy((player, score) => KeyValue.pair(player[0], score), Grouped.with(S, L))
      .aggregate(
        () => 0,
        (_k, v, agg) => agg + v,
        (_k, v, agg) => agg - v,
        Materialized.with(S, L),
      )
      .toStream()
      .to('team-totals', Produced.with(S, L))
    driver = new TopologyTestDriver(b.build())
    const input = driver.createInputTopic('scores', S, L)
    await input.pipeInput('a1', 10, 1)
    await input.pipeInput('a2', 5, 2)
    await input.pipeInput('b1', 7, 3)
    await input.pipeInput('a1', 12, 4)
    await input.pipeInput('a2', null, 5)
    expect(driver.createOutputTopic('team-totals', S, L).readKeyValuesToList()).toEqual([
      KeyValue.pair('a', 10),
      KeyValue.pair('a', 15),
      KeyValue.pair('b', 7),
      KeyValue.pair('a', 17),
      KeyValue.pair('a', 12),
    ])
  })

  it('reduce keeps the latest per group by adding and subtracting', async () => {
    const b = new StreamsBuilder()
    b.table('t', Consumed.with(S, S))
      .groupBy((k, v) => KeyValue.pair(v, k), Grouped.with(S, S))
      .reduce(
        (agg, v) => [...agg.split(','), v].filter(Boolean).sort().join(','),
        (agg, v) => agg.split(',').filter((x) => x !== v).join(','),
      )
      .toStream()
      .to('members', Produced.with(S, S))
    driver = new TopologyTestDriver(b.build())
    const input = driver.createInputTopic('t', S, S)
    await input.pipeInput('x', 'g1', 1)
    await input.pipeInput('y', 'g1', 2)
    await input.pipeInput('x', 'g2', 3)
    expect(driver.createOutputTopic('members', S, S).readKeyValuesToList()).toEqual([
      KeyValue.pair('g1', 'x'),
      KeyValue.pair('g1', 'x,y'),
      KeyValue.pair('g1', 'y'),
      KeyValue.pair('g2', 'x'),
    ])
  })
})

describe('KGroupedTable with a Grouped name', () => {
  it('shares one repartition topic between its aggregations', async () => {
    const b = new StreamsBuilder()
    const grouped = b.table('t', Consumed.with(S, L)).groupBy((_k, v) => KeyValue.pair(v % 2 ? 'odd' : 'even', v), Grouped.with('parity', S, L))
    grouped.count().toStream().to('count', Produced.with(S, L))
    grouped.reduce((a, v) => a + v, (a, v) => a - v).toStream().to('sum', Produced.with(S, L))
    const topology = b.build()
    expect(topology.metadata('app').repartitionTopics.map((t) => t.name)).toEqual(['app-parity-repartition'])
    driver = new TopologyTestDriver(topology)
    const input = driver.createInputTopic('t', S, L)
    await input.pipeInput('a', 3, 1)
    await input.pipeInput('b', 5, 2)
    await input.pipeInput('a', 4, 3)
    expect(driver.createOutputTopic('count', S, L).readKeyValuesToList()).toEqual([
      KeyValue.pair('odd', 1),
      KeyValue.pair('odd', 2),
      KeyValue.pair('odd', 1),
      KeyValue.pair('even', 1),
    ])
    expect(driver.createOutputTopic('sum', S, L).readKeyValuesToList()).toEqual([
      KeyValue.pair('odd', 3),
      KeyValue.pair('odd', 8),
      KeyValue.pair('odd', 5),
      KeyValue.pair('even', 4),
    ])
  })
})

describe('GlobalKTable', () => {
  it('is filled from its topic and readable from the driver', async () => {
    const b = new StreamsBuilder()
    b.globalTable('countries', Consumed.with(S, S), Materialized.as('countries-store'))
    b.stream('in', Consumed.with(S, S)).to('out', Produced.with(S, S))
    driver = new TopologyTestDriver(b.build())
    const countries = driver.createInputTopic('countries', S, S)
    await countries.pipeInput('fr', 'France', 1)
    await countries.pipeInput('de', 'Germany', 2)
    await countries.pipeInput('fr', null, 3)
    const store = driver.getKeyValueStore<string, string>('countries-store')
    expect(await store.get('de')).toBe('Germany')
    expect(await store.get('fr')).toBeNull()
    expect(driver.producedRecords('test-driver-countries-store-changelog')).toEqual([])
  })

  it('is readable from any processor through getStateStore', async () => {
    const b = new StreamsBuilder()
    const global = b.globalTable('rates', Consumed.with(S, L), Materialized.as('rates'))
    b.stream('orders', Consumed.with(S, L))
      .process(() => {
        let get!: (k: string) => unknown
        let ctx!: import('../../../topology/index.js').ProcessorContext<string, number>
        return {
          init(c: import('../../../topology/index.js').ProcessorContext<string, number>) {
            ctx = c
            get = global.valueGetterSupplier().get(c) as (k: string) => unknown
          },
          async process(r: import('../../../topology/index.js').Record<string, number>) {
            const rate = (await get(r.key)) as { value: number } | null
            ctx.forward({ ...r, value: r.value * (rate ? rate.value : 0) })
          },
        }
      })
      .to('priced', Produced.with(S, L))
    driver = new TopologyTestDriver(b.build())
    await driver.createInputTopic('rates', S, L).pipeInput('eur', 2, 1)
    const orders = driver.createInputTopic('orders', S, L)
    await orders.pipeInput('eur', 10, 2)
    await orders.pipeInput('usd', 10, 3)
    expect(driver.createOutputTopic('priced', S, L).readValuesToList()).toEqual([20, 0])
  })
})
