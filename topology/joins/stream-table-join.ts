import { isPromise } from '../../stores/maybe-promise.js'
import type { ValueAndTimestamp } from '../../stores/key-value.js'
import type { RecordContext } from '../../stores/state-store.js'
import type { InternalProcessorContext } from '../internals/processor-node.js'
import type { Processor, ProcessorContext } from '../processor/processor.js'
import type { Record } from '../processor/record.js'
import type { ValueGetter, ValueGetterSupplier } from '../dsl/table-value-sources.js'

/**
 * Stream-table and stream-globalTable joins (Kafka Streams' KStreamKTableJoinProcessor): each stream
 * record looks up the table's current value for its (mapped) key; the table side never triggers
 * output. An inner join drops records without a table value; a left join emits joiner(v, null).
 * Records with a null value are dropped; a null (mapped) key can only produce a left-join result.
 * A versioned table is looked up as of the stream record's timestamp (KIP-914).
 */
export class StreamTableJoinProcessor<K, V, KT, VT, VOut> implements Processor<K, V, K, VOut> {
  private ctx!: InternalProcessorContext<K, VOut>
  private table!: ValueGetter<KT, VT>
  private asOf = false

  constructor(
    private readonly tableGetter: ValueGetterSupplier<KT, VT>,
    private readonly keyMapper: (key: K, value: V) => KT | null,
    private readonly joiner: (value: V, tableValue: VT | null, key: K) => VOut,
    private readonly leftJoin: boolean,
  ) {}

  init(ctx: ProcessorContext<K, VOut>): void {
    this.ctx = ctx as InternalProcessorContext<K, VOut>
    this.table = this.tableGetter.get(ctx)
    this.asOf = this.tableGetter.versioned === true
  }

  process(record: Record<K, V>): void | Promise<void> {
    return this.join(record)
  }

  /** Joins one record now; `context` is the record's own when it comes out of a grace buffer. */
  join(record: Record<K, V>, context?: RecordContext): void | Promise<void> {
    if (record.value === null || record.value === undefined) return
    const tableKey = record.key === null || record.key === undefined ? null : this.keyMapper(record.key, record.value)
    if (tableKey === null || tableKey === undefined) {
      if (this.leftJoin) return this.emit(record, null, context)
      return
    }
    const got = this.asOf ? this.table(tableKey, record.timestamp) : this.table(tableKey)
    if (isPromise(got)) return got.then((tv) => this.emit(record, tv, context))
    return this.emit(record, got, context)
  }

  private emit(record: Record<K, V>, tableValue: ValueAndTimestamp<VT> | null, context?: RecordContext): void | Promise<void> {
    if (tableValue === null && !this.leftJoin) return
    const value = this.joiner(record.value, tableValue === null ? null : tableValue.value, record.key)
    return this.ctx.forward({ key: record.key, value, timestamp: record.timestamp, headers: record.headers }, undefined, context)
  }
}
