import { describe, expect, it } from 'vitest'
import {
  Consumed,
  Grouped,
  Joined,
  JoinWindows,
  Materialized,
  Produced,
  renderAscii,
  renderDot,
  renderMermaid,
  Serdes,
  Stores,
  StreamJoined,
  StreamsBuilder,
  Topology,
  type TopologyDescription,
} from '../../../lib/index.js'

// Exact renderings of two topologies, then structural checks that hold for any topology:
// every node, edge, store and topic of the description appears once, and nothing else does.

function wordCount(): Topology {
  const b = new StreamsBuilder()
  b.stream('text-lines', Consumed.with(Serdes.String(), Serdes.String()))
    .flatMapValues((line) => (line ?? '').toLowerCase().split(/\W+/))
    .groupBy((_k, word) => word, Grouped.with(Serdes.String(), Serdes.String()))
    .count(Materialized.as<string, number>('counts'))
    .toStream()
    .to('word-counts', Produced.with(Serdes.String(), Serdes.Long()))
  return b.build()
}

/** A re-keyed stream (repartition topic) joined with a stream in a window, then with a table. */
function join(): Topology {
  const b = new StreamsBuilder()
  const clicks = b.stream('clicks', Consumed.with(Serdes.String(), Serdes.String())).selectKey((_k, v) => v)
  const views = b.stream('views', Consumed.with(Serdes.String(), Serdes.String()))
  const users = b.table('users', Consumed.with(Serdes.String(), Serdes.String()), Materialized.as<string, string>('users-store'))
  clicks
    .join(views, (a, c) => `${a}${c}`, JoinWindows.ofTimeDifferenceWithNoGrace(60_000), StreamJoined.with(Serdes.String(), Serdes.String(), Serdes.String()))
    .join(users, (v, u) => `${v}${u}`, Joined.with(Serdes.String(), Serdes.String(), Serdes.String()))
    .to('enriched')
  return b.build()
}

function lines(list: string[]): string {
  return list.join('\n') + '\n'
}

const WORD_COUNT_MERMAID = lines([
      'flowchart TB',
      '  topic_text_lines[/"text-lines"/]',
      '  topic_counts_repartition[/"counts-repartition"/]',
      '  topic_word_counts[/"word-counts"/]',
      '  subgraph sub_0["Sub-topology 0"]',
      '    source_KSTREAM_SOURCE_0000000000(["KSTREAM-SOURCE-0000000000"])',
      '    processor_KSTREAM_FLATMAPVALUES_0000000001["KSTREAM-FLATMAPVALUES-0000000001"]',
      '    processor_KSTREAM_KEY_SELECT_0000000002["KSTREAM-KEY-SELECT-0000000002"]',
      '    processor_counts_repartition_filter["counts-repartition-filter"]',
      '    sink_counts_repartition_sink[/"counts-repartition-sink"\\]',
      '  end',
      '  subgraph sub_1["Sub-topology 1"]',
      '    source_counts_repartition_source(["counts-repartition-source"])',
      '    processor_KSTREAM_AGGREGATE_0000000003["KSTREAM-AGGREGATE-0000000003"]',
      '    processor_KTABLE_TOSTREAM_0000000007["KTABLE-TOSTREAM-0000000007"]',
      '    sink_KSTREAM_SINK_0000000008[/"KSTREAM-SINK-0000000008"\\]',
      '    store_counts[("counts")]',
      '  end',
      '  topic_text_lines --> source_KSTREAM_SOURCE_0000000000',
      '  source_KSTREAM_SOURCE_0000000000 --> processor_KSTREAM_FLATMAPVALUES_0000000001',
      '  processor_KSTREAM_FLATMAPVALUES_0000000001 --> processor_KSTREAM_KEY_SELECT_0000000002',
      '  processor_KSTREAM_KEY_SELECT_0000000002 --> processor_counts_repartition_filter',
      '  processor_counts_repartition_filter --> sink_counts_repartition_sink',
      '  sink_counts_repartition_sink --> topic_counts_repartition',
      '  topic_counts_repartition --> source_counts_repartition_source',
      '  source_counts_repartition_source --> processor_KSTREAM_AGGREGATE_0000000003',
      '  processor_KSTREAM_AGGREGATE_0000000003 -.- store_counts',
      '  processor_KSTREAM_AGGREGATE_0000000003 --> processor_KTABLE_TOSTREAM_0000000007',
      '  processor_KTABLE_TOSTREAM_0000000007 --> sink_KSTREAM_SINK_0000000008',
      '  sink_KSTREAM_SINK_0000000008 --> topic_word_counts',
      '  classDef source fill:#e3f2fd,stroke:#1565c0',
      '  classDef processor fill:#f5f5f5,stroke:#424242',
      '  classDef sink fill:#e8f5e9,stroke:#2e7d32',
      '  classDef store fill:#fff8e1,stroke:#f9a825',
      '  classDef topic fill:#ede7f6,stroke:#4527a0',
      '  classDef internalTopic fill:#ede7f6,stroke:#4527a0,stroke-dasharray:4 3',
      '  class source_KSTREAM_SOURCE_0000000000,source_counts_repartition_source source',
      '  class processor_KSTREAM_FLATMAPVALUES_0000000001,processor_KSTREAM_KEY_SELECT_0000000002,processor_counts_repartition_filter,processor_KSTREAM_AGGREGATE_0000000003,processor_KTABLE_TOSTREAM_0000000007 processor',
      '  class sink_counts_repartition_sink,sink_KSTREAM_SINK_0000000008 sink',
      '  class store_counts store',
      '  class topic_text_lines,topic_word_counts topic',
      '  class topic_counts_repartition internalTopic',
    ])

