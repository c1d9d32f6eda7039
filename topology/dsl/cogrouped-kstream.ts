import type { Materialized } from '../options/materialized.js'
import type { Named } from '../options/named.js'
import type { AnySerde } from '../serdes/serde.js'
import { SessionWindows } from '../windows/session-windows.js'
import { SessionWindowedCogroupedKStream } from '../windows/session-windowed-cogrouped-kstream.js'
import { SlidingWindows } from '../windows/sliding-windows.js'
import { TimeWindowedCogroupedKStream } from '../windows/time-windowed-cogrouped-kstream.js'
import { TimeWindows } from '../windows/time-windows.js'
import { CogroupAggregateBuilder, COGROUP_AGGREGATE_NAME, namedAndMaterialized, type CogroupPatterns } from './cogroup-builder.js'
import type { KGroupedStream } from './kgrouped-stream.js'
import type { KTable } from './ktable.js'
import { requireFunction } from './kstream.js'
import { keyValueStoreBuilder } from './materialize.js'
import { versionedHistoryRetention } from './versioned-table.js'
import { StreamAggregateProcessor } from './processors/aggregate-processors.js'
import type { SendOldValuesFlag } from './processors/table-processors.js'
import { StoreValueSource } from './table-value-sources.js'

/**
 * Several grouped streams with the same key type aggregated into one result (Kafka Streams'
 * CogroupedKStream, KIP-150): each input brings its own aggregator, all of them update the same
 * aggregate in one shared store. Made by `KGroupedStream.cogroup`; add inputs with `cogroup`, then
 * `aggregate` (optionally after `windowedBy`). Records with a null key or value are skipped.
 */
export class CogroupedKStream<K = unknown, VA = unknown> {
  private readonly patterns: CogroupPatterns<K, VA> = new Map()
  private readonly aggregateBuilder: CogroupAggregateBuilder

  /** @internal Made by KGroupedStream.cogroup. */
  constructor(first: KGroupedStream<K, any>, aggregator: (key: K, value: any, aggregate: VA) => VA) {
    this.aggregateBuilder = new CogroupAggregateBuilder(first.builder)
    this.cogroup(first, aggregator)
  }

  /** Adds an input stream and its aggregator. Cogrouping the same stream again replaces its aggregator, as Kafka Streams. */
  cogroup<VIn>(groupedStream: KGroupedStream<K, VIn>, aggregator: (key: K, value: VIn, aggregate: VA) => VA): CogroupedKStream<K, VA> {
    if (groupedStream === null || groupedStream === undefined || typeof groupedStream.repartitionIfRequired !== 'function') {
      throw new TypeError('cogroup: the grouped stream must be a KGroupedStream')
    }
    requireFunction(aggregator, 'cogroup', 'aggregator')
    this.patterns.set(groupedStream, aggregator)
    return this
  }

  /** Windowed cogrouped aggregations: by time (tumbling, hopping, sliding) or into sessions. */
  windowedBy(windows: TimeWindows | SlidingWindows): TimeWindowedCogroupedKStream<K, VA>
  windowedBy(windows: SessionWindows): SessionWindowedCogroupedKStream<K, VA>
  windowedBy(windows: TimeWindows | SlidingWindows | SessionWindows): TimeWindowedCogroupedKStream<K, VA> | SessionWindowedCogroupedKStream<K, VA> {
    if (windows instanceof SessionWindows) return new SessionWindowedCogroupedKStream(this.patterns, this.aggregateBuilder, windows)
    if (windows instanceof TimeWindows || windows instanceof SlidingWindows) {
      return new TimeWindowedCogroupedKStream(this.patterns, this.aggregateBuilder, windows)
    }
    throw new TypeError(`cogroup windowedBy: expected TimeWindows, SlidingWindows or SessionWindows, got ${String(windows)}`)
  }

  /** The result table: one row per key, updated by every input's records. */
  aggregate(initializer: () => VA, materialized?: Materialized<K, VA>): KTable<K, VA>
  aggregate(initializer: () => VA, named: Named, materialized?: Materialized<K, VA>): KTable<K, VA>
  aggregate(initializer: () => VA, a?: Named | Materialized<K, VA>, b?: Materialized<K, VA>): KTable<K, VA> {
    requireFunction(initializer, 'aggregate', 'initializer')
    const { named, materialized } = namedAndMaterialized(a, b, 'aggregate')
    const builder = this.firstGrouped().builder
    const storeName = materialized?.storeName ?? builder.newStoreName(COGROUP_AGGREGATE_NAME)
    const keySerde = (materialized?.keySerde as AnySerde<K> | null) ?? this.firstGrouped().keySerde
    const valueSerde = (materialized?.valueSerde as AnySerde<VA> | null) ?? null
    const flag: SendOldValuesFlag = { sendOldValues: false }
    return this.aggregateBuilder.build<K, K, VA>(this.patterns, {
      storeName,
      named,
      store: keyValueStoreBuilder(storeName, materialized, keySerde, valueSerde),
      processor: (aggregator) => () => new StreamAggregateProcessor<K, unknown, VA>(storeName, flag, initializer, aggregator),
      keySerde,
      valueSerde,
      queryableStoreName: materialized?.storeName ? storeName : null,
      valueSource: new StoreValueSource<K, VA>(storeName, flag, versionedHistoryRetention(materialized)),
    })
  }

  private firstGrouped(): KGroupedStream<K, any> {
    return this.patterns.keys().next().value!
  }
}
