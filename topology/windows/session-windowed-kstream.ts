import type { KGroupedStream } from '../dsl/kgrouped-stream.js'
import type { KTable } from '../dsl/ktable.js'
import { requireFunction } from '../dsl/kstream.js'
import type { Materialized } from '../options/materialized.js'
import type { Named } from '../options/named.js'
import { Serdes } from '../serdes/serdes.js'
import type { AnySerde } from '../serdes/serde.js'
import { sessionWindowsReader } from './closed-window-readers.js'
import { EmitStrategy, requireEmitStrategy } from './emit-strategy.js'
import { sessionWindowedCountDistinct } from '../sketches/count-distinct.js'
import type { DistinctItemMapper } from '../sketches/distinct-item.js'
import { SessionWindowAggregator } from './session-window-aggregator.js'
import { SessionWindows } from './session-windows.js'
import type { Windowed } from './window.js'
import { sessionStoreBuilder, windowRetention } from './window-stores.js'
import { SessionWindowedSerde } from './windowed-serdes.js'
import { SessionStoreValueSource } from './windowed-value-sources.js'
import { buildWindowedAggregation, type LateRecordsHandler } from './windowed-aggregation.js'

/**
 * A grouped stream windowed into sessions. Aggregations return KTable<Windowed<K>, VA> with one
 * row per session; when a record merges sessions, the merged ones are deleted (null values) and
 * the merged session is written.
 */
export class SessionWindowedKStream<K = unknown, V = unknown> {
  constructor(
    private readonly grouped: KGroupedStream<K, V>,
    readonly windows: SessionWindows,
    private readonly lateRecords: LateRecordsHandler<K, V> | null = null,
    private readonly emit: EmitStrategy = EmitStrategy.onWindowUpdate(),
  ) {
    if (!(windows instanceof SessionWindows)) throw new TypeError('windowedBy: expected SessionWindows')
  }

  /** Beyond Kafka Streams: a KStream of the records dropped as late; see TimeWindowedKStream.withLateRecords. */
  withLateRecords(handler: LateRecordsHandler<K, V>): SessionWindowedKStream<K, V> {
    requireFunction(handler, 'withLateRecords', 'handler')
    return new SessionWindowedKStream(this.grouped, this.windows, handler, this.emit)
  }

  /** When results are emitted (KIP-825): on every update (the default) or once per session when it closes. */
  emitStrategy(strategy: EmitStrategy): SessionWindowedKStream<K, V> {
    return new SessionWindowedKStream(this.grouped, this.windows, this.lateRecords, requireEmitStrategy(strategy, 'SessionWindowedKStream'))
  }

  count(materialized?: Materialized<K, number>, named?: Named): KTable<Windowed<K>, number> {
    return this.build<number>('KSTREAM-AGGREGATE-', materialized, named, Serdes.Long(), () => 0, (_k, _v, agg) => agg + 1, (_k, a, b) => a + b, false)
  }

  reduce(reducer: (aggregate: V, value: V) => V, materialized?: Materialized<K, V>, named?: Named): KTable<Windowed<K>, V> {
    requireFunction(reducer, 'reduce', 'reducer')
    const combine = (agg: V | null, v: V): V => (agg === null ? v : reducer(agg, v))
    return this.build<V>(
      'KSTREAM-REDUCE-',
      materialized,
      named,
      this.grouped.valueSerde,
      () => null as V,
      (_k, v, agg) => combine(agg, v),
      (_k, a, b) => combine(a, b),
      true,
    )
  }

  aggregate<VA>(
    initializer: () => VA,
    aggregator: (key: K, value: V, aggregate: VA) => VA,
    sessionMerger: (key: K, aggOne: VA, aggTwo: VA) => VA,
    materialized?: Materialized<K, VA>,
    named?: Named,
  ): KTable<Windowed<K>, VA> {
    requireFunction(initializer, 'aggregate', 'initializer')
    requireFunction(aggregator, 'aggregate', 'aggregator')
    requireFunction(sessionMerger, 'aggregate', 'session merger')
    return this.build<VA>('KSTREAM-AGGREGATE-', materialized, named, null, initializer, aggregator, sessionMerger, false)
  }

  /** Beyond Kafka Streams: approximate distinct items per session; merged sessions merge their sketches. */
  approximateCountDistinct(mapper: DistinctItemMapper<K, V>, materialized?: Materialized<K, number>): KTable<Windowed<K>, number> {
    return sessionWindowedCountDistinct(this.grouped, this.windows, this.lateRecords, mapper, materialized)
  }

  private build<VA>(
    prefix: string,
    materialized: Materialized<K, VA> | undefined,
    named: Named | undefined,
    defaultValueSerde: AnySerde<VA> | null,
    initializer: () => VA,
    aggregator: (key: K, value: V, aggregate: VA) => VA,
    merger: (key: K, a: VA, b: VA) => VA,
    skipNullValues: boolean,
  ): KTable<Windowed<K>, VA> {
    const windows = this.windows
    return buildWindowedAggregation<K, V, VA>({
      grouped: this.grouped,
      processorPrefix: prefix,
      materialized,
      named,
      defaultValueSerde,
      lateRecords: this.lateRecords,
      timestampedStore: false,
      skipNullValues,
      // Inclusive ends: a session ending at e still merges records until stream time passes e + gap + grace.
      closeDelayMs: windows.graceMs + windows.gapMs + 1,
      makeCore: (store, out) => new SessionWindowAggregator<K, V, VA>(windows, store, initializer, aggregator, merger, out),
      storeBuilder: (storeName, keySerde, valueSerde) => {
        const retention = windowRetention(storeName, materialized, windows.gapMs + windows.graceMs, 'the inactivity gap plus the grace period')
        return sessionStoreBuilder(storeName, materialized, keySerde, valueSerde, retention)
      },
      windowedKeySerde: (keySerde) => new SessionWindowedSerde(keySerde),
      valueSource: (storeName, flag) => new SessionStoreValueSource<K, VA>(storeName, flag),
      emitFinal: this.emit.type === 'ON_WINDOW_CLOSE' ? sessionWindowsReader<K, VA>(windows) : null,
    })
  }
}
