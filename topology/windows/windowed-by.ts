import type { KGroupedStream } from '../dsl/kgrouped-stream.js'
import { SessionWindowedKStream } from './session-windowed-kstream.js'
import { SessionWindows } from './session-windows.js'
import { SlidingWindows } from './sliding-windows.js'
import { TimeWindowedKStream } from './time-windowed-kstream.js'
import { TimeWindows } from './time-windows.js'

export type { SessionWindowedKStream, SessionWindows, SlidingWindows, TimeWindowedKStream, TimeWindows }

/** KGroupedStream.windowedBy: picks the windowed stream matching the window definition. */
export function windowedBy<K, V>(
  grouped: KGroupedStream<K, V>,
  windows: TimeWindows | SlidingWindows | SessionWindows,
): TimeWindowedKStream<K, V> | SessionWindowedKStream<K, V> {
  if (windows instanceof SessionWindows) return new SessionWindowedKStream(grouped, windows)
  if (windows instanceof TimeWindows || windows instanceof SlidingWindows) return new TimeWindowedKStream(grouped, windows)
  throw new TypeError(`windowedBy: expected TimeWindows, SlidingWindows or SessionWindows, got ${String(windows)}`)
}
