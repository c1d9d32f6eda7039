// Tables materialized in a versioned store: Kafka Streams' KTableSource over a versioned store,
// and the versioned cases of KTableAggregateTest, with their exact inputs and outputs.
import { afterEach, describe, expect, it } from 'vitest'
import { Consumed, Grouped, KeyValue, Materialized, Produced, Serdes, SessionWindows, SlidingWindows, StreamsBuilder, TimeWindows, TopologyTestDriver } from '../../../topology/index.js'
import { Stores } from '../../../stores/stores.js'
import type { VersionedKeyValueStore } from '../../../stores/versioned/versioned-store.js'
import { TopologyError } from '../../../topology/internals/topology-error.js'

const S = Serdes.String()
const L = Serdes.Long()
const FIVE_MINUTES = 5 * 60_000
let driver: TopologyTestDriver | null = null
afterEach(async () => {
  await driver?.close()
  driver = null
})

const versioned = () => Materialized.as<string, string>(Stores.persistentVersionedKeyValueStore('versioned', FIVE_MINUTES))

describe('a versioned source table', () => {
  it('keeps every version; an out-of-order update is stored and still flows to toStream, one past the history retention is dropped', async () => {
    const b = new StreamsBuilder()
    b.table('in', Consumed.with(S, S), versioned()).toStream().to('out', Produced.with(S, S))
    driver = new TopologyTestDriver(b.build())
    const input = driver.createInputTopic('in', S, S)
    await input.pipeInput('A', 'a10', 10)
    await input.pipeInput('A', 'a20', 20)
    await input.pipeInput('A', 'a15', 15) // out of order: does not become the latest
    await input.pipeInput('B', 'b', FIVE_MINUTES + 30) // moves stream time on
    await input.pipeInput('A', 'a25', 25) // older than stream time minus history retention: dropped
    const out = driver.createOutputTopic('out', S, S).readRecordsToList().map((r) => [r.key, r.value, r.timestamp])
    expect(out).toEqual([['A', 'a10', 10], ['A', 'a20', 20], ['A', 'a15', 15], ['B', 'b', FIVE_MINUTES + 30]])
    const store = (await driver.getStateStore('versioned')) as unknown as VersionedKeyValueStore<string, string>
    expect(await store.get('A')).toEqual({ value: 'a20', timestamp: 20 })
    // stream time is now 5 min + 30: history before 30 has expired, the latest version never does
    expect(await store.get('A', 17)).toBeNull()
    expect(await store.get('A', 25)).toEqual({ value: 'a20', timestamp: 20 })
  })

  it('answers as-of reads of the versions it stored, out-of-order ones included', async () => {
    const b = new StreamsBuilder()
    b.table('in', Consumed.with(S, S), versioned())
    driver = new TopologyTestDriver(b.build())
    const input = driver.createInputTopic('in', S, S)
    await input.pipeInput('A', 'a10', 10)
    await input.pipeInput('A', 'a20', 20)
    await input.pipeInput('A', 'a15', 15)
    await input.pipeInput('A', null, 30)
    const store = (await driver.getStateStore('versioned')) as unknown as VersionedKeyValueStore<string, string>
    expect(await store.get('A')).toBeNull()
    expect(await store.get('A', 25)).toEqual({ value: 'a20', timestamp: 20, validTo: 30 })
    expect(await store.get('A', 17)).toEqual({ value: 'a15', timestamp: 15, validTo: 20 })
    expect(await store.get('A', 12)).toEqual({ value: 'a10', timestamp: 10, validTo: 15 })
    expect(await store.get('A', 5)).toBeNull()
  })

  it('testCountOfVersionedStore (KTableAggregateTest): out-of-order updates do not change the aggregate', async () => {
    const b = new StreamsBuilder()
    b.table('count-test-input', Consumed.with(S, S), versioned())
      .groupBy((_k: string, v: string) => KeyValue.pair(v, v), Grouped.with(S, S))
      .count()
      .toStream()
      .to('out', Produced.with(S, L))
    driver = new TopologyTestDriver(b.build())
    const input = driver.createInputTopic('count-test-input', S, S)
    await input.pipeInput('A', 'green', 10)
    await input.pipeInput('B', 'green', 9)
    await input.pipeInput('A', 'blue', 12)
    await input.pipeInput('A', 'blue', 11) // out-of-order record will be ignored
    await input.pipeInput('C', 'yellow', 15)
    await input.pipeInput('D', 'green', 11)
    const out = driver.createOutputTopic('out', S, L).readRecordsToList().map((r) => [r.key, r.value, r.timestamp])
    expect(out).toEqual([
      ['green', 1, 10],
      ['green', 2, 10],
      ['green', 1, 12],
      ['blue', 1, 12],
      ['yellow', 1, 15],
      ['green', 2, 12],
    ])
  })

  it('a table-table join skips out-of-order versions of a versioned side', async () => {
    const b = new StreamsBuilder()
    const left = b.table('left', Consumed.with(S, S), versioned())
    const right = b.table('right', Consumed.with(S, S))
    left.join(right, (l: string, r: string) => `${l}+${r}`).toStream().to('out', Produced.with(S, S))
    driver = new TopologyTestDriver(b.build())
    await driver.createInputTopic('right', S, S).pipeInput('k', 'r', 0)
    const l = driver.createInputTopic('left', S, S)
    await l.pipeInput('k', 'l20', 20)
    await l.pipeInput('k', 'l10', 10) // out of order
    const out = driver.createOutputTopic('out', S, S).readRecordsToList().map((r) => [r.key, r.value, r.timestamp])
    expect(out).toEqual([['k', 'l20+r', 20]])
  })
})