const WORD_COUNT_ASCII = lines([
      'Sub-topology 0',
      '══════════════',
      '',
      '  ╭─ topic ─────────────────────────────────╮',
      '  │ text-lines                              │',
      '  ╰─────────────────────────────────────────╯',
      '      │',
      '      ▼',
      '  ┌─ source ────────────────────────────────┐',
      '  │ KSTREAM-SOURCE-0000000000               │',
      '  └─────────────────────────────────────────┘',
      '      │',
      '      ▼',
      '  ┌─ processor ─────────────────────────────┐',
      '  │ KSTREAM-FLATMAPVALUES-0000000001        │',
      '  └─────────────────────────────────────────┘',
      '      │',
      '      ▼',
      '  ┌─ processor ─────────────────────────────┐',
      '  │ KSTREAM-KEY-SELECT-0000000002           │',
      '  └─────────────────────────────────────────┘',
      '      │',
      '      ▼',
      '  ┌─ processor ─────────────────────────────┐',
      '  │ counts-repartition-filter               │',
      '  └─────────────────────────────────────────┘',
      '      │',
      '      ▼',
      '  ┌─ sink ──────────────────────────────────┐',
      '  │ counts-repartition-sink                 │',
      '  └─────────────────────────────────────────┘',
      '      │',
      '      ▼',
      '  ╭─ topic ─────────────────────────────────╮',
      '  │ counts-repartition                      │',
      '  │ ▶ read by sub-topology 1                │',
      '  ╰─────────────────────────────────────────╯',
      '',
      'Sub-topology 1',
      '══════════════',
      '',
      '  ╭─ topic ─────────────────────────────╮',
      '  │ counts-repartition                  │',
      '  │ ◀ written by sub-topology 0         │',
      '  ╰─────────────────────────────────────╯',
      '      │',
      '      ▼',
      '  ┌─ source ────────────────────────────┐',
      '  │ counts-repartition-source           │',
      '  └─────────────────────────────────────┘',
      '      │',
      '      ▼',
      '  ┌─ processor ─────────────────────────┐',
      '  │ KSTREAM-AGGREGATE-0000000003        │',
      '  │ store: counts                       │',
      '  └─────────────────────────────────────┘',
      '      │',
      '      ▼',
      '  ┌─ processor ─────────────────────────┐',
      '  │ KTABLE-TOSTREAM-0000000007          │',
      '  └─────────────────────────────────────┘',
      '      │',
      '      ▼',
      '  ┌─ sink ──────────────────────────────┐',
      '  │ KSTREAM-SINK-0000000008             │',
      '  └─────────────────────────────────────┘',
      '      │',
      '      ▼',
      '  ╭─ topic ─────────────────────────────╮',
      '  │ word-counts                         │',
      '  ╰─────────────────────────────────────╯',
    ])

const WORD_COUNT_DOT = lines([
      'digraph topology {',
      '  rankdir=TB;',
      '  fontname="Helvetica";',
      '  node [fontname="Helvetica", fontsize=11];',
      '  edge [fontname="Helvetica", fontsize=10];',
      '  topic_text_lines [label="text-lines", shape=parallelogram, style=filled, fillcolor="#ede7f6"];',
      '  topic_counts_repartition [label="counts-repartition", shape=parallelogram, style="filled,dashed", fillcolor="#ede7f6"];',
      '  topic_word_counts [label="word-counts", shape=parallelogram, style=filled, fillcolor="#ede7f6"];',
      '  subgraph cluster_sub_0 {',
      '    label="Sub-topology 0";',
      '    style=rounded;',
      '    source_KSTREAM_SOURCE_0000000000 [label="KSTREAM-SOURCE-0000000000", shape=invhouse, style=filled, fillcolor="#e3f2fd"];',
      '    processor_KSTREAM_FLATMAPVALUES_0000000001 [label="KSTREAM-FLATMAPVALUES-0000000001", shape=box, style="rounded,filled", fillcolor="#f5f5f5"];',
      '    processor_KSTREAM_KEY_SELECT_0000000002 [label="KSTREAM-KEY-SELECT-0000000002", shape=box, style="rounded,filled", fillcolor="#f5f5f5"];',
      '    processor_counts_repartition_filter [label="counts-repartition-filter", shape=box, style="rounded,filled", fillcolor="#f5f5f5"];',
      '    sink_counts_repartition_sink [label="counts-repartition-sink", shape=house, style=filled, fillcolor="#e8f5e9"];',
      '  }',
      '  subgraph cluster_sub_1 {',
      '    label="Sub-topology 1";',
      '    style=rounded;',
      '    source_counts_repartition_source [label="counts-repartition-source", shape=invhouse, style=filled, fillcolor="#e3f2fd"];',
      '    processor_KSTREAM_AGGREGATE_0000000003 [label="KSTREAM-AGGREGATE-0000000003", shape=box, style="rounded,filled", fillcolor="#f5f5f5"];',
      '    processor_KTABLE_TOSTREAM_0000000007 [label="KTABLE-TOSTREAM-0000000007", shape=box, style="rounded,filled", fillcolor="#f5f5f5"];',
      '    sink_KSTREAM_SINK_0000000008 [label="KSTREAM-SINK-0000000008", shape=house, style=filled, fillcolor="#e8f5e9"];',
      '    store_counts [label="counts", shape=cylinder, style=filled, fillcolor="#fff8e1"];',
      '  }',
      '  topic_text_lines -> source_KSTREAM_SOURCE_0000000000;',
      '  source_KSTREAM_SOURCE_0000000000 -> processor_KSTREAM_FLATMAPVALUES_0000000001;',
      '  processor_KSTREAM_FLATMAPVALUES_0000000001 -> processor_KSTREAM_KEY_SELECT_0000000002;',
      '  processor_KSTREAM_KEY_SELECT_0000000002 -> processor_counts_repartition_filter;',
      '  processor_counts_repartition_filter -> sink_counts_repartition_sink;',
      '  sink_counts_repartition_sink -> topic_counts_repartition;',
      '  topic_counts_repartition -> source_counts_repartition_source;',
      '  source_counts_repartition_source -> processor_KSTREAM_AGGREGATE_0000000003;',
      '  processor_KSTREAM_AGGREGATE_0000000003 -> store_counts [style=dashed, dir=both, arrowsize=0.6];',
      '  processor_KSTREAM_AGGREGATE_0000000003 -> processor_KTABLE_TOSTREAM_0000000007;',
      '  processor_KTABLE_TOSTREAM_0000000007 -> sink_KSTREAM_SINK_0000000008;',
      '  sink_KSTREAM_SINK_0000000008 -> topic_word_counts;',
      '}',
    ])

