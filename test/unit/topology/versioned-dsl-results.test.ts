// Operators whose result is materialized in a versioned store (KIP-914): aggregations, filter /
// mapValues, table-table and foreign-key joins. Each result is a version at its record's
// timestamp; a write older than the latest version is kept as history and forwarded marked
// out-of-order (so a downstream groupBy skips it), one older than the history retention is
// dropped and forwards nothing (Kafka Streams' KeyValueStoreWrapper.put and the processors using it).
import { afterEach, describe, expect, it } from 'vitest'
import { Consumed, Grouped, Joined, KeyValue, Materialized, Produced, Serdes, StreamsBuilder, TopologyTestDriver } from '../../../topology/index.js'
import { Stores } from '../../../stores/stores.js'
import type { VersionedKeyValueStore } from '../../../stores/versioned/versioned-store.js'
import { keyValueStoreBuilder } from '../../../topology/dsl/materialize.js'
import { MeteredVersionedStore } from '../../../stores/versioned/metered-versioned-store.js'
import { ChangeLoggingVersionedStore } from '../../../stores/versioned/change-logging-versioned-store.js'

const S = Serdes.String()
const L = Serdes.Long()
const HISTORY = 10_000
let driver: TopologyTestDriver | null = null
afterEach(async () => {
  await driver?.close()
  driver = null
})

const versioned = <V>(name: string) => Materialized.as<string, V>(Stores.inMemoryVersionedKeyValueStore(name, HISTORY))

async function store<V>(name: string): Promise<VersionedKeyValueStore<string, V>> {
  return (await driver!.getStateStore(name)) as unknown as VersionedKeyValueStore<string, V>
}

function read<V>(topic: string, serde: typeof S | typeof L): [string, V | null, number][] {
  return driver!.createOutputTopic(topic, S, serde as any).readRecordsToList().map((r) => [r.key as string, r.value as V | null, r.timestamp])
}

describe('KeyValueStoreMaterializerTest (versioned)', () => {
  const supplier = () => Stores.inMemoryVersionedKeyValueStore('store', HISTORY)
  it('shouldCreateVersionedStoreWithProvidedSupplierAndLoggingEnabledByDefault', () => {
    const built = keyValueStoreBuilder('store', Materialized.as<string, string>(supplier()), S, S).build() as any
    expect(built).toBeInstanceOf(MeteredVersionedStore)
    expect(built.inner).toBeInstanceOf(ChangeLoggingVersionedStore)
    expect(built.name).toBe('store')
  })
  it('shouldCreateVersionedStoreWithProvidedSupplierAndLoggingDisabled', () => {
    const built = keyValueStoreBuilder('store', Materialized.as<string, string>(supplier()).withLoggingDisabled(), S, S).build() as any
    expect(built).toBeInstanceOf(MeteredVersionedStore)
    expect(built.inner).not.toBeInstanceOf(ChangeLoggingVersionedStore)
    expect(built.inner.name).toBe('store')
  })
  it('shouldNotBuildVersionedStoreWithCachingEvenIfExplicitlySet', () => {
    const built = keyValueStoreBuilder('store', Materialized.as<string, string>(supplier()).withCachingEnabled(), S, S).build() as any
    expect(built).toBeInstanceOf(MeteredVersionedStore)
    expect(built.inner).toBeInstanceOf(ChangeLoggingVersionedStore)
  })
})

