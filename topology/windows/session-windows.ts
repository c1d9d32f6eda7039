import { requireNonNegativeMillis, requirePositiveMillis } from './durations.js'

/**
 * Sessions of activity per key: records closer than the inactivity gap fall into one session
 * [first, last] (both inclusive); a record bridging two sessions merges them.
 */
export class SessionWindows {
  private constructor(
    readonly gapMs: number,
    readonly graceMs: number,
  ) {}

  static ofInactivityGapWithNoGrace(gapMs: number): SessionWindows {
    return SessionWindows.ofInactivityGapAndGrace(gapMs, 0)
  }

  static ofInactivityGapAndGrace(gapMs: number, graceMs: number): SessionWindows {
    return new SessionWindows(
      requirePositiveMillis(gapMs, 'SessionWindows inactivity gap'),
      requireNonNegativeMillis(graceMs, 'SessionWindows grace period'),
    )
  }

  inactivityGap(): number {
    return this.gapMs
  }

  gracePeriodMs(): number {
    return this.graceMs
  }

  toString(): string {
    return `SessionWindows{gap=${this.gapMs}, grace=${this.graceMs}}`
  }
}
