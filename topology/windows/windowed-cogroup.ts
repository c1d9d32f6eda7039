import type { Serde } from '../../stores/serde.js'
import type { StateStore } from '../../stores/state-store.js'
import type { StoreBuilder } from '../../stores/store-builder.js'
import { COGROUP_AGGREGATE_NAME, type CogroupAggregateBuilder, type CogroupAggregator, type CogroupPatterns } from '../dsl/cogroup-builder.js'
import type { KGroupedStream } from '../dsl/kgrouped-stream.js'
import type { KTable } from '../dsl/ktable.js'
import { syncSerde } from '../dsl/materialize.js'
import type { SendOldValuesFlag } from '../dsl/processors/table-processors.js'
import type { TableValueSource } from '../dsl/table-value-sources.js'
import type { Materialized } from '../options/materialized.js'
import type { Named } from '../options/named.js'
import type { AnySerde } from '../serdes/serde.js'
import type { WindowAggregateOutput } from './aggregate-output.js'
import { registerWindowCloseDelay } from './window-grace.js'
import type { Windowed } from './window.js'
import { WindowedAggregateProcessor, type WindowAggregatorCore } from './windowed-aggregate-processor.js'

export interface WindowedCogroupSpec<K, VA> {
  patterns: CogroupPatterns<K, VA>
  aggregateBuilder: CogroupAggregateBuilder
  materialized: Materialized<any, any> | undefined
  named: Named | undefined
  timestampedStore: boolean
  skipNullValues: boolean
  closeDelayMs: number
  /** The aggregation core of one input, bound to the shared store. */
  makeCore(aggregator: CogroupAggregator<K, VA>, store: any, out: WindowAggregateOutput<K, VA>): WindowAggregatorCore<K, unknown>
  storeBuilder(storeName: string, keySerde: Serde<K>, valueSerde: Serde<VA>): StoreBuilder<StateStore>
  windowedKeySerde(keySerde: Serde<K>): Serde<Windowed<K>>
  valueSource(storeName: string, flag: SendOldValuesFlag): TableValueSource<Windowed<K>, VA>
}

/**
 * A windowed cogrouped aggregation: one WindowedAggregateProcessor per input over the shared
 * window or session store (Kafka Streams builds one KStreamWindowAggregate, sliding or session
 * aggregate per input the same way). Late records are dropped and counted, as Kafka Streams.
 */
export function buildWindowedCogroup<K, VA>(spec: WindowedCogroupSpec<K, VA>): KTable<Windowed<K>, VA> {
  const first: KGroupedStream<K, any> = spec.patterns.keys().next().value!
  const builder = first.builder
  const { materialized } = spec
  const storeName = materialized?.storeName ?? builder.newStoreName(COGROUP_AGGREGATE_NAME)
  const keySerde = (materialized?.keySerde as AnySerde<K> | null) ?? first.keySerde
  const valueSerde = (materialized?.valueSerde as AnySerde<VA> | null) ?? null
  const flag: SendOldValuesFlag = { sendOldValues: false }
  return spec.aggregateBuilder.build<K, Windowed<K>, VA>(spec.patterns, {
    storeName,
    named: spec.named,
    store: spec.storeBuilder(storeName, syncSerde(keySerde), syncSerde(valueSerde)),
    processor: (aggregator) => () =>
      new WindowedAggregateProcessor<K, unknown, VA>({
        storeName,
        makeCore: (store, out) => spec.makeCore(aggregator, store, out),
        timestampedStore: spec.timestampedStore,
        skipNullValues: spec.skipNullValues,
        sendOldValues: () => flag.sendOldValues,
        resultChild: null,
        lateChild: null,
      }),
    keySerde: spec.windowedKeySerde(syncSerde(keySerde)),
    valueSerde,
    queryableStoreName: materialized?.storeName ? storeName : null,
    valueSource: spec.valueSource(storeName, flag),
    onMerge: (mergeName) => registerWindowCloseDelay(builder, mergeName, spec.closeDelayMs),
  })
}
