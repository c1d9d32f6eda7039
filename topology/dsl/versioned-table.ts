// Tables materialized in a versioned store (KIP-889): `builder.table(topic, consumed,
// Materialized.as(Stores.persistentVersionedKeyValueStore(name, historyMs)))` and `toTable`.
import type { StateStore } from '../../stores/state-store.js'
import type { StoreBuilder } from '../../stores/store-builder.js'
import { Stores } from '../../stores/stores.js'
import { isVersionedSupplier, PUT_RETURN_CODE_NOT_PUT, PUT_RETURN_CODE_VALID_TO_UNDEFINED, type VersionedKeyValueStore } from '../../stores/versioned/versioned-store.js'
import type { InternalProcessorContext } from '../internals/processor-node.js'
import type { Materialized } from '../options/materialized.js'
import type { Processor, ProcessorContext } from '../processor/processor.js'
import type { Record } from '../processor/record.js'
import type { AnySerde } from '../serdes/serde.js'
import type { Change } from './change.js'
import { syncSerde, timestampedKeyValueStoreBuilder } from './materialize.js'
import { TableSourceProcessor, type TableSourceState } from './processors/table-processors.js'

/** Whether a Materialized names a versioned store supplier. */
export function isVersionedMaterialized(materialized: Materialized<any, any> | null | undefined): boolean {
  return isVersionedSupplier(materialized?.storeSupplier)
}

/**
 * The store of a source table: versioned when the Materialized carries a versioned supplier
 * (no caching, as Kafka Streams), else the timestamped key-value store.
 */
export function tableSourceStoreBuilder(
  storeName: string,
  materialized: Materialized<any, any> | null | undefined,
  keySerde: AnySerde<any> | null,
  valueSerde: AnySerde<any> | null,
): StoreBuilder<StateStore> {
  const supplier = materialized?.storeSupplier
  if (!isVersionedSupplier(supplier)) return timestampedKeyValueStoreBuilder(storeName, materialized, keySerde, valueSerde)
  const builder = Stores.versionedKeyValueStoreBuilder(supplier, syncSerde(materialized?.keySerde ?? keySerde), syncSerde(materialized?.valueSerde ?? valueSerde))
  if (materialized && !materialized.loggingEnabled) builder.withLoggingDisabled()
  else builder.withLoggingEnabled(materialized?.logConfig ?? {})
  return builder
}

/** The processor of a source table: versioned or not, as its state says. */
export function tableSourceProcessor<K, V>(state: TableSourceState, nodeName: string): Processor<K, V, K, Change<V>> {
  return state.versioned ? new VersionedTableSourceProcessor<K, V>(state) : new TableSourceProcessor<K, V>(state, nodeName)
}

/**
 * Kafka Streams' KTableSource over a versioned store: each record is put as a version at its
 * timestamp. A put past the history retention is dropped and forwards nothing; an out-of-order
 * put (older than the latest version) is stored and forwarded with `isLatest: false`, so
 * operators that keep table state (groupBy, table-table joins) skip it. The old value sent
 * downstream is the latest version's, as Kafka Streams.
 */
export class VersionedTableSourceProcessor<K, V> implements Processor<K, V, K, Change<V>> {
  private ctx!: InternalProcessorContext<K, Change<V>>
  private store!: VersionedKeyValueStore<K, V>
  private sendOldValues = false

  constructor(private readonly state: TableSourceState) {}

  init(ctx: ProcessorContext<K, Change<V>>): void {
    this.ctx = ctx as InternalProcessorContext<K, Change<V>>
    this.sendOldValues = this.state.sendOldValues
    this.store = ctx.getStateStore(this.state.storeName) as unknown as VersionedKeyValueStore<K, V>
  }

  async process(record: Record<K, V>): Promise<void> {
    if (record.key === null || record.key === undefined) return // tables cannot hold a null key
    const old = this.sendOldValues ? await this.store.get(record.key) : null
    const value = record.value ?? null
    const code = await this.store.put(record.key, value, record.timestamp)
    if (code === PUT_RETURN_CODE_NOT_PUT) return
    const change: Change<V> = { newValue: value, oldValue: old === null ? null : old.value }
    if (code !== PUT_RETURN_CODE_VALID_TO_UNDEFINED) change.isLatest = false
    await this.ctx.forward({ key: record.key, value: change, timestamp: record.timestamp, headers: record.headers })
  }
}
