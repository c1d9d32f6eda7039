import type { InternalTopologyBuilder } from '../internals/internal-topology-builder.js'
import type { Materialized } from '../options/materialized.js'
import type { Named } from '../options/named.js'
import { Serdes } from '../serdes/serdes.js'
import type { AnySerde } from '../serdes/serde.js'
import { ChangeSerde } from './change.js'
import { INTERNAL_SERDE } from './internal-serde.js'
import { KTable } from './ktable.js'
import { requireFunction } from './kstream.js'
import { keyValueStoreBuilder, syncSerde } from './materialize.js'
import { versionedHistoryRetention } from './versioned-table.js'
import { TableAggregateProcessor } from './processors/aggregate-processors.js'
import type { SendOldValuesFlag } from './processors/table-processors.js'
import { REPARTITION_TOPIC_SUFFIX } from './repartition.js'
import { StoreValueSource } from './table-value-sources.js'

/**
 * A re-grouped table (KTable.groupBy). Each aggregation repartitions by the new key, carrying
 * the old and new values, then subtracts the old value and adds the new one.
 */
export class KGroupedTable<K = unknown, V = unknown> {
  private sharedSource: string | null = null

  /** @internal Built by the DSL (StreamsBuilder and the operators), never by users. */
  constructor(
    /** @internal */ readonly builder: InternalTopologyBuilder,
    readonly name: string,
    readonly keySerde: AnySerde<K> | null,
    readonly valueSerde: AnySerde<V> | null,
    readonly groupedName: string | null,
  ) {}

  count(materialized?: Materialized<K, number>, named?: Named): KTable<K, number> {
    return this.build<number>('KTABLE-AGGREGATE-', materialized, named, Serdes.Long(), (storeName, flag, name) =>
      new TableAggregateProcessor<K, V, number>(storeName, flag, () => 0, (_k, _v, agg) => agg + 1, (_k, _v, agg) => agg - 1, name),
    )
  }

  reduce(adder: (aggregate: V, value: V) => V, subtractor: (aggregate: V, value: V) => V, materialized?: Materialized<K, V>, named?: Named): KTable<K, V> {
    requireFunction(adder, 'reduce', 'adder')
    requireFunction(subtractor, 'reduce', 'subtractor')
    return this.build<V>('KTABLE-REDUCE-', materialized, named, this.valueSerde, (storeName, flag, name) =>
      new TableAggregateProcessor<K, V, V>(storeName, flag, null, (_k, v, agg) => adder(agg, v), (_k, v, agg) => subtractor(agg, v), name),
    )
  }

  aggregate<VA>(
    initializer: () => VA,
    adder: (key: K, value: V, aggregate: VA) => VA,
    subtractor: (key: K, value: V, aggregate: VA) => VA,
    materialized?: Materialized<K, VA>,
    named?: Named,
  ): KTable<K, VA> {
    requireFunction(initializer, 'aggregate', 'initializer')
    requireFunction(adder, 'aggregate', 'adder')
    requireFunction(subtractor, 'aggregate', 'subtractor')
    return this.build<VA>('KTABLE-AGGREGATE-', materialized, named, null, (storeName, flag, name) =>
      new TableAggregateProcessor<K, V, VA>(storeName, flag, initializer, adder, subtractor, name),
    )
  }

  private build<VA>(
    processorPrefix: string,
    materialized: Materialized<K, VA> | undefined,
    named: Named | undefined,
    defaultValueSerde: AnySerde<any> | null,
    make: (storeName: string, flag: SendOldValuesFlag, name: string) => TableAggregateProcessor<K, V, VA>,
  ): KTable<K, VA> {
    const builder = this.builder
    const storeName = materialized?.storeName ?? builder.newStoreName('KTABLE-AGGREGATE-')
    const sinkName = named?.name ? `${named.name}-sink` : builder.newProcessorName('KSTREAM-SINK-')
    const sourceName = named?.name ? `${named.name}-source` : builder.newProcessorName('KSTREAM-SOURCE-')
    const name = named?.name ?? builder.newProcessorName(processorPrefix)
    const topic = (this.groupedName ?? storeName) + REPARTITION_TOPIC_SUFFIX
    const keySerde = this.keySerde ?? INTERNAL_SERDE
    const changeSerde = new ChangeSerde<V>(syncSerde(this.valueSerde))
    // with a Grouped name, the aggregations of this grouping share one repartition topic
    let source = sourceName
    if (this.groupedName !== null && this.sharedSource !== null) {
      source = this.sharedSource
    } else {
      builder.addRepartitionTopic(topic, null)
      builder.addSink(sinkName, topic, { keySerde, valueSerde: changeSerde }, this.name)
      builder.addSource(sourceName, [topic], { keySerde, valueSerde: changeSerde })
      if (this.groupedName !== null) this.sharedSource = sourceName
    }
    const flag: SendOldValuesFlag = { sendOldValues: false }
    builder.addProcessor(name, () => make(storeName, flag, name), source)
    const outKeySerde = (materialized?.keySerde as AnySerde<K> | null) ?? this.keySerde
    const outValueSerde = (materialized?.valueSerde as AnySerde<VA> | null) ?? (defaultValueSerde as AnySerde<VA> | null)
    builder.addStateStore(keyValueStoreBuilder(storeName, materialized, outKeySerde, outValueSerde), name)
    const queryable = materialized?.storeName ? storeName : null
    const valueSource = new StoreValueSource<K, VA>(storeName, flag, versionedHistoryRetention(materialized))
    return new KTable<K, VA>(builder, name, outKeySerde, outValueSerde, new Set([source]), queryable, valueSource)
  }
}