describe('the changelog of a versioned table', () => {
  it('is compacted, keeping versions for the history retention plus a day (Kafka Streams min.compaction.lag.ms)', () => {
    const b = new StreamsBuilder()
    b.table('in', Consumed.with(S, S), versioned())
    const meta = b.build().metadata('app')
    expect(meta.changelogTopics.find((c) => c.name === 'app-versioned-changelog')?.config).toEqual({
      'cleanup.policy': 'compact',
      'min.compaction.lag.ms': String(FIVE_MINUTES + 86_400_000),
    })
  })
})

describe('where a versioned store can materialize a table', () => {
  it('toTable materializes a stream as a versioned table', async () => {
    const b = new StreamsBuilder()
    b.stream('in', Consumed.with(S, S)).toTable(versioned())
    driver = new TopologyTestDriver(b.build())
    const input = driver.createInputTopic('in', S, S)
    await input.pipeInput('A', 'a20', 20)
    await input.pipeInput('A', 'a10', 10)
    const store = (await driver.getStateStore('versioned')) as unknown as VersionedKeyValueStore<string, string>
    expect(await store.get('A')).toEqual({ value: 'a20', timestamp: 20 })
    expect(await store.get('A', 15)).toEqual({ value: 'a10', timestamp: 10, validTo: 20 })
  })

  it('a global table refuses a versioned supplier, naming the store (InternalStreamsBuilderTest.shouldThrowOnVersionedStoreSupplierForGlobalTable)', () => {
    const b = new StreamsBuilder()
    expect(() => b.globalTable('g', Consumed.with(S, S), versioned())).toThrow(TopologyError)
    expect(() => b.globalTable('g', Consumed.with(S, S), versioned())).toThrow(/^GlobalTables cannot be versioned\. Global table of topic "g": store 'versioned'/)
  })

  it('a windowed aggregation refuses a versioned or key-value supplier at build time, naming the store', () => {
    const grouped = () => new StreamsBuilder().stream('in', Consumed.with(S, S)).groupByKey()
    const kv = () => Materialized.as<string, number>(Stores.persistentKeyValueStore('kv'))
    const v = () => Materialized.as<string, number>(Stores.persistentVersionedKeyValueStore('v', FIVE_MINUTES))
    expect(() => grouped().windowedBy(TimeWindows.ofSizeWithNoGrace(1000)).count(v())).toThrow(/^a versioned store supplier cannot materialize the windowed aggregation 'v': it needs a window store supplier/)
    expect(() => grouped().windowedBy(SlidingWindows.ofTimeDifferenceWithNoGrace(1000)).count(kv())).toThrow(/^store supplier 'kv' cannot materialize the windowed aggregation 'kv'/)
    expect(() => grouped().windowedBy(SessionWindows.ofInactivityGapWithNoGrace(1000)).count(v())).toThrow(TopologyError)
    // the suppliers the aggregation needs are accepted
    expect(() => grouped().windowedBy(TimeWindows.ofSizeWithNoGrace(1000)).count(Materialized.as(Stores.inMemoryWindowStore('w', 2000, 1000, false)))).not.toThrow()
    expect(() => grouped().windowedBy(SessionWindows.ofInactivityGapWithNoGrace(1000)).count(Materialized.as(Stores.persistentSessionStore('s', 2000)))).not.toThrow()
  })
})

describe('KTableFilterTest: duplicate deletes and versioned tables', () => {
  async function run(table1Materialized: 'versioned' | 'store') {
    const b = new StreamsBuilder()
    const table1 = b.table('topic1', Consumed.with(S, S), table1Materialized === 'versioned' ? versioned() : Materialized.as<string, string>('store'))
    const accept = (_k: string, v: string) => v.toLowerCase() === 'accept'
    const table2 = table1.filter(accept)
    table2.groupBy((k: string, v: string) => KeyValue.pair(k, v), Grouped.with(S, S)).reduce((a: string, v: string) => a + v, (a: string, v: string) => a + v)
    const topology = b.build()
    const seen: [string, unknown, unknown, number][] = []
    topology.addProcessor('proc2', () => ({ process: (r: any) => void seen.push([r.key, r.value.newValue, r.value.oldValue, r.timestamp]) }), table2.name)
    driver = new TopologyTestDriver(topology)
    const input = driver.createInputTopic('topic1', S, S)
    await input.pipeInput('A', 'reject', 5)
    await input.pipeInput('B', 'reject', 10)
    await input.pipeInput('C', 'reject', 20)
    return seen
  }

  it('shouldNotSkipNullIfVersionedUpstream', async () => {
    expect(await run('versioned')).toEqual([['A', null, null, 5], ['B', null, null, 10], ['C', null, null, 20]])
  })

  it('shouldSkipNullToRepartitionWithoutMaterialization (the same topology with a non-versioned source)', async () => {
    expect(await run('store')).toEqual([])
  })
})
