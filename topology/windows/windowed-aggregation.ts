import type { Serde } from '../../stores/serde.js'
import type { StateStore } from '../../stores/state-store.js'
import type { StoreBuilder } from '../../stores/store-builder.js'
import type { KGroupedStream } from '../dsl/kgrouped-stream.js'
import { KStream, nameOf } from '../dsl/kstream.js'
import { KTable } from '../dsl/ktable.js'
import { syncSerde } from '../dsl/materialize.js'
import type { SendOldValuesFlag } from '../dsl/processors/table-processors.js'
import { PassThroughProcessor } from '../dsl/processors/stream-stateless.js'
import type { TableValueSource } from '../dsl/table-value-sources.js'
import type { Materialized } from '../options/materialized.js'
import type { Named } from '../options/named.js'
import type { AnySerde } from '../serdes/serde.js'
import type { WindowAggregateOutput } from './aggregate-output.js'
import { emitFinalStoreBuilder, emitFinalStoreName, type ClosedWindowReader } from './emit-final.js'
import { registerWindowCloseDelay } from './window-grace.js'
import type { Windowed } from './window.js'
import { WindowedAggregateProcessor, type WindowAggregatorCore } from './windowed-aggregate-processor.js'

/** Receives the stream of records a windowed aggregation dropped as late (beyond Kafka Streams). */
export type LateRecordsHandler<K, V> = (lateRecords: KStream<K, V>) => void

export interface WindowedAggregationSpec<K, V, VA> {
  grouped: KGroupedStream<K, V>
  processorPrefix: string
  materialized: Materialized<any, any> | undefined
  named: Named | undefined
  /** The value serde when the Materialized names none (count: Long). */
  defaultValueSerde: AnySerde<VA> | null
  lateRecords: LateRecordsHandler<K, V> | null
  timestampedStore: boolean
  skipNullValues: boolean
  /** Grace (plus gap for sessions): how long after a window's end its result is final (suppress). */
  closeDelayMs: number
  makeCore(store: any, out: WindowAggregateOutput<K, VA>): WindowAggregatorCore<K, V>
  storeBuilder(storeName: string, keySerde: Serde<K>, valueSerde: Serde<VA>): StoreBuilder<StateStore>
  windowedKeySerde(keySerde: Serde<K>): Serde<Windowed<K>>
  valueSource(storeName: string, flag: SendOldValuesFlag): TableValueSource<Windowed<K>, VA>
  /** EmitStrategy.onWindowClose(): how to read the closed windows back from the store; null emits updates. */
  emitFinal?: ClosedWindowReader<K, VA> | null
}

/**
 * Adds a windowed aggregation to the topology: its processor and window/session store, optionally a
 * late-records branch, and returns the result KTable<Windowed<K>, VA>.
 */
export function buildWindowedAggregation<K, V, VA>(spec: WindowedAggregationSpec<K, V, VA>): KTable<Windowed<K>, VA> {
  const { grouped, materialized } = spec
  const builder = grouped.builder
  const storeName = materialized?.storeName ?? builder.newStoreName(spec.processorPrefix)
  const name = nameOf(spec.named, builder, spec.processorPrefix)
  const { parent, sourceNodes } = grouped.repartitionIfRequired(storeName)
  const keySerde = (materialized?.keySerde as AnySerde<K> | null) ?? grouped.keySerde
  const valueSerde = (materialized?.valueSerde as AnySerde<VA> | null) ?? spec.defaultValueSerde
  const flag: SendOldValuesFlag = { sendOldValues: false }
  const emitFinal = spec.emitFinal ?? null
  const resultChild = spec.lateRecords ? builder.newProcessorName('KTABLE-WINDOWED-') : null
  const lateChild = spec.lateRecords ? builder.newProcessorName('KSTREAM-LATERECORDS-') : null

  builder.addProcessor(
    name,
    () =>
      new WindowedAggregateProcessor<K, V, VA>({
        storeName,
        makeCore: spec.makeCore,
        timestampedStore: spec.timestampedStore,
        skipNullValues: spec.skipNullValues,
        sendOldValues: () => flag.sendOldValues,
        resultChild,
        lateChild,
        emitFinal: emitFinal && { reader: emitFinal, metaStoreName: emitFinalStoreName(storeName) },
      }),
    parent,
  )
  const storeBuilder = spec.storeBuilder(storeName, syncSerde(keySerde), syncSerde(valueSerde))
  // final results are read from the store, never from cache flushes: the cache would only hold them back
  if (emitFinal) storeBuilder.withCachingDisabled()
  builder.addStateStore(storeBuilder, name)
  if (emitFinal) builder.addStateStore(emitFinalStoreBuilder(storeName, materialized), name)

  let tableNode = name
  if (resultChild !== null && lateChild !== null) {
    builder.addProcessor(resultChild, () => new PassThroughProcessor(), name)
    builder.addProcessor(lateChild, () => new PassThroughProcessor(), name)
    spec.lateRecords!(new KStream<K, V>(builder, lateChild, grouped.keySerde, grouped.valueSerde, sourceNodes, false))
    tableNode = resultChild
  }
  registerWindowCloseDelay(builder, tableNode, spec.closeDelayMs)
  const queryable = materialized?.storeName ? storeName : null
  return new KTable<Windowed<K>, VA>(
    builder,
    tableNode,
    spec.windowedKeySerde(syncSerde(keySerde)),
    valueSerde,
    sourceNodes,
    queryable,
    spec.valueSource(storeName, flag),
  )
}
