import { namedAndMaterialized, type CogroupAggregateBuilder, type CogroupPatterns } from '../dsl/cogroup-builder.js'
import type { KTable } from '../dsl/ktable.js'
import { requireFunction } from '../dsl/kstream.js'
import type { Materialized } from '../options/materialized.js'
import type { Named } from '../options/named.js'
import { SessionWindowAggregator } from './session-window-aggregator.js'
import type { SessionWindows } from './session-windows.js'
import type { Windowed } from './window.js'
import { sessionStoreBuilder, windowRetention } from './window-stores.js'
import { buildWindowedCogroup } from './windowed-cogroup.js'
import { SessionWindowedSerde } from './windowed-serdes.js'
import { SessionStoreValueSource } from './windowed-value-sources.js'

/**
 * A cogrouped stream windowed into sessions (Kafka Streams' SessionWindowedCogroupedKStream):
 * a record of any input joins, and may merge, the sessions of its key; merged sessions are
 * deleted (null values) and the merged one written, combining aggregates with `sessionMerger`.
 */
export class SessionWindowedCogroupedKStream<K = unknown, VA = unknown> {
  /** @internal Made by CogroupedKStream.windowedBy. */
  constructor(
    private readonly patterns: CogroupPatterns<K, VA>,
    private readonly aggregateBuilder: CogroupAggregateBuilder,
    readonly windows: SessionWindows,
  ) {}

  aggregate(initializer: () => VA, sessionMerger: (key: K, aggOne: VA, aggTwo: VA) => VA, materialized?: Materialized<K, VA>): KTable<Windowed<K>, VA>
  aggregate(
    initializer: () => VA,
    sessionMerger: (key: K, aggOne: VA, aggTwo: VA) => VA,
    named: Named,
    materialized?: Materialized<K, VA>,
  ): KTable<Windowed<K>, VA>
  aggregate(
    initializer: () => VA,
    sessionMerger: (key: K, aggOne: VA, aggTwo: VA) => VA,
    a?: Named | Materialized<K, VA>,
    b?: Materialized<K, VA>,
  ): KTable<Windowed<K>, VA> {
    requireFunction(initializer, 'aggregate', 'initializer')
    requireFunction(sessionMerger, 'aggregate', 'session merger')
    const { named, materialized } = namedAndMaterialized(a, b, 'aggregate')
    const windows = this.windows
    return buildWindowedCogroup<K, VA>({
      patterns: this.patterns,
      aggregateBuilder: this.aggregateBuilder,
      materialized,
      named,
      timestampedStore: false,
      skipNullValues: false,
      // As SessionWindowedKStream: inclusive ends, so a session closes once stream time passes end + gap + grace.
      closeDelayMs: windows.graceMs + windows.gapMs + 1,
      makeCore: (aggregator, store, out) => new SessionWindowAggregator<K, unknown, VA>(windows, store, initializer, aggregator, sessionMerger, out),
      storeBuilder: (storeName, keySerde, valueSerde) => {
        const retention = windowRetention(storeName, materialized, windows.gapMs + windows.graceMs, 'the inactivity gap plus the grace period')
        return sessionStoreBuilder(storeName, materialized, keySerde, valueSerde, retention)
      },
      windowedKeySerde: (keySerde) => new SessionWindowedSerde(keySerde),
      valueSource: (storeName, flag) => new SessionStoreValueSource<K, VA>(storeName, flag),
    })
  }
}
