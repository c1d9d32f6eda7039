import type { ValueAndTimestamp } from '../../stores/key-value.js'
import type { TableChange } from '../windows/table-change.js'

export type TableJoinKind = 'inner' | 'left' | 'outer'

/** The user's table joiner: left value, right value (either may be null on left/outer joins). */
export type TableJoiner<VL, VR, VOut> = (left: VL | null, right: VR | null) => VOut

export interface JoinedChange<VOut> {
  change: TableChange<VOut>
  timestamp: number
}

/**
 * The result update of a table-table join when one side changes (Kafka Streams' KTableKTable*Join
 * processors). `change` is this side's update, `other` the other table's current value. Returns
 * null when the join result did not exist before and does not exist now (nothing to forward).
 * Old results are computed only when downstream needs them (`sendOldValues`).
 */
export function joinTableChange<VL, VR, VOut>(
  kind: TableJoinKind,
  side: 'left' | 'right',
  change: TableChange<unknown>,
  other: ValueAndTimestamp<unknown> | null,
  timestamp: number,
  joiner: TableJoiner<VL, VR, VOut>,
  sendOldValues: boolean,
): JoinedChange<VOut> | null {
  const otherValue = other === null ? null : other.value
  const join = (thisValue: unknown): VOut =>
    side === 'left' ? joiner(thisValue as VL | null, otherValue as VR | null) : joiner(otherValue as VL | null, thisValue as VR | null)
  const resultTimestamp = other === null ? timestamp : Math.max(timestamp, other.timestamp)

  // The side whose missing value means "no result": the other side of an inner join, the left side of a left join.
  const otherRequired = kind === 'inner' || (kind === 'left' && side === 'right')
  if (otherRequired) {
    if (otherValue === null) return null
    if (kind === 'left') {
      // Right side of a left join: the left row always has a result, with or without a right value.
      return { change: { newValue: join(change.newValue), oldValue: sendOldValues ? join(change.oldValue) : null }, timestamp: resultTimestamp }
    }
    return {
      change: {
        newValue: change.newValue !== null ? join(change.newValue) : null,
        oldValue: sendOldValues && change.oldValue !== null ? join(change.oldValue) : null,
      },
      timestamp: resultTimestamp,
    }
  }
  if (otherValue === null && change.newValue === null && change.oldValue === null) return null
  if (kind === 'left') {
    // Left side of a left join: a result exists exactly when the left row does.
    return {
      change: {
        newValue: change.newValue !== null ? join(change.newValue) : null,
        oldValue: sendOldValues && change.oldValue !== null ? join(change.oldValue) : null,
      },
      timestamp: resultTimestamp,
    }
  }
  // Outer join: a result exists when either row does.
  return {
    change: {
      newValue: otherValue !== null || change.newValue !== null ? join(change.newValue) : null,
      oldValue: sendOldValues && (otherValue !== null || change.oldValue !== null) ? join(change.oldValue) : null,
    },
    timestamp: resultTimestamp,
  }
}
