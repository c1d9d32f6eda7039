import type { Materialized } from '../options/materialized.js'
import { SlidingWindows } from './sliding-windows.js'
import type { TimeWindows } from './time-windows.js'
import { windowRetention } from './window-stores.js'

/** What every aggregation over time or sliding windows derives from them (plain, cogrouped, distinct counts). */
export interface TimeWindowLayout {
  sliding: boolean
  /** Sliding windows are stored by start with size = time difference. */
  windowSize: number
  /** Sliding windows include their end: [s, e] accepts records until stream time passes e + grace. */
  closeDelayMs: number
  /** The store's retention: at least the span a record's windows cover plus the grace period. */
  retention(storeName: string, materialized: Materialized<any, any> | null | undefined): number
}

export function timeWindowLayout(windows: TimeWindows | SlidingWindows): TimeWindowLayout {
  if (windows instanceof SlidingWindows) {
    // a record's left and right windows
    const minimum = 2 * windows.timeDifferenceMs + windows.graceMs
    return {
      sliding: true,
      windowSize: windows.timeDifferenceMs,
      closeDelayMs: windows.graceMs + 1,
      retention: (storeName, materialized) => windowRetention(storeName, materialized, minimum, 'twice the time difference plus the grace period'),
    }
  }
  const minimum = windows.sizeMs + windows.graceMs
  return {
    sliding: false,
    windowSize: windows.sizeMs,
    closeDelayMs: windows.graceMs,
    retention: (storeName, materialized) => windowRetention(storeName, materialized, minimum, 'the window size plus the grace period'),
  }
}
