// Kafka Streams' versioned semantics across the DSL (KIP-914), ported with their exact inputs and
// expected outputs: KTableFilterTest.shouldSkipNullIfVersionedDownstream, the versioned-semantics
// cases of InternalStreamsBuilderTest (observed as what the filter forwards: below a versioned
// table it forwards every delete, else it skips a delete of an absent row), and the versioned
// cases of SuppressTopologyTest.
import { afterEach, describe, expect, it } from 'vitest'
import { Consumed, Grouped, KeyValue, Materialized, Serdes, StreamsBuilder, Suppressed, TopologyError, TopologyTestDriver } from '../../../topology/index.js'
import type { KTable } from '../../../topology/index.js'
import { Stores } from '../../../stores/stores.js'

const S = Serdes.String()
const FIVE_MINUTES = 5 * 60_000
let driver: TopologyTestDriver | null = null
afterEach(async () => {
  await driver?.close()
  driver = null
})

const versioned = (name: string) => Materialized.as<string, any>(Stores.persistentVersionedKeyValueStore(name, FIVE_MINUTES))

type Seen = [string, unknown, unknown, number][]
function probe(topology: ReturnType<StreamsBuilder['build']>, name: string, parent: string): Seen {
  const seen: Seen = []
  topology.addProcessor(name, () => ({ process: (r: any) => void seen.push([r.key, r.value.newValue, r.value.oldValue, r.timestamp]) }), parent)
  return seen
}

describe('KTableFilterTest (versioned)', () => {
  it('shouldSkipNullIfVersionedDownstream: a filter materialized versioned below an unversioned table still skips repeated deletes', async () => {
    const b = new StreamsBuilder()
    const table1 = b.table('topic1', Consumed.with(S, S), Materialized.as<string, string>('store'))
    const table2 = table1.filter((_k, v) => v.toLowerCase() === 'accept', versioned('versioned'))
    table2.groupBy((k: string, v: string) => KeyValue.pair(k, v), Grouped.with(S, S)).reduce((a: string, v: string) => a + v, (a: string, v: string) => a + v)
    const topology = b.build()
    const proc1 = probe(topology, 'proc1', table1.name)
    const proc2 = probe(topology, 'proc2', table2.name)
    driver = new TopologyTestDriver(topology, { cacheMaxBytes: 0 })
    const input = driver.createInputTopic('topic1', S, S)
    await input.pipeInput('A', 'reject', 5)
    await input.pipeInput('B', 'reject', 10)
    await input.pipeInput('C', 'reject', 20)
    expect(proc1).toEqual([['A', 'reject', null, 5], ['B', 'reject', null, 10], ['C', 'reject', null, 20]])
    expect(proc2).toEqual([])
  })
})

/**
 * Builds `upstream(builder)`, filters it with a predicate that rejects everything, groups the
 * filter (which makes it send old values), pipes `inputs` and returns what the filter forwarded.
 */
async function filterOutput(upstream: (b: StreamsBuilder) => KTable<string, any>, inputs: [string, string, string, number][]): Promise<Seen> {
  const b = new StreamsBuilder()
  const filtered = upstream(b).filter(() => false)
  filtered.groupBy((k: string, v: any) => KeyValue.pair(k, String(v)), Grouped.with(S, S)).count()
  const topology = b.build()
  const seen = probe(topology, 'probe', filtered.name)
  driver = new TopologyTestDriver(topology, { cacheMaxBytes: 0 })
  const topics = new Map<string, ReturnType<TopologyTestDriver['createInputTopic']>>()
  for (const [topic, key, value, ts] of inputs) {
    if (!topics.has(topic)) topics.set(topic, driver.createInputTopic(topic, S, S))
    await topics.get(topic)!.pipeInput(key, value, ts)
  }
  await driver.close()
  driver = null
  return seen
}

const t1 = (b: StreamsBuilder, m: Materialized<string, any> = versioned('versioned')) => b.table('t1', Consumed.with(S, S), m)
const t2 = (b: StreamsBuilder) => b.table('t2', Consumed.with(S, S), versioned('versioned2'))
const VERSIONED: Seen = [['A', null, null, 5]]
const NOT_VERSIONED: Seen = []