const JOIN_MERMAID = lines([
      'flowchart TB',
      '  topic_clicks[/"clicks"/]',
      '  topic_KSTREAM_JOINLEFT_0000000005_repartition[/"KSTREAM-JOINLEFT-0000000005-repartition"/]',
      '  topic_views[/"views"/]',
      '  topic_users[/"users"/]',
      '  topic_enriched[/"enriched"/]',
      '  subgraph sub_0["Sub-topology 0"]',
      '    source_KSTREAM_SOURCE_0000000000(["KSTREAM-SOURCE-0000000000"])',
      '    processor_KSTREAM_KEY_SELECT_0000000001["KSTREAM-KEY-SELECT-0000000001"]',
      '    processor_KSTREAM_FILTER_0000000007["KSTREAM-FILTER-0000000007"]',
      '    sink_KSTREAM_SINK_0000000006[/"KSTREAM-SINK-0000000006"\\]',
      '  end',
      '  subgraph sub_1["Sub-topology 1"]',
      '    source_KSTREAM_SOURCE_0000000002(["KSTREAM-SOURCE-0000000002"])',
      '    source_KSTREAM_SOURCE_0000000008(["KSTREAM-SOURCE-0000000008"])',
      '    processor_KSTREAM_WINDOWED_0000000009["KSTREAM-WINDOWED-0000000009"]',
      '    processor_KSTREAM_WINDOWED_0000000010["KSTREAM-WINDOWED-0000000010"]',
      '    processor_KSTREAM_JOINOTHER_0000000012["KSTREAM-JOINOTHER-0000000012"]',
      '    processor_KSTREAM_JOINTHIS_0000000011["KSTREAM-JOINTHIS-0000000011"]',
      '    processor_KSTREAM_MERGE_0000000013["KSTREAM-MERGE-0000000013"]',
      '    processor_KSTREAM_JOIN_0000000014["KSTREAM-JOIN-0000000014"]',
      '    source_KSTREAM_SOURCE_0000000003(["KSTREAM-SOURCE-0000000003"])',
      '    sink_KSTREAM_SINK_0000000015[/"KSTREAM-SINK-0000000015"\\]',
      '    processor_KTABLE_SOURCE_0000000004["KTABLE-SOURCE-0000000004"]',
      '    store_KSTREAM_JOINTHIS_0000000011_store[("KSTREAM-JOINTHIS-0000000011-store")]',
      '    store_KSTREAM_JOINOTHER_0000000012_store[("KSTREAM-JOINOTHER-0000000012-store")]',
      '    store_users_store[("users-store")]',
      '  end',
      '  topic_clicks --> source_KSTREAM_SOURCE_0000000000',
      '  source_KSTREAM_SOURCE_0000000000 --> processor_KSTREAM_KEY_SELECT_0000000001',
      '  processor_KSTREAM_KEY_SELECT_0000000001 --> processor_KSTREAM_FILTER_0000000007',
      '  processor_KSTREAM_FILTER_0000000007 --> sink_KSTREAM_SINK_0000000006',
      '  sink_KSTREAM_SINK_0000000006 --> topic_KSTREAM_JOINLEFT_0000000005_repartition',
      '  topic_views --> source_KSTREAM_SOURCE_0000000002',
      '  source_KSTREAM_SOURCE_0000000002 --> processor_KSTREAM_WINDOWED_0000000010',
      '  topic_KSTREAM_JOINLEFT_0000000005_repartition --> source_KSTREAM_SOURCE_0000000008',
      '  source_KSTREAM_SOURCE_0000000008 --> processor_KSTREAM_WINDOWED_0000000009',
      '  processor_KSTREAM_WINDOWED_0000000009 -.- store_KSTREAM_JOINTHIS_0000000011_store',
      '  processor_KSTREAM_WINDOWED_0000000009 --> processor_KSTREAM_JOINTHIS_0000000011',
      '  processor_KSTREAM_WINDOWED_0000000010 -.- store_KSTREAM_JOINOTHER_0000000012_store',
      '  processor_KSTREAM_WINDOWED_0000000010 --> processor_KSTREAM_JOINOTHER_0000000012',
      '  processor_KSTREAM_JOINOTHER_0000000012 -.- store_KSTREAM_JOINTHIS_0000000011_store',
      '  processor_KSTREAM_JOINOTHER_0000000012 --> processor_KSTREAM_MERGE_0000000013',
      '  processor_KSTREAM_JOINTHIS_0000000011 -.- store_KSTREAM_JOINOTHER_0000000012_store',
      '  processor_KSTREAM_JOINTHIS_0000000011 --> processor_KSTREAM_MERGE_0000000013',
      '  processor_KSTREAM_MERGE_0000000013 --> processor_KSTREAM_JOIN_0000000014',
      '  processor_KSTREAM_JOIN_0000000014 -.- store_users_store',
      '  processor_KSTREAM_JOIN_0000000014 --> sink_KSTREAM_SINK_0000000015',
      '  topic_users --> source_KSTREAM_SOURCE_0000000003',
      '  source_KSTREAM_SOURCE_0000000003 --> processor_KTABLE_SOURCE_0000000004',
      '  sink_KSTREAM_SINK_0000000015 --> topic_enriched',
      '  processor_KTABLE_SOURCE_0000000004 -.- store_users_store',
      '  classDef source fill:#e3f2fd,stroke:#1565c0',
      '  classDef processor fill:#f5f5f5,stroke:#424242',
      '  classDef sink fill:#e8f5e9,stroke:#2e7d32',
      '  classDef store fill:#fff8e1,stroke:#f9a825',
      '  classDef topic fill:#ede7f6,stroke:#4527a0',
      '  classDef internalTopic fill:#ede7f6,stroke:#4527a0,stroke-dasharray:4 3',
      '  class source_KSTREAM_SOURCE_0000000000,source_KSTREAM_SOURCE_0000000002,source_KSTREAM_SOURCE_0000000008,source_KSTREAM_SOURCE_0000000003 source',
      '  class processor_KSTREAM_KEY_SELECT_0000000001,processor_KSTREAM_FILTER_0000000007,processor_KSTREAM_WINDOWED_0000000009,processor_KSTREAM_WINDOWED_0000000010,processor_KSTREAM_JOINOTHER_0000000012,processor_KSTREAM_JOINTHIS_0000000011,processor_KSTREAM_MERGE_0000000013,processor_KSTREAM_JOIN_0000000014,processor_KTABLE_SOURCE_0000000004 processor',
      '  class sink_KSTREAM_SINK_0000000006,sink_KSTREAM_SINK_0000000015 sink',
      '  class store_KSTREAM_JOINTHIS_0000000011_store,store_KSTREAM_JOINOTHER_0000000012_store,store_users_store store',
      '  class topic_clicks,topic_views,topic_users,topic_enriched topic',
      '  class topic_KSTREAM_JOINLEFT_0000000005_repartition internalTopic',
    ])

