import { describe, expect, it } from 'vitest'
import { Branched, Consumed, Grouped, KeyValue, Materialized, Named, Produced, Repartitioned, Serdes, StreamsBuilder, Topology, TopologyError } from '../../../topology/index.js'

// Expected texts are Kafka Streams' TopologyDescription output for the same topologies.

describe('describe() prints like Kafka Streams', () => {
  it('groupByKey().count() with a generated store name', () => {
    const b = new StreamsBuilder()
    b.stream('input-topic').groupByKey().count()
    expect(b.build().describe().toString()).toBe(
      'Topologies:\n' +
        '   Sub-topology: 0\n' +
        '    Source: KSTREAM-SOURCE-0000000000 (topics: [input-topic])\n' +
        '      --> KSTREAM-AGGREGATE-0000000002\n' +
        '    Processor: KSTREAM-AGGREGATE-0000000002 (stores: [KSTREAM-AGGREGATE-STATE-STORE-0000000001])\n' +
        '      --> none\n' +
        '      <-- KSTREAM-SOURCE-0000000000\n\n',
    )
  })

  it('count(Materialized.as(name)) and count(Materialized.with(...)) (which burns an index)', () => {
    const named = new StreamsBuilder()
    named.stream('input-topic').groupByKey().count(Materialized.as('count-store'))
    expect(named.build().describe().toString()).toContain(
      '      --> KSTREAM-AGGREGATE-0000000001\n    Processor: KSTREAM-AGGREGATE-0000000001 (stores: [count-store])\n',
    )
    const anonymous = new StreamsBuilder()
    anonymous.stream('input-topic').groupByKey().count(Materialized.with(null, Serdes.Long()))
    expect(anonymous.build().describe().toString()).toContain(
      'Processor: KSTREAM-AGGREGATE-0000000003 (stores: [KSTREAM-AGGREGATE-STATE-STORE-0000000002])',
    )
  })

  it('word count: a key-changing groupBy splits at a named repartition topic', () => {
    const b = new StreamsBuilder()
    b.stream('streams-plaintext-input', Consumed.with(Serdes.String(), Serdes.String()))
      .flatMapValues((v) => v!.split(' '))
      .groupBy((_k, v) => v)
      .count(Materialized.as('counts-store'))
      .toStream()
      .to('streams-wordcount-output', Produced.with(Serdes.String(), Serdes.Long()))
    expect(b.build().describe().toString()).toBe(
      'Topologies:\n' +
        '   Sub-topology: 0\n' +
        '    Source: KSTREAM-SOURCE-0000000000 (topics: [streams-plaintext-input])\n' +
        '      --> KSTREAM-FLATMAPVALUES-0000000001\n' +
        '    Processor: KSTREAM-FLATMAPVALUES-0000000001 (stores: [])\n' +
        '      --> KSTREAM-KEY-SELECT-0000000002\n' +
        '      <-- KSTREAM-SOURCE-0000000000\n' +
        '    Processor: KSTREAM-KEY-SELECT-0000000002 (stores: [])\n' +
        '      --> counts-store-repartition-filter\n' +
        '      <-- KSTREAM-FLATMAPVALUES-0000000001\n' +
        '    Processor: counts-store-repartition-filter (stores: [])\n' +
        '      --> counts-store-repartition-sink\n' +
        '      <-- KSTREAM-KEY-SELECT-0000000002\n' +
        '    Sink: counts-store-repartition-sink (topic: counts-store-repartition)\n' +
        '      <-- counts-store-repartition-filter\n' +
        '\n' +
        '  Sub-topology: 1\n' +
        '    Source: counts-store-repartition-source (topics: [counts-store-repartition])\n' +
        '      --> KSTREAM-AGGREGATE-0000000003\n' +
        '    Processor: KSTREAM-AGGREGATE-0000000003 (stores: [counts-store])\n' +
        '      --> KTABLE-TOSTREAM-0000000007\n' +
        '      <-- counts-store-repartition-source\n' +
        '    Processor: KTABLE-TOSTREAM-0000000007 (stores: [])\n' +
        '      --> KSTREAM-SINK-0000000008\n' +
        '      <-- KSTREAM-AGGREGATE-0000000003\n' +
        '    Sink: KSTREAM-SINK-0000000008 (topic: streams-wordcount-output)\n' +
        '      <-- KTABLE-TOSTREAM-0000000007\n\n',
    )
  })

  it('map().toTable() repartitions with generated names; an unneeded table store is not shown', () => {
    const b = new StreamsBuilder()
    b.stream('input', Consumed.with(Serdes.String(), Serdes.String()))
      .map((k, v) => KeyValue.pair(k.charCodeAt(0) - 65, v))
      .toTable(Materialized.with(Serdes.Integer(), null))
      .toStream()
      .to('output')
    expect(b.build().describe().toString()).toBe(
      'Topologies:\n' +
        '   Sub-topology: 0\n' +
        '    Source: KSTREAM-SOURCE-0000000000 (topics: [input])\n' +
        '      --> KSTREAM-MAP-0000000001\n' +
        '    Processor: KSTREAM-MAP-0000000001 (stores: [])\n' +
        '      --> KSTREAM-FILTER-0000000005\n' +
        '      <-- KSTREAM-SOURCE-0000000000\n' +
        '    Processor: KSTREAM-FILTER-0000000005 (stores: [])\n' +
        '      --> KSTREAM-SINK-0000000004\n' +
        '      <-- KSTREAM-MAP-0000000001\n' +
        '    Sink: KSTREAM-SINK-0000000004 (topic: KSTREAM-TOTABLE-0000000002-repartition)\n' +
        '      <-- KSTREAM-FILTER-0000000005\n' +
        '\n' +
        '  Sub-topology: 1\n' +
        '    Source: KSTREAM-SOURCE-0000000006 (topics: [KSTREAM-TOTABLE-0000000002-repartition])\n' +
        '      --> KSTREAM-TOTABLE-0000000002\n' +
        '    Processor: KSTREAM-TOTABLE-0000000002 (stores: [])\n' +
        '      --> KTABLE-TOSTREAM-0000000007\n' +
        '      <-- KSTREAM-SOURCE-0000000006\n' +
        '    Processor: KTABLE-TOSTREAM-0000000007 (stores: [])\n' +
        '      --> KSTREAM-SINK-0000000008\n' +
        '      <-- KSTREAM-TOTABLE-0000000002\n' +
        '    Sink: KSTREAM-SINK-0000000008 (topic: output)\n' +
        '      <-- KTABLE-TOSTREAM-0000000007\n\n',
    )
  })

  it('table().groupBy().count() materializes the source table (old values are needed)', () => {
    const b = new StreamsBuilder()
    b.table('input-topic')
      .groupBy((k, v) => KeyValue.pair(k, v))
      .count()
    expect(b.build().describe().toString()).toBe(
      'Topologies:\n' +
        '   Sub-topology: 0\n' +
        '    Source: KSTREAM-SOURCE-0000000001 (topics: [input-topic])\n' +
        '      --> KTABLE-SOURCE-0000000002\n' +
        '    Processor: KTABLE-SOURCE-0000000002 (stores: [input-topic-STATE-STORE-0000000000])\n' +
        '      --> KTABLE-SELECT-0000000003\n' +
        '      <-- KSTREAM-SOURCE-0000000001\n' +
        '    Processor: KTABLE-SELECT-0000000003 (stores: [])\n' +
        '      --> KSTREAM-SINK-0000000005\n' +
        '      <-- KTABLE-SOURCE-0000000002\n' +
        '    Sink: KSTREAM-SINK-0000000005 (topic: KTABLE-AGGREGATE-STATE-STORE-0000000004-repartition)\n' +
        '      <-- KTABLE-SELECT-0000000003\n' +
        '\n' +
        '  Sub-topology: 1\n' +
        '    Source: KSTREAM-SOURCE-0000000006 (topics: [KTABLE-AGGREGATE-STATE-STORE-0000000004-repartition])\n' +
        '      --> KTABLE-AGGREGATE-0000000007\n' +
        '    Processor: KTABLE-AGGREGATE-0000000007 (stores: [KTABLE-AGGREGATE-STATE-STORE-0000000004])\n' +
        '      --> none\n' +
        '      <-- KSTREAM-SOURCE-0000000006\n' +
        '\n',
    )
  })

  it('unmaterialized KTable filter and mapValues', () => {
    const b = new StreamsBuilder()
    const table = b.table('input-topic')
    table.filter(() => false)
    table.mapValues(() => null)
    expect(b.build().describe().toString()).toBe(
      'Topologies:\n' +
        '   Sub-topology: 0\n' +
        '    Source: KSTREAM-SOURCE-0000000001 (topics: [input-topic])\n' +
        '      --> KTABLE-SOURCE-0000000002\n' +
        '    Processor: KTABLE-SOURCE-0000000002 (stores: [])\n' +
        '      --> KTABLE-FILTER-0000000003, KTABLE-MAPVALUES-0000000004\n' +
        '      <-- KSTREAM-SOURCE-0000000001\n' +
        '    Processor: KTABLE-FILTER-0000000003 (stores: [])\n' +
        '      --> none\n' +
        '      <-- KTABLE-SOURCE-0000000002\n' +
        '    Processor: KTABLE-MAPVALUES-0000000004 (stores: [])\n' +
        '      --> none\n' +
        '      <-- KTABLE-SOURCE-0000000002\n\n',
    )
  })

  it('KTable mapValues / filter with a Materialized: named stores show, anonymous ones only burn an index', () => {
    const named = new StreamsBuilder()
    named.table('input-topic').mapValues(() => null, Materialized.as('store-name'))
    expect(named.build().describe().toString()).toBe(
      'Topologies:\n' +
        '   Sub-topology: 0\n' +
        '    Source: KSTREAM-SOURCE-0000000001 (topics: [input-topic])\n' +
        '      --> KTABLE-SOURCE-0000000002\n' +
        '    Processor: KTABLE-SOURCE-0000000002 (stores: [])\n' +
        '      --> KTABLE-MAPVALUES-0000000003\n' +
        '      <-- KSTREAM-SOURCE-0000000001\n' +
        '    Processor: KTABLE-MAPVALUES-0000000003 (stores: [store-name])\n' +
        '      --> none\n' +
        '      <-- KTABLE-SOURCE-0000000002\n\n',
    )
    const anonymous = new StreamsBuilder()
    anonymous.table('input-topic').filter(() => false, Materialized.with(null, null))
    expect(anonymous.build().describe().toString()).toContain(
      '      --> KTABLE-FILTER-0000000004\n      <-- KSTREAM-SOURCE-0000000001\n    Processor: KTABLE-FILTER-0000000004 (stores: [])\n',
    )
  })

  it('split() names branches <split name><branch name or index>, the default branch 0', () => {
    const b = new StreamsBuilder()
    const branches = b
      .stream<string, number>('numbers')
      .split(Named.as('n-'))
      .branch((_k, v) => v! < 0, Branched.as('negative'))
      .branch((_k, v) => v === 0)
      .defaultBranch()
    expect([...branches.keys()]).toEqual(['n-negative', 'n-2', 'n-0'])
    branches.get('n-negative')!.to('negatives')
    expect(b.build().describe().toString()).toBe(
      'Topologies:\n' +
        '   Sub-topology: 0\n' +
        '    Source: KSTREAM-SOURCE-0000000000 (topics: [numbers])\n' +
        '      --> n-\n' +
        '    Processor: n- (stores: [])\n' +
        '      --> n-negative, n-0, n-2\n' +
        '      <-- KSTREAM-SOURCE-0000000000\n' +
        '    Processor: n-negative (stores: [])\n' +
        '      --> KSTREAM-SINK-0000000004\n' +
        '      <-- n-\n' +
        '    Sink: KSTREAM-SINK-0000000004 (topic: negatives)\n' +
        '      <-- n-negative\n' +
        '    Processor: n-0 (stores: [])\n' +
        '      --> none\n' +
        '      <-- n-\n' +
        '    Processor: n-2 (stores: [])\n' +
        '      --> none\n' +
        '      <-- n-\n\n',
    )
  })

  it('merge joins two sources into one sub-topology; repartition() starts a new one', () => {
    const b = new StreamsBuilder()
    const merged = b.stream('a').merge(b.stream('b'))
    merged.repartition(Repartitioned.as('by-user').withNumberOfPartitions(4)).to('out')
    const text = b.build().describe().toString()
    expect(text).toBe(
      'Topologies:\n' +
        '   Sub-topology: 0\n' +
        '    Source: KSTREAM-SOURCE-0000000000 (topics: [a])\n' +
        '      --> KSTREAM-MERGE-0000000002\n' +
        '    Source: KSTREAM-SOURCE-0000000001 (topics: [b])\n' +
        '      --> KSTREAM-MERGE-0000000002\n' +
        '    Processor: KSTREAM-MERGE-0000000002 (stores: [])\n' +
        '      --> by-user-repartition-filter\n' +
        '      <-- KSTREAM-SOURCE-0000000000, KSTREAM-SOURCE-0000000001\n' +
        '    Processor: by-user-repartition-filter (stores: [])\n' +
        '      --> by-user-repartition-sink\n' +
        '      <-- KSTREAM-MERGE-0000000002\n' +
        '    Sink: by-user-repartition-sink (topic: by-user-repartition)\n' +
        '      <-- by-user-repartition-filter\n' +
        '\n' +
        '  Sub-topology: 1\n' +
        '    Source: by-user-repartition-source (topics: [by-user-repartition])\n' +
        '      --> KSTREAM-SINK-0000000006\n' +
        '    Sink: KSTREAM-SINK-0000000006 (topic: out)\n' +
        '      <-- by-user-repartition-source\n\n',
    )
  })

  it('global tables are described as global-store sub-topologies', () => {
    const b = new StreamsBuilder()
    b.globalTable('countries')
    b.stream('orders').to('out')
    expect(b.build().describe().toString()).toBe(
      'Topologies:\n' +
        '   Sub-topology: 0 for global store (will not generate tasks)\n' +
        '    Source: KSTREAM-SOURCE-0000000001 (topics: [countries])\n' +
        '      --> KTABLE-SOURCE-0000000002\n' +
        '    Processor: KTABLE-SOURCE-0000000002 (stores: [countries-STATE-STORE-0000000000])\n' +
        '      --> none\n' +
        '      <-- KSTREAM-SOURCE-0000000001\n' +
        '  Sub-topology: 1\n' +
        '    Source: KSTREAM-SOURCE-0000000003 (topics: [orders])\n' +
        '      --> KSTREAM-SINK-0000000004\n' +
        '    Sink: KSTREAM-SINK-0000000004 (topic: out)\n' +
        '      <-- KSTREAM-SOURCE-0000000003\n\n',
    )
  })

  it('names are stable across builds of the same program and overridable by Named / Grouped.as', () => {
    const build = () => {
      const b = new StreamsBuilder()
      b.stream('in')
        .filter(() => true, Named.as('keep-all'))
        .selectKey((k) => k)
        .groupByKey(Grouped.as('grouped'))
        .count()
      return b.build().describe().toString()
    }
    expect(build()).toBe(build())
    expect(build()).toContain('Processor: keep-all (stores: [])')
    expect(build()).toContain('Sink: grouped-repartition-sink (topic: grouped-repartition)')
  })

  it('the Processor API builds and describes topologies by hand', () => {
    const t = new Topology()
      .addSource('src', 'in')
      .addProcessor('proc', () => ({ process() {} }), 'src')
      .addSink('sink', 'out', 'proc')
    expect(t.describe().toString()).toBe(
      'Topologies:\n' +
        '   Sub-topology: 0\n' +
        '    Source: src (topics: [in])\n' +
        '      --> proc\n' +
        '    Processor: proc (stores: [])\n' +
        '      --> sink\n' +
        '      <-- src\n' +
        '    Sink: sink (topic: out)\n' +
        '      <-- proc\n\n',
    )
    expect(() => t.addProcessor('proc', () => ({ process() {} }), 'src')).toThrow(/Processor proc is already added/)
    expect(() => t.addProcessor('p2', () => ({ process() {} }), 'nope')).toThrow(TopologyError)
    expect(() => t.addSource('src2', 'in')).toThrow(/Topic in has already been registered/)
  })
})

