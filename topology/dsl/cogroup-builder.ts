import type { StateStore } from '../../stores/state-store.js'
import type { StoreBuilder } from '../../stores/store-builder.js'
import type { InternalTopologyBuilder } from '../internals/internal-topology-builder.js'
import { Named } from '../options/named.js'
import type { Processor } from '../processor/processor.js'
import type { AnySerde } from '../serdes/serde.js'
import type { KGroupedStream } from './kgrouped-stream.js'
import { KTable } from './ktable.js'
import { PassThroughProcessor } from './processors/stream-stateless.js'
import { createRepartitionedSource } from './repartition.js'
import type { TableValueSource } from './table-value-sources.js'

export const COGROUP_AGGREGATE_NAME = 'COGROUPKSTREAM-AGGREGATE-'
export const COGROUP_MERGE_NAME = 'COGROUPKSTREAM-MERGE-'

/** An input of a cogroup: a grouped stream and the aggregator that folds its values into the shared aggregate. */
export type CogroupAggregator<K, VA> = (key: K, value: any, aggregate: VA) => VA
export type CogroupPatterns<K, VA> = Map<KGroupedStream<K, any>, CogroupAggregator<K, VA>>

interface Parent {
  name: string
  sourceNodes: ReadonlySet<string>
}

export interface CogroupBuildSpec<K, KT, VA> {
  storeName: string
  named: Named | undefined
  store: StoreBuilder<StateStore>
  /** The aggregation processor of one input stream; all of them write to `storeName`. */
  processor(aggregator: CogroupAggregator<K, VA>): () => Processor<any, any, any, any>
  keySerde: AnySerde<KT> | null
  valueSerde: AnySerde<VA> | null
  queryableStoreName: string | null
  valueSource: TableValueSource<KT, VA>
  /** Called with the merge node's name (windowed variants register their close delay for suppress). */
  onMerge?(mergeName: string): void
}

/**
 * Builds cogrouped aggregations (Kafka Streams' CogroupedStreamAggregateBuilder): each input
 * stream gets its own aggregation processor (`COGROUPKSTREAM-AGGREGATE-`, or `<name>-cogroup-agg-<i>`),
 * all writing one shared store, and a pass-through merge node (`COGROUPKSTREAM-MERGE-`, or
 * `<name>-cogroup-merge`) whose output is the result table. An input whose key changed upstream is
 * routed through its own repartition topic, made once per cogrouped stream; all inputs are co-partitioned.
 */
export class CogroupAggregateBuilder {
  private readonly parents = new Map<KGroupedStream<any, any>, Parent>()

  constructor(private readonly builder: InternalTopologyBuilder) {}

  build<K, KT, VA>(patterns: CogroupPatterns<K, VA>, spec: CogroupBuildSpec<K, KT, VA>): KTable<KT, VA> {
    const builder = this.builder
    const parents = this.processRepartitions(patterns, spec.storeName)
    const aggNames: string[] = []
    let counter = 0
    for (const [grouped, aggregator] of patterns) {
      const name = suffixedName(builder, spec.named, `-cogroup-agg-${counter++}`, COGROUP_AGGREGATE_NAME)
      builder.addProcessor(name, spec.processor(aggregator), parents.get(grouped)!.name)
      if (aggNames.length === 0) builder.addStateStore(spec.store, name)
      else builder.connectProcessorAndStateStores(name, spec.storeName)
      aggNames.push(name)
    }
    const mergeName = suffixedName(builder, spec.named, '-cogroup-merge', COGROUP_MERGE_NAME)
    builder.addProcessor(mergeName, () => new PassThroughProcessor(), ...aggNames)
    spec.onMerge?.(mergeName)
    const sourceNodes = new Set<string>()
    for (const parent of parents.values()) for (const s of parent.sourceNodes) sourceNodes.add(s)
    return new KTable<KT, VA>(builder, mergeName, spec.keySerde, spec.valueSerde, sourceNodes, spec.queryableStoreName, spec.valueSource)
  }

  /**
   * The node each input aggregates from. A repartition topic is named after the Grouped name, else
   * the store; it is made once per cogrouped stream, though every aggregation consumes the three
   * indexes of its nodes' generated names, as Kafka Streams does.
   */
  private processRepartitions<K, VA>(patterns: CogroupPatterns<K, VA>, storeName: string): Map<KGroupedStream<any, any>, Parent> {
    const builder = this.builder
    const parents = new Map<KGroupedStream<any, any>, Parent>()
    for (const grouped of patterns.keys()) {
      if (!grouped.repartitionRequired) {
        parents.set(grouped, { name: grouped.name, sourceNodes: grouped.sourceNodes })
        continue
      }
      const existing = this.parents.get(grouped)
      if (existing !== undefined) {
        for (const prefix of ['KSTREAM-SINK-', 'KSTREAM-FILTER-', 'KSTREAM-SOURCE-']) builder.newProcessorName(prefix)
        parents.set(grouped, existing)
        continue
      }
      const source = createRepartitionedSource(builder, {
        prefix: grouped.groupedName ?? storeName,
        parent: grouped.name,
        keySerde: grouped.keySerde,
        valueSerde: grouped.valueSerde,
      })
      const parent = { name: source, sourceNodes: new Set([source]) }
      this.parents.set(grouped, parent)
      parents.set(grouped, parent)
    }
    const allSources = new Set<string>()
    for (const parent of parents.values()) for (const s of parent.sourceNodes) allSources.add(s)
    if (parents.size > 1) builder.copartitionSources(allSources)
    return parents
  }
}

/** `<name><suffix>` when named (still consuming an index, as Kafka Streams), else a generated name. */
function suffixedName(builder: InternalTopologyBuilder, named: Named | undefined, suffix: string, prefix: string): string {
  const generated = builder.newProcessorName(prefix)
  return named?.name ? named.name + suffix : generated
}

/** Splits `(named?, materialized?)` or `(materialized?)` as Kafka Streams' aggregate overloads. */
export function namedAndMaterialized<M>(a: Named | M | undefined, b: M | undefined, operation: string): { named: Named | undefined; materialized: M | undefined } {
  if (a instanceof Named) return { named: a, materialized: b }
  if (b !== undefined) throw new TypeError(`${operation}: expected (initializer, named, materialized) or (initializer, materialized)`)
  return { named: undefined, materialized: a ?? undefined }
}
