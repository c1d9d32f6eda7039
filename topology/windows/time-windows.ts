import { requireNonNegativeMillis, requirePositiveMillis } from './durations.js'
import type { Window } from './window.js'

/**
 * Fixed-size windows aligned to the epoch: tumbling (advance = size) or hopping (advance < size).
 * A window [start, start + size) closes once stream time reaches its end plus the grace period.
 */
export class TimeWindows {
  private constructor(
    readonly sizeMs: number,
    readonly advanceMs: number,
    readonly graceMs: number,
  ) {}

  static ofSizeWithNoGrace(sizeMs: number): TimeWindows {
    return TimeWindows.ofSizeAndGrace(sizeMs, 0)
  }

  static ofSizeAndGrace(sizeMs: number, graceMs: number): TimeWindows {
    const size = requirePositiveMillis(sizeMs, 'TimeWindows size')
    const grace = requireNonNegativeMillis(graceMs, 'TimeWindows grace period')
    return new TimeWindows(size, size, grace)
  }

  /** Hopping windows: a new window starts every `advanceMs`, which must lie in (0, size]. */
  advanceBy(advanceMs: number): TimeWindows {
    const advance = requirePositiveMillis(advanceMs, 'TimeWindows advance')
    if (advance > this.sizeMs) {
      throw new RangeError(`TimeWindows advance must lie within (0, size=${this.sizeMs}], got ${advance}`)
    }
    return new TimeWindows(this.sizeMs, advance, this.graceMs)
  }

  size(): number {
    return this.sizeMs
  }

  gracePeriodMs(): number {
    return this.graceMs
  }

  /** Every window containing `timestamp`, by ascending start (as Kafka Streams' windowsFor). */
  windowsFor(timestamp: number): Window[] {
    const size = this.sizeMs
    const advance = this.advanceMs
    const lowest = Math.max(0, timestamp - size + advance)
    const out: Window[] = []
    for (let start = lowest - (lowest % advance); start <= timestamp; start += advance) {
      out.push({ start, end: start + size })
    }
    return out
  }

  toString(): string {
    return `TimeWindows{size=${this.sizeMs}, advance=${this.advanceMs}, grace=${this.graceMs}}`
  }
}