describe('InternalStreamsBuilderTest: which filters use versioned semantics', () => {
  it('through mapValues and toTable: unmaterialized inherits, materialized unversioned stops it, materialized versioned sets it', async () => {
    const input: [string, string, string, number][] = [['t1', 'A', 'a', 5]]
    // shouldSetUseVersionedSemanticsOnTableFilter
    expect(await filterOutput((b) => t1(b), input)).toEqual(VERSIONED)
    // shouldSetUseVersionedSemanticsWithIntermediateNode
    expect(await filterOutput((b) => t1(b).mapValues((v: string) => v + v), input)).toEqual(VERSIONED)
    // shouldNotSetUseVersionedSemanticsWithMaterializedIntermediateNode
    expect(await filterOutput((b) => t1(b).mapValues((v: string) => v + v, Materialized.as<string, string>('unversioned')), input)).toEqual(NOT_VERSIONED)
    // shouldSetUseVersionedSemanticsWithIntermediateNodeMaterializedAsVersioned
    expect(await filterOutput((b) => t1(b).mapValues((v: string) => v + v, versioned('versioned2')), input)).toEqual(VERSIONED)
    // shouldNotSetUseVersionedSemanticsWithToStreamAndBack / ...IfMaterializedAsVersioned
    expect(await filterOutput((b) => t1(b).toStream().toTable(), input)).toEqual(NOT_VERSIONED)
    expect(await filterOutput((b) => t1(b).toStream().toTable(versioned('versioned2')), input)).toEqual(VERSIONED)
  })

  it('through an aggregation: versioned only when the aggregate is materialized versioned', async () => {
    const input: [string, string, string, number][] = [['t1', 'A', 'a', 5]]
    const grouped = (b: StreamsBuilder) => t1(b).groupBy((k: string, v: string) => KeyValue.pair(k, v), Grouped.with(S, S))
    // shouldNotSetUseVersionedSemanticsWithIntermediateAggregation
    expect(await filterOutput((b) => grouped(b).count(), input)).toEqual(NOT_VERSIONED)
    // shouldSetUseVersionedSemanticsWithIntermediateAggregationMaterializedAsVersioned
    expect(await filterOutput((b) => grouped(b).count(versioned('versioned2') as Materialized<string, number>), input)).toEqual(VERSIONED)
  })

  it('through a table-table join: versioned only when the join result is materialized versioned', async () => {
    const input: [string, string, string, number][] = [['t1', 'A', 'a', 4], ['t2', 'A', 'b', 5]]
    // shouldNotSetUseVersionedSemanticsWithIntermediateJoin
    expect(await filterOutput((b) => t1(b).join(t2(b), (v1: string, v2: string) => v1 + v2), input)).toEqual(NOT_VERSIONED)
    // shouldSetUseVersionedSemanticsWithIntermediateJoinMaterializedAsVersioned
    expect(await filterOutput((b) => t1(b).join(t2(b), (v1: string, v2: string) => v1 + v2, versioned('versioned3')), input)).toEqual(VERSIONED)
  })

  it('through a foreign-key join: versioned only when the join result is materialized versioned', async () => {
    const input: [string, string, string, number][] = [['t2', 'x', 'b', 4], ['t1', 'A', 'x', 5]]
    // shouldNotSetUseVersionedSemanticsWithIntermediateForeignKeyJoin
    expect(await filterOutput((b) => t1(b).join(t2(b), (v: string) => v, (v1: string, v2: string) => v1 + v2), input)).toEqual(NOT_VERSIONED)
    // shouldSetUseVersionedSemanticsWithIntermediateForeignKeyJoinMaterializedAsVersioned
    expect(
      await filterOutput((b) => t1(b).join(t2(b), (v: string) => v, (v1: string, v2: string) => v1 + v2, versioned('versioned3')), input),
    ).toEqual(VERSIONED)
  })
})

describe('SuppressTopologyTest (versioned)', () => {
  const untilTimeLimit = () => Suppressed.untilTimeLimit<string>(0, Suppressed.BufferConfig.unbounded())

  it('shouldThrowOnSuppressForMaterializedVersionedTable', () => {
    const b = new StreamsBuilder()
    const versionedTable = b.table('input', undefined, Materialized.as<any, any>(Stores.persistentVersionedKeyValueStore('store', 0)))
    expect(() => versionedTable.suppress(untilTimeLimit())).toThrow(TopologyError)
    expect(() => versionedTable.suppress(untilTimeLimit())).toThrow(/^suppress\(\) is only supported for non-versioned KTables: table KTABLE-SOURCE-0000000001 \(store 'store'\) is versioned$/)
  })

  it('shouldThrowOnSuppressForNonMaterializedVersionedTable: refused when the topology is built', () => {
    const b = new StreamsBuilder()
    b.table('input', undefined, Materialized.as<any, any>(Stores.persistentVersionedKeyValueStore('store', 0)))
      .filter(() => true)
      .suppress(untilTimeLimit())
    expect(() => b.build()).toThrow(TopologyError)
  })

  it('a versioned aggregate refuses suppress(); an unversioned table below a versioned one does not', () => {
    const b = new StreamsBuilder()
    const table = b.table('input', Consumed.with(S, S), versioned('store'))
    const counts = table.groupBy((k: string, v: string) => KeyValue.pair(v, k), Grouped.with(S, S)).count(versioned('counts') as Materialized<string, number>)
    expect(() => counts.suppress(untilTimeLimit())).toThrow(/suppress\(\) is only supported for non-versioned KTables: table KTABLE-AGGREGATE-\d+ \(store 'counts'\) is versioned/)
    table.mapValues((v: string) => v, Materialized.as<string, string>('plain')).suppress(untilTimeLimit())
    table.groupBy((k: string, v: string) => KeyValue.pair(v, k), Grouped.with(S, S)).count().suppress(untilTimeLimit())
    expect(() => b.build()).not.toThrow()
  })
})