const JOIN_ASCII = lines([
      'Sub-topology 0',
      '══════════════',
      '',
      '  ╭─ topic ─────────────────────────────────╮',
      '  │ clicks                                  │',
      '  ╰─────────────────────────────────────────╯',
      '      │',
      '      ▼',
      '  ┌─ source ────────────────────────────────┐',
      '  │ KSTREAM-SOURCE-0000000000               │',
      '  └─────────────────────────────────────────┘',
      '      │',
      '      ▼',
      '  ┌─ processor ─────────────────────────────┐',
      '  │ KSTREAM-KEY-SELECT-0000000001           │',
      '  └─────────────────────────────────────────┘',
      '      │',
      '      ▼',
      '  ┌─ processor ─────────────────────────────┐',
      '  │ KSTREAM-FILTER-0000000007               │',
      '  └─────────────────────────────────────────┘',
      '      │',
      '      ▼',
      '  ┌─ sink ──────────────────────────────────┐',
      '  │ KSTREAM-SINK-0000000006                 │',
      '  └─────────────────────────────────────────┘',
      '      │',
      '      ▼',
      '  ╭─ topic ─────────────────────────────────╮',
      '  │ KSTREAM-JOINLEFT-0000000005-repartition │',
      '  │ ▶ read by sub-topology 1                │',
      '  ╰─────────────────────────────────────────╯',
      '',
      'Sub-topology 1',
      '══════════════',
      '',
      '  ╭─ topic ───────────────────────────────────╮',
      '  │ views                                     │',
      '  ╰───────────────────────────────────────────╯',
      '      │',
      '      ▼',
      '  ┌─ source ──────────────────────────────────┐',
      '  │ KSTREAM-SOURCE-0000000002                 │',
      '  └───────────────────────────────────────────┘',
      '      │',
      '      ▼',
      '  ┌─ processor ───────────────────────────────┐',
      '  │ KSTREAM-WINDOWED-0000000010               │',
      '  │ store: KSTREAM-JOINOTHER-0000000012-store │',
      '  └───────────────────────────────────────────┘',
      '      │',
      '      ▼',
      '  ┌─ processor ───────────────────────────────┐',
      '  │ KSTREAM-JOINOTHER-0000000012              │',
      '  │ store: KSTREAM-JOINTHIS-0000000011-store  │',
      '  └───────────────────────────────────────────┘',
      '      └──▶ KSTREAM-MERGE-0000000013',
      '',
      '  ╭─ topic ───────────────────────────────────╮',
      '  │ KSTREAM-JOINLEFT-0000000005-repartition   │',
      '  │ ◀ written by sub-topology 0               │',
      '  ╰───────────────────────────────────────────╯',
      '      │',
      '      ▼',
      '  ┌─ source ──────────────────────────────────┐',
      '  │ KSTREAM-SOURCE-0000000008                 │',
      '  └───────────────────────────────────────────┘',
      '      │',
      '      ▼',
      '  ┌─ processor ───────────────────────────────┐',
      '  │ KSTREAM-WINDOWED-0000000009               │',
      '  │ store: KSTREAM-JOINTHIS-0000000011-store  │',
      '  └───────────────────────────────────────────┘',
      '      │',
      '      ▼',
      '  ┌─ processor ───────────────────────────────┐',
      '  │ KSTREAM-JOINTHIS-0000000011               │',
      '  │ store: KSTREAM-JOINOTHER-0000000012-store │',
      '  └───────────────────────────────────────────┘',
      '      │',
      '      ▼',
      '  ┌─ processor ───────────────────────────────┐',
      '  │ KSTREAM-MERGE-0000000013                  │',
      '  │ ◀ from KSTREAM-JOINOTHER-0000000012       │',
      '  └───────────────────────────────────────────┘',
      '      │',
      '      ▼',
      '  ┌─ processor ───────────────────────────────┐',
      '  │ KSTREAM-JOIN-0000000014                   │',
      '  │ store: users-store                        │',
      '  └───────────────────────────────────────────┘',
      '      │',
      '      ▼',
      '  ┌─ sink ────────────────────────────────────┐',
      '  │ KSTREAM-SINK-0000000015                   │',
      '  └───────────────────────────────────────────┘',
      '      │',
      '      ▼',
      '  ╭─ topic ───────────────────────────────────╮',
      '  │ enriched                                  │',
      '  ╰───────────────────────────────────────────╯',
      '',
      '  ╭─ topic ───────────────────────────────────╮',
      '  │ users                                     │',
      '  ╰───────────────────────────────────────────╯',
      '      │',
      '      ▼',
      '  ┌─ source ──────────────────────────────────┐',
      '  │ KSTREAM-SOURCE-0000000003                 │',
      '  └───────────────────────────────────────────┘',
      '      │',
      '      ▼',
      '  ┌─ processor ───────────────────────────────┐',
      '  │ KTABLE-SOURCE-0000000004                  │',
      '  │ store: users-store                        │',
      '  └───────────────────────────────────────────┘',
    ])

