import type { KGroupedStream } from '../dsl/kgrouped-stream.js'
import { KTable } from '../dsl/ktable.js'
import { requireFunction } from '../dsl/kstream.js'
import { timestampedKeyValueStoreBuilder, syncSerde } from '../dsl/materialize.js'
import type { SendOldValuesFlag } from '../dsl/processors/table-processors.js'
import { StoreValueSource } from '../dsl/table-value-sources.js'
import type { Materialized } from '../options/materialized.js'
import { Serdes } from '../serdes/serdes.js'
import type { AnySerde } from '../serdes/serde.js'
import type { WindowAggregateOutput } from '../windows/aggregate-output.js'
import { SessionWindowAggregator } from '../windows/session-window-aggregator.js'
import type { SessionWindows } from '../windows/session-windows.js'
import { SlidingWindowAggregator } from '../windows/sliding-window-aggregator.js'
import { SlidingWindows } from '../windows/sliding-windows.js'
import { TimeWindowAggregator } from '../windows/time-window-aggregator.js'
import type { TimeWindows } from '../windows/time-windows.js'
import type { Windowed } from '../windows/window.js'
import { timeWindowLayout } from '../windows/time-window-layout.js'
import { sessionStoreBuilder, timestampedWindowStoreBuilder, windowRetention } from '../windows/window-stores.js'
import { buildWindowedAggregation, type LateRecordsHandler } from '../windows/windowed-aggregation.js'
import type { WindowAggregatorCore } from '../windows/windowed-aggregate-processor.js'
import { SessionWindowedSerde, TimeWindowedSerde } from '../windows/windowed-serdes.js'
import { SessionStoreValueSource, WindowStoreValueSource } from '../windows/windowed-value-sources.js'
import { CountDistinctProcessor } from './count-distinct-processor.js'
import { itemOf, type DistinctItemMapper } from './distinct-item.js'
import { HyperLogLog, type DistinctItem } from './hyperloglog.js'
import { ESTIMATE_SERDE } from './sketch-serdes.js'
import { sessionSketchView, windowSketchView } from './sketch-store-views.js'

// approximateCountDistinct on grouped, time-windowed and session-windowed streams. The store
// holds one HyperLogLog sketch per key (or window, or session) and answers its estimate to every
// reader; the processor updates the sketches through a view of the same bytes. The result table
// carries the estimates (Serdes.Long() unless the Materialized gives a value serde).

const PREFIX = 'KSTREAM-AGGREGATE-'
const OPERATOR = 'approximateCountDistinct'

const empty = (): HyperLogLog => HyperLogLog.empty()
const addItem = (_key: unknown, item: DistinctItem, sketch: HyperLogLog): HyperLogLog => sketch.add(item)
const union = (_key: unknown, a: HyperLogLog, b: HyperLogLog): HyperLogLog => a.merge(b)

/** The store's Materialized: the user's supplier, caching and logging, with the sketch store's value serde. */
function storeMaterialized(materialized: Materialized<any, number> | undefined): Materialized<any, any> | null {
  return materialized ? materialized.withValueSerde(ESTIMATE_SERDE) : null
}

/** The results table's value serde: the Materialized's, else Long (estimates are whole numbers). */
function tableValueSerde(materialized: Materialized<any, number> | undefined): AnySerde<number> {
  return (materialized?.valueSerde as AnySerde<number> | null) ?? Serdes.Long()
}

export function groupedCountDistinct<K, V>(
  grouped: KGroupedStream<K, V>,
  mapper: DistinctItemMapper<K, V>,
  materialized?: Materialized<K, number>,
): KTable<K, number> {
  requireFunction(mapper, OPERATOR, 'mapper')
  const builder = grouped.builder
  const storeName = materialized?.storeName ?? builder.newStoreName(PREFIX)
  const name = builder.newProcessorName(PREFIX)
  const { parent, sourceNodes } = grouped.repartitionIfRequired(storeName)
  const keySerde = (materialized?.keySerde as AnySerde<K> | null) ?? grouped.keySerde
  const flag: SendOldValuesFlag = { sendOldValues: false }
  builder.addProcessor(name, () => new CountDistinctProcessor<K, V>(storeName, flag, mapper), parent)
  builder.addStateStore(timestampedKeyValueStoreBuilder(storeName, storeMaterialized(materialized), keySerde, ESTIMATE_SERDE), name)
  const queryable = materialized?.storeName ? storeName : null
  return new KTable<K, number>(builder, name, keySerde, tableValueSerde(materialized), sourceNodes, queryable, new StoreValueSource<K, number>(storeName, flag))
}

