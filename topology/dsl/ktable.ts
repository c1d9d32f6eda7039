import type { KeyValue } from '../../stores/key-value.js'
import type { InternalTopologyBuilder } from '../internals/internal-topology-builder.js'
import type { Grouped } from '../options/grouped.js'
import type { Named } from '../options/named.js'
import type { AnySerde } from '../serdes/serde.js'
import { KGroupedTable } from './kgrouped-table.js'
import { KStream, nameOf, requireFunction } from './kstream.js'
import {
  TableFilterProcessor,
  TableMapValuesProcessor,
  TableRepartitionMapProcessor,
  TableToStreamProcessor,
  type SendOldValuesFlag,
} from './processors/table-processors.js'
import { DerivedValueSource, StoreValueSource, type TableValueSource, type ValueGetterSupplier } from './table-value-sources.js'
import { TableMaterializedTransformProcessor } from './processors/table-materialized-transform.js'
import { keyValueStoreBuilder } from './materialize.js'
import { refuseSuppressOfVersioned, versionedHistoryRetention } from './versioned-table.js'
import { Named as NamedClass } from '../options/named.js'
import type { Processor } from '../processor/processor.js'
import type { Change } from './change.js'

function splitArgs<K, V>(args: (Named | Materialized<K, V> | undefined)[]): { named?: Named; materialized?: Materialized<K, V> } {
  const out: { named?: Named; materialized?: Materialized<K, V> } = {}
  for (const a of args) {
    if (a === undefined || a === null) continue
    if (a instanceof NamedClass) out.named = a
    else out.materialized = a as Materialized<K, V>
  }
  return out
}
import { suppressTable } from '../suppress/ktable-suppress.js'
import type { Suppressed } from '../suppress/suppressed.js'
import type { Materialized } from '../options/materialized.js'
import { joinTable } from '../joins/join-dispatch.js'
import { foreignKeyJoin } from '../joins/foreign-key/fk-join.js'
import type { TableJoined } from '../options/table-joined.js'

/**
 * A changelog stream: the latest value per key. Updates flow between table nodes as
 * `Change { newValue, oldValue }`; old values are computed only when a downstream operator
 * asks for them (KGroupedTable, joins). A delete is a null value; `filter`, `mapValues` and
 * `groupBy` are never called with one (a delete stays a delete), so their lambdas take `V`.
 */
export class KTable<K = unknown, V = unknown> {
  /** @internal Built by the DSL (StreamsBuilder and the operators), never by users. */
  constructor(
    /** @internal */ readonly builder: InternalTopologyBuilder,
    readonly name: string,
    readonly keySerde: AnySerde<K> | null,
    readonly valueSerde: AnySerde<V> | null,
    readonly sourceNodes: ReadonlySet<string>,
    /** the store name when the table is materialized under a user's name (queryable) */
    readonly queryableStoreName: string | null,
    /** @internal */ readonly valueSource: TableValueSource<K, V>,
  ) {}

  /** Makes downstream updates carry old values; returns whether they will. */
  enableSendingOldValues(forceMaterialization: boolean): boolean {
    return this.valueSource.enableSendingOldValues(forceMaterialization)
  }

  /** Whether this table's updates carry old values (enabled by enableSendingOldValues or a downstream operator that needs them). */
  sendingOldValueEnabled(): boolean {
    return this.valueSource.sendingOldValueEnabled?.() ?? false
  }

  /** @internal Point lookups of this table's current values (joins); may materialize a source table. */
  valueGetterSupplier(): ValueGetterSupplier<K, V> {
    return this.valueSource.valueGetterSupplier()
  }

  /**
   * Adds a table node computing `compute` per value. Unmaterialized, it derives old values and
   * lookups from its parent; with `Materialized.as(name)` it keeps its result in its own store.
   */
  private transform<VR>(
    prefix: string,
    compute: (key: K, value: V) => VR | null,
    unmaterialized: (flag: SendOldValuesFlag) => Processor<K, Change<V>, K, Change<VR>>,
    named: Named | undefined,
    materialized: Materialized<K, VR> | undefined,
    valueSerde: AnySerde<VR> | null,
  ): KTable<K, VR> {
    const builder = this.builder
    // Kafka Streams names the store (when a Materialized is given) before the processor
    const storeName = materialized ? (materialized.storeName ?? builder.newStoreName(prefix)) : null
    const name = nameOf(named, builder, prefix)
    const flag: SendOldValuesFlag = { sendOldValues: false, versionedUpstream: this.valueSource.isVersioned?.() === true }
    const keySerde = (materialized?.keySerde as AnySerde<K> | null) ?? this.keySerde
    const outValueSerde = (materialized?.valueSerde as AnySerde<VR> | null) ?? valueSerde
    if (storeName !== null && materialized?.storeName) {
      builder.addProcessor(name, () => new TableMaterializedTransformProcessor<K, V, VR>(storeName, flag, compute), this.name)
      builder.addStateStore(keyValueStoreBuilder(storeName, materialized, keySerde, outValueSerde), name)
      const source = new StoreValueSource<K, VR>(storeName, flag, versionedHistoryRetention(materialized))
      return new KTable<K, VR>(builder, name, keySerde, outValueSerde, this.sourceNodes, storeName, source)
    }
    builder.addProcessor(name, () => unmaterialized(flag), this.name)
    // a Materialized without a store name makes the output not versioned, as Kafka Streams' maybeSetOutputVersioned
    const source = new DerivedValueSource<K, V, VR>(this.valueSource, flag, compute, materialized ? false : null)
    return new KTable<K, VR>(builder, name, keySerde, outValueSerde, this.sourceNodes, null, source)
  }