const JOIN_DOT = lines([
      'digraph topology {',
      '  rankdir=TB;',
      '  fontname="Helvetica";',
      '  node [fontname="Helvetica", fontsize=11];',
      '  edge [fontname="Helvetica", fontsize=10];',
      '  topic_clicks [label="clicks", shape=parallelogram, style=filled, fillcolor="#ede7f6"];',
      '  topic_KSTREAM_JOINLEFT_0000000005_repartition [label="KSTREAM-JOINLEFT-0000000005-repartition", shape=parallelogram, style="filled,dashed", fillcolor="#ede7f6"];',
      '  topic_views [label="views", shape=parallelogram, style=filled, fillcolor="#ede7f6"];',
      '  topic_users [label="users", shape=parallelogram, style=filled, fillcolor="#ede7f6"];',
      '  topic_enriched [label="enriched", shape=parallelogram, style=filled, fillcolor="#ede7f6"];',
      '  subgraph cluster_sub_0 {',
      '    label="Sub-topology 0";',
      '    style=rounded;',
      '    source_KSTREAM_SOURCE_0000000000 [label="KSTREAM-SOURCE-0000000000", shape=invhouse, style=filled, fillcolor="#e3f2fd"];',
      '    processor_KSTREAM_KEY_SELECT_0000000001 [label="KSTREAM-KEY-SELECT-0000000001", shape=box, style="rounded,filled", fillcolor="#f5f5f5"];',
      '    processor_KSTREAM_FILTER_0000000007 [label="KSTREAM-FILTER-0000000007", shape=box, style="rounded,filled", fillcolor="#f5f5f5"];',
      '    sink_KSTREAM_SINK_0000000006 [label="KSTREAM-SINK-0000000006", shape=house, style=filled, fillcolor="#e8f5e9"];',
      '  }',
      '  subgraph cluster_sub_1 {',
      '    label="Sub-topology 1";',
      '    style=rounded;',
      '    source_KSTREAM_SOURCE_0000000002 [label="KSTREAM-SOURCE-0000000002", shape=invhouse, style=filled, fillcolor="#e3f2fd"];',
      '    source_KSTREAM_SOURCE_0000000008 [label="KSTREAM-SOURCE-0000000008", shape=invhouse, style=filled, fillcolor="#e3f2fd"];',
      '    processor_KSTREAM_WINDOWED_0000000009 [label="KSTREAM-WINDOWED-0000000009", shape=box, style="rounded,filled", fillcolor="#f5f5f5"];',
      '    processor_KSTREAM_WINDOWED_0000000010 [label="KSTREAM-WINDOWED-0000000010", shape=box, style="rounded,filled", fillcolor="#f5f5f5"];',
      '    processor_KSTREAM_JOINOTHER_0000000012 [label="KSTREAM-JOINOTHER-0000000012", shape=box, style="rounded,filled", fillcolor="#f5f5f5"];',
      '    processor_KSTREAM_JOINTHIS_0000000011 [label="KSTREAM-JOINTHIS-0000000011", shape=box, style="rounded,filled", fillcolor="#f5f5f5"];',
      '    processor_KSTREAM_MERGE_0000000013 [label="KSTREAM-MERGE-0000000013", shape=box, style="rounded,filled", fillcolor="#f5f5f5"];',
      '    processor_KSTREAM_JOIN_0000000014 [label="KSTREAM-JOIN-0000000014", shape=box, style="rounded,filled", fillcolor="#f5f5f5"];',
      '    source_KSTREAM_SOURCE_0000000003 [label="KSTREAM-SOURCE-0000000003", shape=invhouse, style=filled, fillcolor="#e3f2fd"];',
      '    sink_KSTREAM_SINK_0000000015 [label="KSTREAM-SINK-0000000015", shape=house, style=filled, fillcolor="#e8f5e9"];',
      '    processor_KTABLE_SOURCE_0000000004 [label="KTABLE-SOURCE-0000000004", shape=box, style="rounded,filled", fillcolor="#f5f5f5"];',
      '    store_KSTREAM_JOINTHIS_0000000011_store [label="KSTREAM-JOINTHIS-0000000011-store", shape=cylinder, style=filled, fillcolor="#fff8e1"];',
      '    store_KSTREAM_JOINOTHER_0000000012_store [label="KSTREAM-JOINOTHER-0000000012-store", shape=cylinder, style=filled, fillcolor="#fff8e1"];',
      '    store_users_store [label="users-store", shape=cylinder, style=filled, fillcolor="#fff8e1"];',
      '  }',
      '  topic_clicks -> source_KSTREAM_SOURCE_0000000000;',
      '  source_KSTREAM_SOURCE_0000000000 -> processor_KSTREAM_KEY_SELECT_0000000001;',
      '  processor_KSTREAM_KEY_SELECT_0000000001 -> processor_KSTREAM_FILTER_0000000007;',
      '  processor_KSTREAM_FILTER_0000000007 -> sink_KSTREAM_SINK_0000000006;',
      '  sink_KSTREAM_SINK_0000000006 -> topic_KSTREAM_JOINLEFT_0000000005_repartition;',
      '  topic_views -> source_KSTREAM_SOURCE_0000000002;',
      '  source_KSTREAM_SOURCE_0000000002 -> processor_KSTREAM_WINDOWED_0000000010;',
      '  topic_KSTREAM_JOINLEFT_0000000005_repartition -> source_KSTREAM_SOURCE_0000000008;',
      '  source_KSTREAM_SOURCE_0000000008 -> processor_KSTREAM_WINDOWED_0000000009;',
      '  processor_KSTREAM_WINDOWED_0000000009 -> store_KSTREAM_JOINTHIS_0000000011_store [style=dashed, dir=both, arrowsize=0.6];',
      '  processor_KSTREAM_WINDOWED_0000000009 -> processor_KSTREAM_JOINTHIS_0000000011;',
      '  processor_KSTREAM_WINDOWED_0000000010 -> store_KSTREAM_JOINOTHER_0000000012_store [style=dashed, dir=both, arrowsize=0.6];',
      '  processor_KSTREAM_WINDOWED_0000000010 -> processor_KSTREAM_JOINOTHER_0000000012;',
      '  processor_KSTREAM_JOINOTHER_0000000012 -> store_KSTREAM_JOINTHIS_0000000011_store [style=dashed, dir=both, arrowsize=0.6];',
      '  processor_KSTREAM_JOINOTHER_0000000012 -> processor_KSTREAM_MERGE_0000000013;',
      '  processor_KSTREAM_JOINTHIS_0000000011 -> store_KSTREAM_JOINOTHER_0000000012_store [style=dashed, dir=both, arrowsize=0.6];',
      '  processor_KSTREAM_JOINTHIS_0000000011 -> processor_KSTREAM_MERGE_0000000013;',
      '  processor_KSTREAM_MERGE_0000000013 -> processor_KSTREAM_JOIN_0000000014;',
      '  processor_KSTREAM_JOIN_0000000014 -> store_users_store [style=dashed, dir=both, arrowsize=0.6];',
      '  processor_KSTREAM_JOIN_0000000014 -> sink_KSTREAM_SINK_0000000015;',
      '  topic_users -> source_KSTREAM_SOURCE_0000000003;',
      '  source_KSTREAM_SOURCE_0000000003 -> processor_KTABLE_SOURCE_0000000004;',
      '  sink_KSTREAM_SINK_0000000015 -> topic_enriched;',
      '  processor_KTABLE_SOURCE_0000000004 -> store_users_store [style=dashed, dir=both, arrowsize=0.6];',
      '}',
    ])