describe('metadata(applicationId)', () => {
  it('lists prefixed repartition topics, changelogs and sub-topology topics', () => {
    const b = new StreamsBuilder()
    b.stream('words').selectKey((_k, v) => v).groupByKey().count(Materialized.as('counts')).toStream().to('out')
    const m = b.build().metadata('app')
    expect(m.subtopologies).toEqual([
      { id: 0, sourceTopics: ['words'], sourcePatterns: [], sinkTopics: ['app-counts-repartition'], stores: [] },
      {
        id: 1,
        sourceTopics: ['app-counts-repartition'],
        sourcePatterns: [],
        sinkTopics: ['out'],
        stores: [{ name: 'counts', changelogTopic: 'app-counts-changelog', changelogConfig: { 'cleanup.policy': 'compact' } }],
      },
    ])
    expect(m.repartitionTopics).toEqual([
      { name: 'app-counts-repartition', partitions: null, config: { 'cleanup.policy': 'delete', 'segment.bytes': '52428800', 'retention.ms': '-1' } },
    ])
    expect(m.changelogTopics).toEqual([{ name: 'app-counts-changelog', config: { 'cleanup.policy': 'compact' } }])
    expect(m.globalStores).toEqual([])
  })

  it('leaves out changelogs of stores with logging disabled and reports global stores', () => {
    const b = new StreamsBuilder()
    b.globalTable('ref', undefined, Materialized.as('ref-store'))
    b.stream('in').groupByKey().count(Materialized.as<Buffer, number>('c').withLoggingDisabled())
    const m = b.build().metadata('app')
    expect(m.changelogTopics).toEqual([])
    expect(m.subtopologies.map((s) => s.id)).toEqual([1])
    expect(m.subtopologies[0].stores).toEqual([{ name: 'c', changelogTopic: null, changelogConfig: {} }])
    expect(m.globalStores).toEqual([{ name: 'ref-store', sourceTopic: 'ref', subtopologyId: 0 }])
  })

  it('reports the offset reset policies named by Consumed', () => {
    const b = new StreamsBuilder()
    b.stream('fresh', Consumed.withOffsetResetPolicy('latest'))
    b.stream(/logs-.*/, Consumed.withOffsetResetPolicy('earliest'))
    b.stream('plain')
    const m = b.build().metadata('app')
    expect(m.offsetResetPolicies).toEqual({ fresh: 'latest' })
    expect(m.patternOffsetResetPolicies).toEqual([{ pattern: /logs-.*/, policy: 'earliest' }])
  })
})
