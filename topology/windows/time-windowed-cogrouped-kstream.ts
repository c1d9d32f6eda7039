import { namedAndMaterialized, type CogroupAggregateBuilder, type CogroupPatterns } from '../dsl/cogroup-builder.js'
import type { KTable } from '../dsl/ktable.js'
import { requireFunction } from '../dsl/kstream.js'
import type { Materialized } from '../options/materialized.js'
import type { Named } from '../options/named.js'
import { SlidingWindowAggregator } from './sliding-window-aggregator.js'
import { SlidingWindows } from './sliding-windows.js'
import { TimeWindowAggregator } from './time-window-aggregator.js'
import type { TimeWindows } from './time-windows.js'
import type { Windowed } from './window.js'
import { timeWindowLayout } from './time-window-layout.js'
import { timestampedWindowStoreBuilder } from './window-stores.js'
import { buildWindowedCogroup } from './windowed-cogroup.js'
import { TimeWindowedSerde } from './windowed-serdes.js'
import { WindowStoreValueSource } from './windowed-value-sources.js'

/**
 * A cogrouped stream windowed by TimeWindows (tumbling/hopping) or SlidingWindows (Kafka Streams'
 * TimeWindowedCogroupedKStream): `aggregate` gives KTable<Windowed<K>, VA>, one row per key and
 * window, each input's aggregator updating the shared window store.
 */
export class TimeWindowedCogroupedKStream<K = unknown, VA = unknown> {
  /** @internal Made by CogroupedKStream.windowedBy. */
  constructor(
    private readonly patterns: CogroupPatterns<K, VA>,
    private readonly aggregateBuilder: CogroupAggregateBuilder,
    readonly windows: TimeWindows | SlidingWindows,
  ) {}

  aggregate(initializer: () => VA, materialized?: Materialized<K, VA>): KTable<Windowed<K>, VA>
  aggregate(initializer: () => VA, named: Named, materialized?: Materialized<K, VA>): KTable<Windowed<K>, VA>
  aggregate(initializer: () => VA, a?: Named | Materialized<K, VA>, b?: Materialized<K, VA>): KTable<Windowed<K>, VA> {
    requireFunction(initializer, 'aggregate', 'initializer')
    const { named, materialized } = namedAndMaterialized(a, b, 'aggregate')
    const windows = this.windows
    const layout = timeWindowLayout(windows)
    const { sliding, windowSize } = layout
    return buildWindowedCogroup<K, VA>({
      patterns: this.patterns,
      aggregateBuilder: this.aggregateBuilder,
      materialized,
      named,
      timestampedStore: true,
      skipNullValues: sliding,
      closeDelayMs: layout.closeDelayMs,
      makeCore: (aggregator, store, out) =>
        windows instanceof SlidingWindows
          ? new SlidingWindowAggregator<K, unknown, VA>(windows, store, initializer, aggregator, out)
          : new TimeWindowAggregator<K, unknown, VA>(windows, store, initializer, aggregator, out),
      storeBuilder: (storeName, keySerde, valueSerde) => {
        const retention = layout.retention(storeName, materialized)
        return timestampedWindowStoreBuilder(storeName, materialized, keySerde, valueSerde, retention, windowSize)
      },
      windowedKeySerde: (keySerde) => new TimeWindowedSerde(keySerde, Math.max(1, windowSize)),
      valueSource: (storeName, flag) => new WindowStoreValueSource<K, VA>(storeName, flag),
    })
  }
}