  private filterImpl(predicate: (key: K, value: V) => boolean, negate: boolean, args: (Named | Materialized<K, V> | undefined)[], op: string): KTable<K, V> {
    requireFunction(predicate, op, 'predicate')
    const { named, materialized } = splitArgs<K, V>(args)
    return this.transform<V>(
      'KTABLE-FILTER-',
      (k, v) => (Boolean(predicate(k, v)) !== negate ? v : null),
      (flag) => new TableFilterProcessor<K, V>(predicate, negate, flag),
      named,
      materialized,
      this.valueSerde,
    )
  }

  /** Keeps the rows that match; an update that fails the predicate deletes its key downstream. Optionally `Materialized.as(name)`. */
  filter(predicate: (key: K, value: V) => boolean, namedOrMaterialized?: Named | Materialized<K, V>, materialized?: Materialized<K, V>): KTable<K, V> {
    return this.filterImpl(predicate, false, [namedOrMaterialized, materialized], 'filter')
  }

  filterNot(predicate: (key: K, value: V) => boolean, namedOrMaterialized?: Named | Materialized<K, V>, materialized?: Materialized<K, V>): KTable<K, V> {
    return this.filterImpl(predicate, true, [namedOrMaterialized, materialized], 'filterNot')
  }

  mapValues<VR>(mapper: (value: V, key: K) => VR, namedOrMaterialized?: Named | Materialized<K, VR>, materialized?: Materialized<K, VR>): KTable<K, VR> {
    requireFunction(mapper, 'mapValues', 'mapper')
    const { named, materialized: m } = splitArgs<K, VR>([namedOrMaterialized, materialized])
    return this.transform<VR>('KTABLE-MAPVALUES-', (k, v) => mapper(v, k), (flag) => new TableMapValuesProcessor<K, V, VR>(mapper, flag), named, m, null)
  }

  /** The update stream of this table; deletes arrive as null values. */
  toStream(named?: Named): KStream<K, V> {
    const name = nameOf(named, this.builder, 'KTABLE-TOSTREAM-')
    this.builder.addProcessor(name, () => new TableToStreamProcessor<K, V>(), this.name)
    return new KStream<K, V>(this.builder, name, this.keySerde, this.valueSerde, this.sourceNodes, false)
  }

  /** Re-groups the table by a new key; aggregations then subtract old values and add new ones. */
  groupBy<KR, VR>(selector: (key: K, value: V) => KeyValue<KR, VR>, grouped?: Grouped<KR, VR>): KGroupedTable<KR, VR> {
    requireFunction(selector, 'groupBy', 'selector')
    const name = grouped?.name ?? this.builder.newProcessorName('KTABLE-SELECT-')
    this.builder.addProcessor(name, () => new TableRepartitionMapProcessor<K, V, KR, VR>(selector, name), this.name)
    this.enableSendingOldValues(true)
    return new KGroupedTable<KR, VR>(this.builder, name, grouped?.keySerde ?? null, grouped?.valueSerde ?? null, grouped?.name ?? null)
  }

  /** Holds updates back: one final result per window (untilWindowCloses) or rate-limited per key (topology/suppress). */
  suppress(suppressed: Suppressed<K>): KTable<K, V> {
    refuseSuppressOfVersioned(this)
    return suppressTable(this, suppressed)
  }

  /** Table-table joins (topology/joins): results update on both sides' updates and deletes. */
  join<VO, VR>(other: KTable<K, VO>, joiner: (value: V, otherValue: VO) => VR, materialized?: Materialized<K, VR>): KTable<K, VR>
  /** Foreign-key join (KIP-213, key-aware extractor KIP-1104): joins each row to the other table's row at `foreignKeyExtractor(value, key)`. */
  join<KO, VO, VR>(
    other: KTable<KO, VO>,
    foreignKeyExtractor: (value: V, key: K) => KO | null,
    joiner: (value: V, otherValue: VO) => VR,
    tableJoinedOrMaterialized?: TableJoined<K, KO> | Materialized<K, VR>,
    materialized?: Materialized<K, VR>,
  ): KTable<K, VR>
  join(other: KTable<any, any>, a: any, b?: any, c?: any, d?: any): KTable<K, any> {
    if (typeof b === 'function') return foreignKeyJoin(this, other, a, b, [c, d], false)
    return joinTable(this, 'inner', other, a, b)
  }

  leftJoin<VO, VR>(other: KTable<K, VO>, joiner: (value: V, otherValue: VO | null) => VR, materialized?: Materialized<K, VR>): KTable<K, VR>
  /** Foreign-key left join: rows without a foreign key or without a match join with null. */
  leftJoin<KO, VO, VR>(
    other: KTable<KO, VO>,
    foreignKeyExtractor: (value: V, key: K) => KO | null,
    joiner: (value: V, otherValue: VO | null) => VR,
    tableJoinedOrMaterialized?: TableJoined<K, KO> | Materialized<K, VR>,
    materialized?: Materialized<K, VR>,
  ): KTable<K, VR>
  leftJoin(other: KTable<any, any>, a: any, b?: any, c?: any, d?: any): KTable<K, any> {
    if (typeof b === 'function') return foreignKeyJoin(this, other, a, b, [c, d], true)
    return joinTable(this, 'left', other, a, b)
  }

  outerJoin<VO, VR>(other: KTable<K, VO>, joiner: (value: V | null, otherValue: VO | null) => VR, materialized?: Materialized<K, VR>): KTable<K, VR> {
    return joinTable(this, 'outer', other, joiner, materialized)
  }
}
