// A window of time. Time windows are half-open [start, end); sliding and session windows include
// both ends. The shape is the `window` field of `Windowed<K>`.
export interface Window {
  readonly start: number
  readonly end: number
}

export type { Windowed } from '../../stores/key-value.js'
import type { Windowed } from '../../stores/key-value.js'

export function windowed<K>(key: K, start: number, end: number): Windowed<K> {
  return { key, window: { start, end } }
}

/** Two windows overlap when they share at least one instant (both ends inclusive, as session windows). */
export function sessionWindowsOverlap(a: Window, b: Window): boolean {
  return a.start <= b.end && b.start <= a.end
}

export function windowToString(w: Window): string {
  return `[${w.start}, ${w.end}]`
}