/** Processor API: a pattern source, a sink choosing its topic per record, odd names, a global store. */
function processorApi(): Topology {
  const noop = () => ({ process() {} })
  return new Topology()
    .addSource({ name: 'events "raw"', pattern: /events-.*/ })
    .addSource('a.b', 'orders')
    .addProcessor('a-b', noop, 'events "raw"', 'a.b')
    .addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('seen <#1>'), Serdes.String(), Serdes.String()), 'a-b')
    .addSink('route', (key: unknown) => `out-${String(key)}`, 'a-b')
    .addSink('audit', 'audit-log', 'a-b')
    .addGlobalStore(
      Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('countries'), Serdes.String(), Serdes.String()).withLoggingDisabled(),
      'countries-source',
      'countries',
      {},
      'countries-processor',
      noop,
    )
}

/** What any rendering must show, read from the description itself (`kind:label` strings). */
function expectedGraph(d: TopologyDescription): { nodes: string[]; edges: string[] } {
  const nodes: string[] = []
  const edges: string[] = []
  const topics = new Set<string>()
  const parts = [...d.subtopologies.map((s) => s.nodes), ...d.globalStores.map((g) => [g.source, g.processor])]
  for (const part of parts) {
    const stores = new Set<string>()
    for (const n of part) {
      nodes.push(`${n.kind}:${n.name}`)
      for (const s of n.successors) edges.push(`${n.kind}:${n.name} -> ${s.kind}:${s.name}`)
      for (const s of n.stores) {
        stores.add(s)
        edges.push(`${n.kind}:${n.name} -- store:${s}`)
      }
      const topicLabels = n.topics ?? (n.topicPattern ? [`/${n.topicPattern.source}/`] : [])
      for (const t of topicLabels) {
        topics.add(t)
        edges.push(n.kind === 'source' ? `topic:${t} -> source:${n.name}` : `sink:${n.name} -> topic:${t}`)
      }
    }
    for (const s of stores) nodes.push(`store:${s}`)
  }
  for (const t of topics) nodes.push(`topic:${t}`)
  return { nodes: nodes.sort(), edges: edges.sort() }
}

