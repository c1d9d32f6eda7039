import type { Serde } from '../../stores/serde.js'
import type { KGroupedStream } from '../dsl/kgrouped-stream.js'
import type { KTable } from '../dsl/ktable.js'
import { requireFunction } from '../dsl/kstream.js'
import type { Materialized } from '../options/materialized.js'
import type { Named } from '../options/named.js'
import { Serdes } from '../serdes/serdes.js'
import type { AnySerde } from '../serdes/serde.js'
import { slidingWindowsReader, timeWindowsReader } from './closed-window-readers.js'
import { EmitStrategy, requireEmitStrategy } from './emit-strategy.js'
import { timeWindowedCountDistinct } from '../sketches/count-distinct.js'
import type { DistinctItemMapper } from '../sketches/distinct-item.js'
import { SlidingWindowAggregator } from './sliding-window-aggregator.js'
import { SlidingWindows } from './sliding-windows.js'
import { TimeWindowAggregator } from './time-window-aggregator.js'
import { TimeWindows } from './time-windows.js'
import type { Windowed } from './window.js'
import { timeWindowLayout } from './time-window-layout.js'
import { timestampedWindowStoreBuilder } from './window-stores.js'
import { TimeWindowedSerde } from './windowed-serdes.js'
import { WindowStoreValueSource } from './windowed-value-sources.js'
import { buildWindowedAggregation, type LateRecordsHandler } from './windowed-aggregation.js'

/**
 * A grouped stream windowed by TimeWindows (tumbling/hopping) or SlidingWindows. Aggregations
 * return KTable<Windowed<K>, VA>, one row per key and window, updated as records arrive; records
 * for windows already closed (stream time >= window end + grace) are dropped and counted, or
 * routed to `withLateRecords`.
 */
export class TimeWindowedKStream<K = unknown, V = unknown> {
  constructor(
    private readonly grouped: KGroupedStream<K, V>,
    readonly windows: TimeWindows | SlidingWindows,
    private readonly lateRecords: LateRecordsHandler<K, V> | null = null,
    private readonly emit: EmitStrategy = EmitStrategy.onWindowUpdate(),
  ) {
    if (!(windows instanceof TimeWindows) && !(windows instanceof SlidingWindows)) {
      throw new TypeError('windowedBy: expected TimeWindows, SlidingWindows or SessionWindows')
    }
  }

  /**
   * Beyond Kafka Streams: `handler` receives a KStream of the records this aggregation drops as
   * late (with their original key, value, timestamp and headers), to send them to a topic or
   * handle them otherwise. Returns a windowed stream whose aggregations use it.
   */
  withLateRecords(handler: LateRecordsHandler<K, V>): TimeWindowedKStream<K, V> {
    requireFunction(handler, 'withLateRecords', 'handler')
    return new TimeWindowedKStream(this.grouped, this.windows, handler, this.emit)
  }

  /** When results are emitted (KIP-825): on every update (the default) or once per window when it closes. */
  emitStrategy(strategy: EmitStrategy): TimeWindowedKStream<K, V> {
    return new TimeWindowedKStream(this.grouped, this.windows, this.lateRecords, requireEmitStrategy(strategy, 'TimeWindowedKStream'))
  }

  count(materialized?: Materialized<K, number>, named?: Named): KTable<Windowed<K>, number> {
    return this.build<number>('KSTREAM-AGGREGATE-', materialized, named, Serdes.Long(), () => 0, (_k, _v, agg) => agg + 1, false)
  }

  reduce(reducer: (aggregate: V, value: V) => V, materialized?: Materialized<K, V>, named?: Named): KTable<Windowed<K>, V> {
    requireFunction(reducer, 'reduce', 'reducer')
    return this.build<V>(
      'KSTREAM-REDUCE-',
      materialized,
      named,
      this.grouped.valueSerde,
      () => null as V,
      (_k, v, agg) => (agg === null ? v : reducer(agg, v)),
      true,
    )
  }

  aggregate<VA>(
    initializer: () => VA,
    aggregator: (key: K, value: V, aggregate: VA) => VA,
    materialized?: Materialized<K, VA>,
    named?: Named,
  ): KTable<Windowed<K>, VA> {
    requireFunction(initializer, 'aggregate', 'initializer')
    requireFunction(aggregator, 'aggregate', 'aggregator')
    return this.build<VA>('KSTREAM-AGGREGATE-', materialized, named, null, initializer, aggregator, false)
  }

  /** Beyond Kafka Streams: approximate distinct items per key and window (KGroupedStream.approximateCountDistinct). */
  approximateCountDistinct(mapper: DistinctItemMapper<K, V>, materialized?: Materialized<K, number>): KTable<Windowed<K>, number> {
    return timeWindowedCountDistinct(this.grouped, this.windows, this.lateRecords, mapper, materialized)
  }

  private build<VA>(
    prefix: string,
    materialized: Materialized<K, VA> | undefined,
    named: Named | undefined,
    defaultValueSerde: AnySerde<VA> | null,
    initializer: () => VA,
    aggregator: (key: K, value: V, aggregate: VA) => VA,
    skipNullValues: boolean,
  ): KTable<Windowed<K>, VA> {
    const windows = this.windows
    const layout = timeWindowLayout(windows)
    const { sliding, windowSize } = layout
    return buildWindowedAggregation<K, V, VA>({
      grouped: this.grouped,
      processorPrefix: prefix,
      materialized,
      named,
      defaultValueSerde,
      lateRecords: this.lateRecords,
      timestampedStore: true,
      // Kafka Streams aggregates null values into time windows, but not into sliding windows.
      skipNullValues: skipNullValues || sliding,
      closeDelayMs: layout.closeDelayMs,
      makeCore: (store, out) =>
        windows instanceof SlidingWindows
          ? new SlidingWindowAggregator<K, V, VA>(windows, store, initializer, aggregator, out)
          : new TimeWindowAggregator<K, V, VA>(windows, store, initializer, aggregator, out),
      storeBuilder: (storeName, keySerde, valueSerde) => {
        const retention = layout.retention(storeName, materialized)
        // Kafka Streams' emit-final window store keeps windows starting at stream time - retention,
        // one more than other window stores: the window closing right now is still there to emit
        const kept = this.emit.type === 'ON_WINDOW_CLOSE' ? retention + 1 : retention
        return timestampedWindowStoreBuilder(storeName, materialized, keySerde, valueSerde, kept, windowSize)
      },
      windowedKeySerde: (keySerde: Serde<K>) => new TimeWindowedSerde(keySerde, Math.max(1, windowSize)),
      valueSource: (storeName, flag) => new WindowStoreValueSource<K, VA>(storeName, flag),
      emitFinal: this.emit.type !== 'ON_WINDOW_CLOSE' ? null : windows instanceof SlidingWindows ? slidingWindowsReader<K, VA>(windows) : timeWindowsReader<K, VA>(windows),
    })
  }
}
