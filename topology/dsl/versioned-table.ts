// Tables materialized in a versioned store (KIP-889): `builder.table(topic, consumed,
// Materialized.as(Stores.persistentVersionedKeyValueStore(name, historyMs)))` and `toTable`.
import { isVersionedSupplier, PUT_RETURN_CODE_NOT_PUT, PUT_RETURN_CODE_VALID_TO_UNDEFINED, type VersionedKeyValueStore } from '../../stores/versioned/versioned-store.js'
import type { InternalProcessorContext } from '../internals/processor-node.js'
import type { Materialized } from '../options/materialized.js'
import type { Processor, ProcessorContext } from '../processor/processor.js'
import type { Record } from '../processor/record.js'
import type { Change } from './change.js'
import { DerivedValueSource, type TableValueSource } from './table-value-sources.js'
import { TopologyError } from '../internals/topology-error.js'
import type { InternalTopologyBuilder } from '../internals/internal-topology-builder.js'
import { TableSourceProcessor, type TableSourceState } from './processors/table-processors.js'

/** Whether a Materialized names a versioned store supplier. */
export function isVersionedMaterialized(materialized: Materialized<any, any> | null | undefined): boolean {
  return isVersionedSupplier(materialized?.storeSupplier)
}

/**
 * Kafka Streams refuses suppress() on a versioned table (KIP-914): at once when the table itself
 * is materialized versioned, when the topology is built when it inherits versioning from upstream
 * (an unmaterialized filter or mapValues of a versioned table).
 */
export function refuseSuppressOfVersioned(table: { name: string; queryableStoreName: string | null; valueSource: TableValueSource<any, any>; builder: InternalTopologyBuilder }): void {
  const source = table.valueSource
  if (source instanceof DerivedValueSource) {
    table.builder.buildChecks.push(() => {
      if (!source.isVersioned()) return
      throw new TopologyError(
        `suppress() is only supported for non-versioned KTables (note that version semantics might be inherited from upstream): ` +
          `table ${table.name} reads a versioned table upstream`,
      )
    })
    return
  }
  if (source.isVersioned?.() !== true) return
  const store = table.queryableStoreName === null ? '' : ` (store '${table.queryableStoreName}')`
  throw new TopologyError(`suppress() is only supported for non-versioned KTables: table ${table.name}${store} is versioned`)
}

/** The history retention of a Materialized's versioned supplier; null when it is not versioned. */
export function versionedHistoryRetention(materialized: Materialized<any, any> | null | undefined): number | null {
  const supplier = materialized?.storeSupplier
  return isVersionedSupplier(supplier) ? supplier.historyRetention : null
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
