import { isPromise } from '../../stores/maybe-promise.js'
import type { ValueAndTimestamp } from '../../stores/key-value.js'
import type { InternalProcessorContext } from '../internals/processor-node.js'
import type { Processor, ProcessorContext } from '../processor/processor.js'
import type { Record } from '../processor/record.js'
import type { TableChange } from '../windows/table-change.js'
import { joinTableChange, type TableJoiner, type TableJoinKind } from './table-table-join-logic.js'
import type { ValueGetter, ValueGetterSupplier } from '../dsl/table-value-sources.js'

/**
 * One side of a table-table join: on each update of this table it looks up the other table's
 * current value and forwards the join result's new (and old) value. Both tables must be
 * co-partitioned; the result is a KTable.
 */
export class TableTableJoinProcessor<K, VL, VR, VOut> implements Processor<K, TableChange<unknown>, K, TableChange<VOut>> {
  private ctx!: InternalProcessorContext<K, TableChange<VOut>>
  private other!: ValueGetter<K, unknown>

  constructor(
    private readonly kind: TableJoinKind,
    private readonly side: 'left' | 'right',
    private readonly otherGetter: ValueGetterSupplier<K, unknown>,
    private readonly joiner: TableJoiner<VL, VR, VOut>,
    private readonly sendOldValues: () => boolean,
  ) {}

  init(ctx: ProcessorContext<K, TableChange<VOut>>): void {
    this.ctx = ctx as InternalProcessorContext<K, TableChange<VOut>>
    this.other = this.otherGetter.get(ctx)
  }

  process(record: Record<K, TableChange<unknown>>): void | Promise<void> {
    if (record.key === null || record.key === undefined) return
    if (record.value.isLatest === false) return // an out-of-order version of a versioned table changes no join result
    const got = this.other(record.key)
    if (isPromise(got)) return got.then((other) => this.emit(record, other))
    return this.emit(record, got)
  }

  private emit(record: Record<K, TableChange<unknown>>, other: ValueAndTimestamp<unknown> | null): void | Promise<void> {
    const out = joinTableChange(this.kind, this.side, record.value, other, record.timestamp, this.joiner, this.sendOldValues())
    if (out === null) return
    return this.ctx.forward({ key: record.key, value: out.change, timestamp: out.timestamp, headers: record.headers })
  }
}

/**
 * The getter of an unmaterialized join result: joins the two tables' current values on demand
 * (Kafka Streams' KTableKTableJoinValueGetter), so downstream joins and lookups see the result table.
 */
export function joinResultGetter<K, VL, VR, VOut>(
  kind: TableJoinKind,
  left: ValueGetterSupplier<K, VL>,
  right: ValueGetterSupplier<K, VR>,
  joiner: TableJoiner<VL, VR, VOut>,
): ValueGetterSupplier<K, VOut> {
  return {
    storeNames: [...left.storeNames, ...right.storeNames],
    get(ctx) {
      const l = left.get(ctx)
      const r = right.get(ctx)
      return async (key) => {
        const [lv, rv] = [await l(key), await r(key)]
        const exists = kind === 'inner' ? lv !== null && rv !== null : kind === 'left' ? lv !== null : lv !== null || rv !== null
        if (!exists) return null
        return {
          value: joiner(lv === null ? null : lv.value, rv === null ? null : rv.value),
          timestamp: Math.max(lv === null ? -1 : lv.timestamp, rv === null ? -1 : rv.timestamp),
        }
      }
    },
  }
}