const MERMAID_KIND: Record<string, string> = { '([': 'source', '[(': 'store', '[/': 'topic', '[': 'processor' }

function parseMermaid(text: string): { nodes: string[]; edges: string[] } {
  const byId = new Map<string, string>()
  const nodes: string[] = []
  const edges: string[] = []
  const decode = (s: string) => s.replace(/#quot;/g, '"').replace(/#lt;/g, '<').replace(/#gt;/g, '>').replace(/#35;/g, '#')
  for (const line of text.split('\n')) {
    const decl = /^\s+(\w+)(\(\[|\[\(|\[\/|\[)"(.*)"(\]\)|\)\]|\/\]|\\\]|\])$/.exec(line)
    if (decl && !line.trimStart().startsWith('subgraph')) {
      const kind = decl[2] === '[/' && decl[4] === '\\]' ? 'sink' : MERMAID_KIND[decl[2]!]!
      const label = decode(decl[3]!).replace(/ \(topic per record\)$/, '')
      expect(byId.has(decl[1]!), `id ${decl[1]} declared twice`).toBe(false)
      byId.set(decl[1]!, `${kind}:${label}`)
      nodes.push(`${kind}:${label}`)
    }
  }
  for (const line of text.split('\n')) {
    const edge = /^\s+(\w+) (-->|-\.-) (\w+)$/.exec(line)
    if (edge) edges.push(`${byId.get(edge[1]!)} ${edge[2] === '-->' ? '->' : '--'} ${byId.get(edge[3]!)}`)
  }
  return { nodes: nodes.sort(), edges: edges.sort() }
}

const DOT_KIND: Record<string, string> = { invhouse: 'source', box: 'processor', house: 'sink', cylinder: 'store', parallelogram: 'topic' }

function parseDot(text: string): { nodes: string[]; edges: string[] } {
  const byId = new Map<string, string>()
  const nodes: string[] = []
  const edges: string[] = []
  for (const line of text.split('\n')) {
    const decl = /^\s+(\w+) \[label="((?:[^"\\]|\\.)*)", shape=(\w+)/.exec(line)
    if (decl) {
      const label = decl[2]!.replace(/\\(.)/g, '$1').replace(/ \(topic per record\)$/, '')
      const node = `${DOT_KIND[decl[3]!]}:${label}`
      expect(byId.has(decl[1]!), `id ${decl[1]} declared twice`).toBe(false)
      byId.set(decl[1]!, node)
      nodes.push(node)
    }
    const edge = /^\s+(\w+) -> (\w+)( \[style=dashed)?/.exec(line)
    if (edge) edges.push(`${byId.get(edge[1]!)} ${edge[3] ? '--' : '->'} ${byId.get(edge[2]!)}`)
  }
  return { nodes: nodes.sort(), edges: edges.sort() }
}

/**
 * Reads the text drawing back: boxes in order, a `│ ▼` between two boxes is an edge, a `──▶ name`
 * line under a box is an edge to that node, and a `◀ from name` line inside a box names the same
 * edge from the other end. Topic boxes are repeated per sub-topology.
 */