/** Hands the windowed cores' sketches downstream as estimates. */
function estimates<K>(out: WindowAggregateOutput<K, number>): WindowAggregateOutput<K, HyperLogLog> {
  return {
    forward: (key, newValue, oldValue, timestamp) => out.forward(key, newValue === null ? null : newValue.estimate(), oldValue === null ? null : oldValue.estimate(), timestamp),
    late: (info) => out.late(info),
  }
}

/** Maps each record to its item before the core; a null item skips the record. */
function itemsInto<K, V>(mapper: DistinctItemMapper<K, V>, core: WindowAggregatorCore<K, DistinctItem>): WindowAggregatorCore<K, V> {
  return {
    get streamTime() {
      return core.streamTime
    },
    set streamTime(t: number) {
      core.streamTime = t
    },
    process(key, value, timestamp) {
      const item = itemOf(mapper, key, value)
      return item === null ? undefined : core.process(key, item, timestamp)
    },
  }
}

export function timeWindowedCountDistinct<K, V>(
  grouped: KGroupedStream<K, V>,
  windows: TimeWindows | SlidingWindows,
  lateRecords: LateRecordsHandler<K, V> | null,
  mapper: DistinctItemMapper<K, V>,
  materialized?: Materialized<K, number>,
): KTable<Windowed<K>, number> {
  requireFunction(mapper, OPERATOR, 'mapper')
  const layout = timeWindowLayout(windows)
  const { sliding, windowSize } = layout
  return buildWindowedAggregation<K, V, number>({
    grouped,
    processorPrefix: PREFIX,
    materialized,
    named: undefined,
    defaultValueSerde: Serdes.Long(),
    lateRecords,
    timestampedStore: true,
    skipNullValues: true,
    closeDelayMs: layout.closeDelayMs,
    makeCore: (store, out) => {
      const sketches = windowSketchView<K>(store)
      const core = windows instanceof SlidingWindows
        ? new SlidingWindowAggregator<K, DistinctItem, HyperLogLog>(windows, sketches, empty, addItem, estimates(out))
        : new TimeWindowAggregator<K, DistinctItem, HyperLogLog>(windows, sketches, empty, addItem, estimates(out))
      return itemsInto(mapper, core)
    },
    storeBuilder: (storeName, keySerde) => {
      const retention = layout.retention(storeName, materialized)
      return timestampedWindowStoreBuilder(storeName, storeMaterialized(materialized), keySerde, syncSerde(ESTIMATE_SERDE), retention, windowSize)
    },
    windowedKeySerde: (keySerde) => new TimeWindowedSerde(keySerde, Math.max(1, windowSize)),
    valueSource: (storeName, flag) => new WindowStoreValueSource<K, number>(storeName, flag),
  })
}

export function sessionWindowedCountDistinct<K, V>(
  grouped: KGroupedStream<K, V>,
  windows: SessionWindows,
  lateRecords: LateRecordsHandler<K, V> | null,
  mapper: DistinctItemMapper<K, V>,
  materialized?: Materialized<K, number>,
): KTable<Windowed<K>, number> {
  requireFunction(mapper, OPERATOR, 'mapper')
  return buildWindowedAggregation<K, V, number>({
    grouped,
    processorPrefix: PREFIX,
    materialized,
    named: undefined,
    defaultValueSerde: Serdes.Long(),
    lateRecords,
    timestampedStore: false,
    skipNullValues: true,
    closeDelayMs: windows.graceMs + windows.gapMs + 1,
    makeCore: (store, out) =>
      itemsInto(mapper, new SessionWindowAggregator<K, DistinctItem, HyperLogLog>(windows, sessionSketchView<K>(store), empty, addItem, union, estimates(out))),
    storeBuilder: (storeName, keySerde) => {
      const retention = windowRetention(storeName, materialized, windows.gapMs + windows.graceMs, 'the inactivity gap plus the grace period')
      return sessionStoreBuilder(storeName, storeMaterialized(materialized), keySerde, syncSerde(ESTIMATE_SERDE), retention)
    },
    windowedKeySerde: (keySerde) => new SessionWindowedSerde(keySerde),
    valueSource: (storeName, flag) => new SessionStoreValueSource<K, number>(storeName, flag),
  })
}
