import { requireNonNegativeMillis } from './durations.js'

/**
 * Windows defined by the records themselves: every window [t - timeDifference, t] and
 * [t + 1, t + 1 + timeDifference] that holds records, both ends inclusive. Only windows whose
 * contents differ exist, so an aggregation emits one result per distinct set of records.
 */
export class SlidingWindows {
  private constructor(
    readonly timeDifferenceMs: number,
    readonly graceMs: number,
  ) {}

  static ofTimeDifferenceWithNoGrace(timeDifferenceMs: number): SlidingWindows {
    return SlidingWindows.ofTimeDifferenceAndGrace(timeDifferenceMs, 0)
  }

  static ofTimeDifferenceAndGrace(timeDifferenceMs: number, graceMs: number): SlidingWindows {
    return new SlidingWindows(
      requireNonNegativeMillis(timeDifferenceMs, 'SlidingWindows time difference'),
      requireNonNegativeMillis(graceMs, 'SlidingWindows grace period'),
    )
  }

  gracePeriodMs(): number {
    return this.graceMs
  }

  toString(): string {
    return `SlidingWindows{timeDifference=${this.timeDifferenceMs}, grace=${this.graceMs}}`
  }
}