function parseAscii(text: string): { nodes: string[]; edges: string[]; stores: string[]; listedOut: string[]; listedIn: string[] } {
  const nodes = new Set<string>()
  const edges: string[] = []
  const stores: string[] = []
  const all = text.split('\n')
  let previous: string | null = null
  let pendingArrow = false
  const nameToNode = new Map<string, string>()
  const deferred: [string, string][] = []
  const incoming: [string, string][] = []
  for (let i = 0; i < all.length; i++) {
    const line = all[i]!
    const header = /^  [┌╭]─ (\w+) /.exec(line)
    if (header) {
      const kind = header[1] === 'topics' ? 'topic' : header[1]!
      const body: string[] = []
      for (i++; !/^  [└╰]/.test(all[i]!); i++) body.push(all[i]!.slice(4, -2).trimEnd())
      const isTopicBox = kind === 'topic'
      const names = isTopicBox ? body.filter((l) => !/^[▶◀] /.test(l)) : [body[0]!.replace(/ \(topic per record\)$/, '')]
      const boxId = names.map((n) => `${kind}:${n}`).join('|')
      if (!isTopicBox) {
        for (const l of body.slice(1)) {
          if (l.startsWith('◀ from ')) {
            incoming.push([l.slice('◀ from '.length), `${kind}:${names[0]}`])
            continue
          }
          const store = `store:${l.replace(/^store: /, '')}`
          nodes.add(store)
          stores.push(`${kind}:${names[0]} -- ${store}`)
        }
        nameToNode.set(names[0]!, `${kind}:${names[0]}`)
      }
      for (const n of names) nodes.add(`${kind}:${n}`)
      if (pendingArrow && previous) for (const from of previous.split('|')) for (const to of boxId.split('|')) edges.push(`${from} -> ${to}`)
      previous = boxId
      pendingArrow = false
      continue
    }
    if (line === '      │' && all[i + 1] === '      ▼') {
      pendingArrow = true
      i++
      continue
    }
    const other = /^      [├└]──▶ (.+)$/.exec(line)
    if (other) deferred.push([previous!, other[1]!])
    if (line === '' || /^\S/.test(line)) previous = line === '' ? null : previous
  }
  const listedOut = deferred.map(([from, toName]) => `${from} -> ${nameToNode.get(toName)}`)
  const listedIn = incoming.map(([fromName, to]) => `${nameToNode.get(fromName)} -> ${to}`)
  return { nodes: [...nodes].sort(), edges: [...edges, ...listedOut].sort(), stores: stores.sort(), listedOut: listedOut.sort(), listedIn: listedIn.sort() }
}

describe('topology diagrams: exact output', () => {
  it('word count in Mermaid, text and DOT', () => {
    const topology = wordCount()
    expect(renderMermaid(topology.describe())).toBe(WORD_COUNT_MERMAID)
    expect(renderAscii(topology.describe())).toBe(WORD_COUNT_ASCII)
    expect(renderDot(topology.describe())).toBe(WORD_COUNT_DOT)
  })

  it('windowed stream-stream join through a repartition topic, then a table join, in Mermaid, text and DOT', () => {
    const topology = join()
    expect(renderMermaid(topology)).toBe(JOIN_MERMAID)
    expect(renderAscii(topology)).toBe(JOIN_ASCII)
    expect(renderDot(topology)).toBe(JOIN_DOT)
  })
})

describe('topology diagrams: every node, edge, store and topic exactly once', () => {
  const cases: [string, () => Topology][] = [
    ['word count', wordCount],
    ['join', join],
    ['Processor API with a pattern, an extractor sink and a global store', processorApi],
  ]
  for (const [name, build] of cases) {
    it(`${name}: Mermaid`, () => {
      const d = build().describe()
      const expected = expectedGraph(d)
      const actual = parseMermaid(renderMermaid(d))
      expect(actual.nodes).toEqual(expected.nodes)
      expect(actual.edges).toEqual(expected.edges)
    })

    it(`${name}: DOT`, () => {
      const d = build().describe()
      const expected = expectedGraph(d)
      const actual = parseDot(renderDot(d))
      expect(actual.nodes).toEqual(expected.nodes)
      expect(actual.edges).toEqual(expected.edges)
    })

    it(`${name}: text, within 100 columns`, () => {
      const d = build().describe()
      const text = renderAscii(d)
      for (const line of text.split('\n')) expect([...line].length).toBeLessThanOrEqual(100)
      const expected = expectedGraph(d)
      const actual = parseAscii(text)
      expect(actual.nodes).toEqual(expected.nodes)
      expect([...actual.edges, ...actual.stores].sort()).toEqual(expected.edges)
      // An edge that is not a vertical arrow is named at both of its boxes.
      expect(actual.listedIn).toEqual(actual.listedOut)
    })
  }
})

describe('topology diagrams: names and input', () => {
  it('escapes names so they render verbatim and keeps ids unique when names differ only in punctuation', () => {
    const d = processorApi().describe()
    const mermaid = renderMermaid(d)
    expect(mermaid).toContain('source_events_raw(["events #quot;raw#quot;"])')
    expect(mermaid).toContain('store_seen_1[("seen #lt;#35;1#gt;")]')
    expect(mermaid).toContain('source_a_b(["a.b"])')
    expect(mermaid).toContain('processor_a_b["a-b"]')
    expect(mermaid).toContain('topic_events[/"/events-.*/"/]')
    expect(mermaid).toContain('sink_route[/"route (topic per record)"\\]')
    expect(mermaid).toContain('subgraph global_1["Global store (sub-topology 1)"]')
    expect(renderDot(d)).toContain('source_events_raw [label="events \\"raw\\"", shape=invhouse')
  })

  it('wraps names longer than the text width', () => {
    const long = 'x'.repeat(150)
    const text = renderAscii(new Topology().addSource(long, 'in').addSink('out', 'out-topic', long).describe())
    for (const line of text.split('\n')) expect([...line].length).toBeLessThanOrEqual(100)
    expect(text.replace(/[│ \n]/g, '')).toContain(long)
  })

  it('rejects anything that is not a description or a topology, naming the renderer', () => {
    expect(() => renderMermaid(null as never)).toThrow(/renderMermaid: expected a TopologyDescription .* got null/)
    expect(() => renderAscii({} as never)).toThrow(/renderAscii: expected a TopologyDescription .* got an object without/)
    expect(() => renderDot('topology' as never)).toThrow(/renderDot: expected a TopologyDescription .* got string/)
  })
})
