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
import { DerivedValueSource, type TableValueSource, type ValueGetterSupplier } from './table-value-sources.js'
import { suppressTable } from '../suppress/ktable-suppress.js'
import type { Suppressed } from '../suppress/suppressed.js'
import type { Materialized } from '../options/materialized.js'
import { joinTable } from '../joins/join-dispatch.js'

/**
 * A changelog stream: the latest value per key. Updates flow between table nodes as
 * `Change { newValue, oldValue }`; old values are computed only when a downstream operator
 * asks for them (KGroupedTable, joins).
 */
export class KTable<K = unknown, V = unknown> {
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

  /** Point lookups of this table's current values (joins); may materialize a source table. */
  valueGetterSupplier(): ValueGetterSupplier<K, V> {
    return this.valueSource.valueGetterSupplier()
  }

  private filterImpl(predicate: (key: K, value: V) => boolean, negate: boolean, named: Named | undefined, op: string): KTable<K, V> {
    requireFunction(predicate, op, 'predicate')
    const name = nameOf(named, this.builder, 'KTABLE-FILTER-')
    const flag: SendOldValuesFlag = { sendOldValues: false }
    this.builder.addProcessor(name, () => new TableFilterProcessor<K, V>(predicate, negate, flag), this.name)
    const source = new DerivedValueSource<K, V, V>(this.valueSource, flag, (k, v) => (Boolean(predicate(k, v)) !== negate ? v : null))
    return new KTable<K, V>(this.builder, name, this.keySerde, this.valueSerde, this.sourceNodes, null, source)
  }

  filter(predicate: (key: K, value: V) => boolean, named?: Named): KTable<K, V> {
    return this.filterImpl(predicate, false, named, 'filter')
  }

  filterNot(predicate: (key: K, value: V) => boolean, named?: Named): KTable<K, V> {
    return this.filterImpl(predicate, true, named, 'filterNot')
  }

  mapValues<VR>(mapper: (value: V, key: K) => VR, named?: Named): KTable<K, VR> {
    requireFunction(mapper, 'mapValues', 'mapper')
    const name = nameOf(named, this.builder, 'KTABLE-MAPVALUES-')
    const flag: SendOldValuesFlag = { sendOldValues: false }
    this.builder.addProcessor(name, () => new TableMapValuesProcessor<K, V, VR>(mapper, flag), this.name)
    const source = new DerivedValueSource<K, V, VR>(this.valueSource, flag, (k, v) => mapper(v, k))
    return new KTable<K, VR>(this.builder, name, this.keySerde, null, this.sourceNodes, null, source)
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
    return suppressTable(this, suppressed)
  }

  /** Table-table joins (topology/joins): results update on both sides' updates and deletes. */
  join<VO, VR>(other: KTable<K, VO>, joiner: (value: V, otherValue: VO) => VR, materialized?: Materialized<K, VR>): KTable<K, VR> {
    return joinTable(this, 'inner', other, joiner, materialized)
  }

  leftJoin<VO, VR>(other: KTable<K, VO>, joiner: (value: V, otherValue: VO | null) => VR, materialized?: Materialized<K, VR>): KTable<K, VR> {
    return joinTable(this, 'left', other, joiner, materialized)
  }

  outerJoin<VO, VR>(other: KTable<K, VO>, joiner: (value: V | null, otherValue: VO | null) => VR, materialized?: Materialized<K, VR>): KTable<K, VR> {
    return joinTable(this, 'outer', other, joiner, materialized)
  }
}
