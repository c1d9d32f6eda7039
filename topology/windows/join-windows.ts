import { requireMillis, requireNonNegativeMillis } from './durations.js'

/**
 * The time bounds of a stream-stream join: a left record at time t joins right records with
 * timestamps in [t - before, t + after] (both inclusive). Unmatched left/outer results are
 * emitted once the window closes: stream time > t + after + grace (and t + before + grace for the other side).
 */
export class JoinWindows {
  private constructor(
    readonly beforeMs: number,
    readonly afterMs: number,
    readonly graceMs: number,
  ) {
    if (beforeMs + afterMs < 0) {
      throw new RangeError(`JoinWindows interval (before + after) must not be negative, got before=${beforeMs} after=${afterMs}`)
    }
  }

  static ofTimeDifferenceWithNoGrace(timeDifferenceMs: number): JoinWindows {
    return JoinWindows.ofTimeDifferenceAndGrace(timeDifferenceMs, 0)
  }

  static ofTimeDifferenceAndGrace(timeDifferenceMs: number, graceMs: number): JoinWindows {
    const d = requireNonNegativeMillis(timeDifferenceMs, 'JoinWindows time difference')
    return new JoinWindows(d, d, requireNonNegativeMillis(graceMs, 'JoinWindows grace period'))
  }

  /** How far back the other stream's records may be; may be negative as long as before + after >= 0. */
  before(timeDifferenceMs: number): JoinWindows {
    return new JoinWindows(requireMillis(timeDifferenceMs, 'JoinWindows before'), this.afterMs, this.graceMs)
  }

  /** How far ahead the other stream's records may be; may be negative as long as before + after >= 0. */
  after(timeDifferenceMs: number): JoinWindows {
    return new JoinWindows(this.beforeMs, requireMillis(timeDifferenceMs, 'JoinWindows after'), this.graceMs)
  }

  size(): number {
    return this.beforeMs + this.afterMs
  }

  gracePeriodMs(): number {
    return this.graceMs
  }

  toString(): string {
    return `JoinWindows{before=${this.beforeMs}, after=${this.afterMs}, grace=${this.graceMs}}`
  }
}
