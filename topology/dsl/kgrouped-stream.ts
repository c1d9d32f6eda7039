import type { InternalTopologyBuilder } from '../internals/internal-topology-builder.js'
import type { Materialized } from '../options/materialized.js'
import type { Named } from '../options/named.js'
import { Serdes } from '../serdes/serdes.js'
import type { AnySerde } from '../serdes/serde.js'
import { CogroupedKStream } from './cogrouped-kstream.js'
import { KTable } from './ktable.js'
import { nameOf, requireFunction } from './kstream.js'
import { keyValueStoreBuilder } from './materialize.js'
import { versionedHistoryRetention } from './versioned-table.js'
import { StreamAggregateProcessor } from './processors/aggregate-processors.js'
import type { SendOldValuesFlag } from './processors/table-processors.js'
import { createRepartitionedSource } from './repartition.js'
import { StoreValueSource } from './table-value-sources.js'
import { groupedCountDistinct } from '../sketches/count-distinct.js'
import type { DistinctItemMapper } from '../sketches/distinct-item.js'
import { windowedBy, type SessionWindowedKStream, type SessionWindows, type SlidingWindows, type TimeWindowedKStream, type TimeWindows } from '../windows/windowed-by.js'

/**
 * A stream grouped by key, ready to aggregate. If a key-changing operator ran upstream, the
 * first aggregation routes records through a repartition topic named after the Grouped name or
 * the store name (reused by later aggregations when the Grouped name is given). Records with a
 * null key or value are skipped, as in Kafka Streams, so aggregators and reducers take `V`.
 */
export class KGroupedStream<K = unknown, V = unknown> {
  private sharedRepartitionSource: string | null = null

  /** @internal Built by the DSL (StreamsBuilder and the operators), never by users. */
  constructor(
    /** @internal */ readonly builder: InternalTopologyBuilder,
    readonly name: string,
    readonly keySerde: AnySerde<K> | null,
    readonly valueSerde: AnySerde<V> | null,
    readonly sourceNodes: ReadonlySet<string>,
    readonly repartitionRequired: boolean,
    /** Grouped name: names the repartition topic */
    readonly groupedName: string | null,
  ) {}

  count(materialized?: Materialized<K, number>, named?: Named): KTable<K, number> {
    if (materialized && !materialized.storeName) this.builder.newStoreName('KSTREAM-AGGREGATE-') // Kafka Streams burns an index here
    return this.build<number>(
      'KSTREAM-AGGREGATE-',
      'KSTREAM-AGGREGATE-',
      materialized,
      named,
      Serdes.Long(),
      (storeName, flag) => () => new StreamAggregateProcessor<K, V, number>(storeName, flag, () => 0, (_k, _v, agg) => agg + 1),
    )
  }

  reduce(reducer: (aggregate: V, value: V) => V, materialized?: Materialized<K, V>, named?: Named): KTable<K, V> {
    requireFunction(reducer, 'reduce', 'reducer')
    return this.build<V>(
      'KSTREAM-REDUCE-',
      'KSTREAM-REDUCE-',
      materialized,
      named,
      this.valueSerde,
      (storeName, flag) => () => new StreamAggregateProcessor<K, V, V>(storeName, flag, null, (_k, v, agg) => reducer(agg, v)),
    )
  }

  aggregate<VA>(initializer: () => VA, aggregator: (key: K, value: V, aggregate: VA) => VA, materialized?: Materialized<K, VA>, named?: Named): KTable<K, VA> {
    requireFunction(initializer, 'aggregate', 'initializer')
    requireFunction(aggregator, 'aggregate', 'aggregator')
    return this.build<VA>(
      'KSTREAM-AGGREGATE-',
      'KSTREAM-AGGREGATE-',
      materialized,
      named,
      null,
      (storeName, flag) => () => new StreamAggregateProcessor<K, V, VA>(storeName, flag, initializer, aggregator),
    )
  }

  /** Cogroup (KIP-150): this stream and others added with `CogroupedKStream.cogroup` update one shared aggregate. */
  cogroup<VA>(aggregator: (key: K, value: V, aggregate: VA) => VA): CogroupedKStream<K, VA> {
    requireFunction(aggregator, 'cogroup', 'aggregator')
    return new CogroupedKStream<K, VA>(this, aggregator)
  }

  /**
   * Beyond Kafka Streams: the approximate number of distinct items per key (HyperLogLog++, about
   * 0.8 % standard error), e.g. unique visitors per page. `mapper` gives a record's item (string or
   * Buffer; null skips the record). The store holds one sketch per key; the table and interactive
   * queries see the estimates.
   */
  approximateCountDistinct(mapper: DistinctItemMapper<K, V>, materialized?: Materialized<K, number>): KTable<K, number> {
    return groupedCountDistinct(this, mapper, materialized)
  }

  /** Windowed aggregations: by time (tumbling, hopping, sliding) or into sessions (topology/windows). */
  windowedBy(windows: TimeWindows | SlidingWindows): TimeWindowedKStream<K, V>
  windowedBy(windows: SessionWindows): SessionWindowedKStream<K, V>
  windowedBy(windows: TimeWindows | SlidingWindows | SessionWindows): TimeWindowedKStream<K, V> | SessionWindowedKStream<K, V> {
    return windowedBy(this, windows)
  }

  /**
   * The source this aggregation reads from: this stream, or a repartition topic. Windowed and
   * session aggregations (topology/windows) use it too.
   */
  repartitionIfRequired(storeName: string): { parent: string; sourceNodes: ReadonlySet<string> } {
    if (!this.repartitionRequired) return { parent: this.name, sourceNodes: this.sourceNodes }
    if (this.groupedName !== null && this.sharedRepartitionSource !== null) {
      return { parent: this.sharedRepartitionSource, sourceNodes: new Set([this.sharedRepartitionSource]) }
    }
    const source = createRepartitionedSource(this.builder, {
      prefix: this.groupedName ?? storeName,
      parent: this.name,
      keySerde: this.keySerde,
      valueSerde: this.valueSerde,
    })
    if (this.groupedName !== null) this.sharedRepartitionSource = source
    return { parent: source, sourceNodes: new Set([source]) }
  }

  private build<VA>(
    storePrefix: string,
    processorPrefix: string,
    materialized: Materialized<K, VA> | undefined,
    named: Named | undefined,
    defaultValueSerde: AnySerde<any> | null,
    supplier: (storeName: string, flag: SendOldValuesFlag) => () => StreamAggregateProcessor<K, V, VA>,
  ): KTable<K, VA> {
    const builder = this.builder
    const storeName = materialized?.storeName ?? builder.newStoreName(storePrefix)
    const name = nameOf(named, builder, processorPrefix)
    const { parent, sourceNodes } = this.repartitionIfRequired(storeName)
    const keySerde = (materialized?.keySerde as AnySerde<K> | null) ?? this.keySerde
    const valueSerde = (materialized?.valueSerde as AnySerde<VA> | null) ?? (defaultValueSerde as AnySerde<VA> | null)
    const flag: SendOldValuesFlag = { sendOldValues: false }
    builder.addProcessor(name, supplier(storeName, flag), parent)
    builder.addStateStore(keyValueStoreBuilder(storeName, materialized, keySerde, valueSerde), name)
    const queryable = materialized?.storeName ? storeName : null
    const source = new StoreValueSource<K, VA>(storeName, flag, versionedHistoryRetention(materialized))
    return new KTable<K, VA>(builder, name, keySerde, valueSerde, sourceNodes, queryable, source)
  }
}