describe('aggregations materialized in a versioned store', () => {
  // A@10, A@5 (its aggregate keeps timestamp 10), B@7, A@20: each aggregate is the version at its timestamp.
  const inputs: [string, string, number][] = [['A', '1', 10], ['A', '2', 5], ['B', '3', 7], ['A', '4', 20]]

  async function run(aggregate: (b: StreamsBuilder) => void): Promise<void> {
    const b = new StreamsBuilder()
    aggregate(b)
    driver = new TopologyTestDriver(b.build())
    const input = driver.createInputTopic('in', S, S)
    for (const [k, v, ts] of inputs) await input.pipeInput(k, v, ts)
  }

  it('KGroupedStream.count, reduce and aggregate', async () => {
    await run((b) => {
      const grouped = b.stream('in', Consumed.with(S, S)).groupByKey(Grouped.with(S, S))
      grouped.count(versioned<number>('count')).toStream().to('count-out', Produced.with(S, L))
      grouped.reduce((a: string, v: string) => a + v, versioned<string>('reduce')).toStream().to('reduce-out', Produced.with(S, S))
      grouped.aggregate(() => '0', (_k: string, v: string, a: string) => `${a}+${v}`, versioned<string>('aggregate')).toStream().to('aggregate-out', Produced.with(S, S))
    })
    expect(read('count-out', L)).toEqual([['A', 1, 10], ['A', 2, 10], ['B', 1, 7], ['A', 3, 20]])
    expect(read('reduce-out', S)).toEqual([['A', '1', 10], ['A', '12', 10], ['B', '3', 7], ['A', '124', 20]])
    expect(read('aggregate-out', S)).toEqual([['A', '0+1', 10], ['A', '0+1+2', 10], ['B', '0+3', 7], ['A', '0+1+2+4', 20]])
    const count = await store<number>('count')
    expect(await count.get('A')).toEqual({ value: 3, timestamp: 20 })
    expect(await count.get('A', 15)).toEqual({ value: 2, timestamp: 10, validTo: 20 })
    expect(await count.get('A', 9)).toBeNull()
    expect(await (await store<string>('aggregate')).get('A', 19)).toEqual({ value: '0+1+2', timestamp: 10, validTo: 20 })
  })

  it('CogroupedKStream.aggregate', async () => {
    await run((b) => {
      const input = b.stream('in', Consumed.with(S, S))
      const evens = input.filter((_k, v) => Number(v) % 2 === 0).groupByKey(Grouped.with(S, S))
      const odds = input.filter((_k, v) => Number(v) % 2 === 1).groupByKey(Grouped.with(S, S))
      evens
        .cogroup((_k: string, v: string, a: string) => `${a}+${v}`)
        .cogroup(odds, (_k: string, v: string, a: string) => `${a}-${v}`)
        .aggregate(() => '0', versioned<string>('cogroup'))
        .toStream()
        .to('out', Produced.with(S, S))
    })
    expect(read('out', S)).toEqual([['A', '0-1', 10], ['A', '0-1+2', 10], ['B', '0-3', 7], ['A', '0-1+2+4', 20]])
    expect(await (await store<string>('cogroup')).get('A', 12)).toEqual({ value: '0-1+2', timestamp: 10, validTo: 20 })
  })

  it('KGroupedTable.count, reduce and aggregate', async () => {
    await run((b) => {
      // regrouped by value: A moves from group 1 to 2 (at 5, behind group 1's version at 10) and to 4
      const grouped = b.table('in', Consumed.with(S, S)).groupBy((k: string, v: string) => KeyValue.pair(v === '3' ? '1' : 'x', k), Grouped.with(S, S))
      grouped.count(versioned<number>('count')).toStream().to('count-out', Produced.with(S, L))
      grouped
        .reduce((a: string, v: string) => a + v, (a: string, v: string) => a.replace(v, ''), versioned<string>('reduce'))
        .toStream()
        .to('reduce-out', Produced.with(S, S))
      grouped
        .aggregate(() => '', (_k: string, v: string, a: string) => `${a}+${v}`, (_k: string, v: string, a: string) => `${a}-${v}`, versioned<string>('aggregate'))
        .toStream()
        .to('aggregate-out', Produced.with(S, S))
    })
    // group x: A@10 added; A@5 is a subtraction then an addition (one change, the aggregate keeps 10); B@7 goes to group 1; A@20
    expect(read('count-out', L)).toEqual([['x', 1, 10], ['x', 1, 10], ['1', 1, 7], ['x', 1, 20]])
    expect(read('reduce-out', S)).toEqual([['x', 'A', 10], ['x', 'A', 10], ['1', 'B', 7], ['x', 'A', 20]])
    expect(read('aggregate-out', S)).toEqual([['x', '+A', 10], ['x', '+A-A+A', 10], ['1', '+B', 7], ['x', '+A-A+A-A+A', 20]])
    const aggregate = await store<string>('aggregate')
    expect(await aggregate.get('x')).toEqual({ value: '+A-A+A-A+A', timestamp: 20 })
    expect(await aggregate.get('x', 11)).toEqual({ value: '+A-A+A', timestamp: 10, validTo: 20 })
  })
})

describe('filter and mapValues materialized in a versioned store', () => {
  it('an out-of-order result is kept as history and flows to toStream but not into a downstream aggregate; one past the history retention is dropped', async () => {
    const b = new StreamsBuilder()
    const upper = b.table('in', Consumed.with(S, S)).mapValues((v: string) => v.toUpperCase(), versioned<string>('upper'))
    upper.toStream().to('out', Produced.with(S, S))
    upper.groupBy((_k: string, v: string) => KeyValue.pair(v, v), Grouped.with(S, S)).count().toStream().to('counts', Produced.with(S, L))
    driver = new TopologyTestDriver(b.build(), { cacheMaxBytes: 0 })
    const input = driver.createInputTopic('in', S, S)
    await input.pipeInput('A', 'x', 20_000)
    await input.pipeInput('A', 'y', 15_000) // behind the latest version: history
    await input.pipeInput('A', 'z', 5_000) // older than the history retention: dropped
    await input.pipeInput('B', 'w', 21_000)
    expect(read('out', S)).toEqual([['A', 'X', 20_000], ['A', 'Y', 15_000], ['B', 'W', 21_000]])
    expect(read('counts', L)).toEqual([['X', 1, 20_000], ['W', 1, 21_000]])
    const upperStore = await store<string>('upper')
    expect(await upperStore.get('A')).toEqual({ value: 'X', timestamp: 20_000 })
    expect(await upperStore.get('A', 17_000)).toEqual({ value: 'Y', timestamp: 15_000, validTo: 20_000 })
  })

  it('a versioned filter result deletes as a version: as-of reads before the delete still see the row', async () => {
    const b = new StreamsBuilder()
    b.table('in', Consumed.with(S, S)).filter((_k, v) => v !== 'drop', versioned<string>('kept')).toStream().to('out', Produced.with(S, S))
    driver = new TopologyTestDriver(b.build(), { cacheMaxBytes: 0 })
    const input = driver.createInputTopic('in', S, S)
    await input.pipeInput('A', 'a', 10)
    await input.pipeInput('A', 'drop', 20)
    expect(read('out', S)).toEqual([['A', 'a', 10], ['A', null, 20]])
    const kept = await store<string>('kept')
    expect(await kept.get('A')).toBeNull()
    expect(await kept.get('A', 15)).toEqual({ value: 'a', timestamp: 10, validTo: 20 })
  })
})

