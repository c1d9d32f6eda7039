import type { ValueAndTimestamp } from '../../stores/key-value.js'
import type { MaybePromise } from '../../stores/maybe-promise.js'
import type { StateStore } from '../../stores/state-store.js'
import type { StoreBuilder } from '../../stores/store-builder.js'
import type { InternalTopologyBuilder } from '../internals/internal-topology-builder.js'
import type { ProcessorContext } from '../processor/processor.js'
import type { SendOldValuesFlag, TableSourceState } from './processors/table-processors.js'

/**
 * Reads a table's current value for a key (Kafka Streams' KTableValueGetter); a versioned table
 * also answers as of a timestamp.
 */
export type ValueGetter<K, V> = (key: K, asOfTimestamp?: number) => MaybePromise<ValueAndTimestamp<V> | null>

/** Makes a table's value getter in a task; `storeNames` must be connected to the processor using it. */
export interface ValueGetterSupplier<K, V> {
  readonly storeNames: string[]
  /** the values come from a versioned store: getters answer as-of lookups */
  readonly versioned?: boolean
  get(ctx: ProcessorContext<any, any>): ValueGetter<K, V>
}

/**
 * What a KTable's node can do for operators downstream of it: send old values (KGroupedTable,
 * joins), and give point lookups of its current values (joins). Either may materialize a
 * source table that was not materialized yet, as Kafka Streams.
 */
export interface TableValueSource<K, V> {
  /** Returns whether old values will be sent; `force` materializes a source table if needed. */
  enableSendingOldValues(force: boolean): boolean
  /** Whether updates carry old values (Kafka Streams' sendingOldValueEnabled); absent = they do not. */
  sendingOldValueEnabled?(): boolean
  valueGetterSupplier(): ValueGetterSupplier<K, V>
  /** Whether the table's values are versioned, without materializing anything. */
  isVersioned?(): boolean
  /** The history retention of the versioned store the values come from (null if not versioned). */
  historyRetention?(): number | null
}

/** A versioned store's getter: its VersionedRecord seen as ValueAndTimestamp. */
function versionedStoreGetter<K, V>(storeName: string): ValueGetterSupplier<K, V> {
  type Versioned = { get(key: K, asOf?: number): Promise<{ value: V; timestamp: number } | null> }
  return {
    storeNames: [storeName],
    versioned: true,
    get(ctx) {
      const store = ctx.getStateStore(storeName) as unknown as Versioned
      return async (key, asOf) => {
        const r = await store.get(key, asOf)
        return r === null ? null : { value: r.value, timestamp: r.timestamp }
      }
    },
  }
}

function storeGetter<K, V>(storeName: string): ValueGetterSupplier<K, V> {
  return {
    storeNames: [storeName],
    get(ctx) {
      const store = ctx.getStateStore(storeName) as unknown as { get(key: K): MaybePromise<ValueAndTimestamp<V> | null> }
      return (key) => store.get(key)
    },
  }
}

/** builder.table() and toTable(): materialized on demand. */
export class SourceValueSource<K, V> implements TableValueSource<K, V> {
  constructor(
    private readonly builder: InternalTopologyBuilder,
    private readonly processorName: string,
    readonly state: TableSourceState,
    private readonly storeBuilder: () => StoreBuilder<StateStore>,
  ) {}

  materialize(): void {
    if (this.state.materialized) return
    this.state.materialized = true
    this.builder.addStateStore(this.storeBuilder(), this.processorName)
  }

  enableSendingOldValues(force: boolean): boolean {
    if (!this.state.materialized) {
      if (!force) return false
      this.materialize()
    }
    this.state.sendOldValues = true
    return true
  }

  sendingOldValueEnabled(): boolean {
    return this.state.sendOldValues
  }

  valueGetterSupplier(): ValueGetterSupplier<K, V> {
    this.materialize()
    return this.state.versioned ? versionedStoreGetter(this.state.storeName) : storeGetter(this.state.storeName)
  }

  isVersioned(): boolean {
    return this.state.versioned === true
  }

  historyRetention(): number | null {
    if (!this.state.versioned) return null
    return (this.storeBuilder() as unknown as { historyRetention: number }).historyRetention
  }
}

/**
 * Aggregation results and materialized filter / mapValues: always in a store, versioned when the
 * Materialized carried a versioned supplier (then `historyRetention` is its history retention).
 */
export class StoreValueSource<K, V> implements TableValueSource<K, V> {
  constructor(
    private readonly storeName: string,
    private readonly flag: SendOldValuesFlag,
    private readonly versionedHistoryRetention: number | null = null,
  ) {}
  enableSendingOldValues(): boolean {
    this.flag.sendOldValues = true
    return true
  }
  sendingOldValueEnabled(): boolean {
    return this.flag.sendOldValues
  }
  valueGetterSupplier(): ValueGetterSupplier<K, V> {
    return this.versionedHistoryRetention !== null ? versionedStoreGetter(this.storeName) : storeGetter(this.storeName)
  }
  isVersioned(): boolean {
    return this.versionedHistoryRetention !== null
  }
  historyRetention(): number | null {
    return this.versionedHistoryRetention
  }
}

/** filter / filterNot / mapValues: computed from the parent's values. */
export class DerivedValueSource<K, VP, V> implements TableValueSource<K, V> {
  constructor(
    private readonly parent: TableValueSource<K, VP>,
    private readonly flag: SendOldValuesFlag,
    /** the node's function on one value; null = absent */
    private readonly compute: (key: K, value: VP) => V | null,
    /** set by a Materialized without a store name: Kafka Streams then takes the output as not versioned */
    private readonly outputVersioned: boolean | null = null,
  ) {}
  /** Unmaterialized, a derived table reads through its parent, versioned or not. */
  isVersioned(): boolean {
    return this.outputVersioned ?? this.parent.isVersioned?.() === true
  }
  historyRetention(): number | null {
    return this.parent.historyRetention?.() ?? null
  }
  enableSendingOldValues(force: boolean): boolean {
    const sent = this.parent.enableSendingOldValues(force)
    if (sent) this.flag.sendOldValues = true
    return sent
  }
  sendingOldValueEnabled(): boolean {
    return this.flag.sendOldValues
  }
  valueGetterSupplier(): ValueGetterSupplier<K, V> {
    const parent = this.parent.valueGetterSupplier()
    const compute = this.compute
    return {
      storeNames: parent.storeNames,
      versioned: parent.versioned,
      get(ctx) {
        const getParent = parent.get(ctx)
        const apply = (key: K, vt: ValueAndTimestamp<VP> | null): ValueAndTimestamp<V> | null => {
          if (vt === null) return null
          const value = compute(key, vt.value)
          return value === null ? null : { value, timestamp: vt.timestamp }
        }
        return (key, asOf) => {
          const vt = getParent(key, asOf)
          return vt instanceof Promise ? vt.then((v) => apply(key, v)) : apply(key, vt)
        }
      },
    }
  }
}