describe('joins materialized in a versioned store', () => {
  it('a table-table join result older than the latest is history, forwarded out of order', async () => {
    const b = new StreamsBuilder()
    const left = b.table('left', Consumed.with(S, S))
    const right = b.table('right', Consumed.with(S, S))
    left.join(right, (l: string, r: string) => `${l}-${r}`, versioned<string>('joined')).toStream().to('out', Produced.with(S, S))
    driver = new TopologyTestDriver(b.build(), { cacheMaxBytes: 0 })
    const l = driver.createInputTopic('left', S, S)
    const r = driver.createInputTopic('right', S, S)
    await l.pipeInput('A', 'a', 10)
    await r.pipeInput('A', 'b', 20) // a-b at 20
    await l.pipeInput('A', 'c', 5) // c-b at max(5, 20) = 20: replaces the version at 20
    await r.pipeInput('A', 'd', 3) // c-d at max(3, 5) = 5: behind the latest, kept as history
    expect(read('out', S)).toEqual([['A', 'a-b', 20], ['A', 'c-b', 20], ['A', 'c-d', 5]])
    const joined = await store<string>('joined')
    expect(await joined.get('A')).toEqual({ value: 'c-b', timestamp: 20 })
    expect(await joined.get('A', 10)).toEqual({ value: 'c-d', timestamp: 5, validTo: 20 })
  })

  it('a foreign-key join result is a versioned table', async () => {
    const b = new StreamsBuilder()
    const orders = b.table('orders', Consumed.with(S, S))
    const customers = b.table('customers', Consumed.with(S, S))
    orders.join(customers, (v: string) => v.split(':')[0], (o: string, c: string) => `${o}@${c}`, versioned<string>('enriched')).toStream().to('out', Produced.with(S, S))
    driver = new TopologyTestDriver(b.build(), { cacheMaxBytes: 0 })
    await driver.createInputTopic('customers', S, S).pipeInput('c1', 'Ann', 1)
    const o = driver.createInputTopic('orders', S, S)
    await o.pipeInput('o1', 'c1:book', 10)
    await o.pipeInput('o1', 'c1:pen', 30)
    expect(read('out', S)).toEqual([['o1', 'c1:book@Ann', 10], ['o1', 'c1:pen@Ann', 30]])
    const enriched = await store<string>('enriched')
    expect(await enriched.get('o1', 20)).toEqual({ value: 'c1:book@Ann', timestamp: 10, validTo: 30 })
    expect(await enriched.get('o1')).toEqual({ value: 'c1:pen@Ann', timestamp: 30 })
  })
})

describe('stream-table joins against a versioned aggregate', () => {
  it('look the count up as of each stream record, with or without a grace period', async () => {
    const b = new StreamsBuilder()
    const counts = b.stream('clicks', Consumed.with(S, S)).groupByKey(Grouped.with(S, S)).count(versioned<number>('counts'))
    const orders = b.stream('orders', Consumed.with(S, S))
    orders.join(counts, (o: string, c: number) => `${o}:${c}`).to('out', Produced.with(S, S))
    orders.join(counts, (o: string, c: number) => `${o}:${c}`, Joined.with(S, S, L).withGracePeriod(1_000)).to('graced', Produced.with(S, S))
    driver = new TopologyTestDriver(b.build(), { cacheMaxBytes: 0 })
    const clicks = driver.createInputTopic('clicks', S, S)
    const o = driver.createInputTopic('orders', S, S)
    await clicks.pipeInput('A', 'c', 10)
    await clicks.pipeInput('A', 'c', 20)
    await o.pipeInput('A', 'o15', 15)
    await o.pipeInput('A', 'o25', 25)
    await o.pipeInput('A', 'o5', 5)
    await o.pipeInput('B', 'o3000', 3_000) // moves the join's stream time past the grace period (B has no count)
    expect(read('out', S)).toEqual([['A', 'o15:1', 15], ['A', 'o25:2', 25]])
    expect(read('graced', S)).toEqual([['A', 'o15:1', 15], ['A', 'o25:2', 25]])
  })
})

