import { NO_TIMESTAMP } from './aggregate-output.js'
import { byTime, fetchWindows, type ClosedWindowReader, type FinalResult, type WindowStoreAll } from './emit-final.js'
import type { SessionWindows } from './session-windows.js'
import type { SlidingWindows } from './sliding-windows.js'
import { collect, type KeyValue } from './store-views.js'
import type { TimeWindows } from './time-windows.js'
import type { Windowed } from './window.js'

/** Tumbling/hopping windows [start, end): closed when end <= close time, stored by start. */
export function timeWindowsReader<K, VA>(windows: TimeWindows): ClosedWindowReader<K, VA> {
  const size = windows.sizeMs
  return {
    closeDelayMs: windows.graceMs,
    // ends are exclusive: windows ending exactly at the last close time were emitted then
    rangeLowerBound: (last) => (last === NO_TIMESTAMP ? 0 : Math.max(0, last - size) + 1),
    rangeUpperBound: (closeTime) => closeTime - size,
    // skip the read when no window boundary lies between the last close time and this one
    shouldFetch: (last, lower, upper) => last === NO_TIMESTAMP || !sameStarts(windows.windowsFor(upper), windows.windowsFor(lower - 1)),
    rangeTime: null,
    fetch: (store, lower, upper) => fetchWindows<K, VA>(store, lower, upper),
  }
}

function sameStarts(a: { start: number }[], b: { start: number }[]): boolean {
  return a.length === b.length && a.every((w, i) => w.start === b[i]!.start)
}

/** Sliding windows [start, start + d], ends inclusive: closed when end < close time. */
export function slidingWindowsReader<K, VA>(windows: SlidingWindows): ClosedWindowReader<K, VA> {
  const d = windows.timeDifferenceMs
  return {
    closeDelayMs: windows.graceMs,
    rangeLowerBound: (last) => (last === NO_TIMESTAMP ? 0 : Math.max(0, last - d)),
    rangeUpperBound: (closeTime) => closeTime - d - 1,
    shouldFetch: () => true,
    // stored by start: the emitter reads once the smallest start written since is closed
    rangeTime: (window) => window.start,
    scanFrom: (store: WindowStoreAll<K, VA>, lower) => store.fetchAll(lower, Number.MAX_SAFE_INTEGER),
    fetch: (store, lower, upper) => fetchWindows<K, VA>(store, lower, upper),
  }
}

type SessionsByEnd<K, VA> = { findSessionsByEnd(earliestEnd: number, latestEnd: number): AsyncIterable<KeyValue<Windowed<K>, VA>> }

/** Sessions [start, end], ends inclusive: closed when end < stream time - gap - grace; stamped with their end. */
export function sessionWindowsReader<K, VA>(windows: SessionWindows): ClosedWindowReader<K, VA> {
  return {
    closeDelayMs: windows.graceMs + windows.gapMs,
    rangeLowerBound: (last) => Math.max(0, last),
    rangeUpperBound: (closeTime) => closeTime - 1,
    // a session can be a single point [t, t]: read even when the bounds meet
    shouldFetch: (_last, lower, upper) => upper >= lower,
    // read by end: merged-away sessions are taken back, so only live ends keep the emitter reading
    rangeTime: (window) => window.end,
    scanFrom: (store: SessionsByEnd<K, VA>, lower) => store.findSessionsByEnd(lower, Number.MAX_SAFE_INTEGER),
    fetch: async (store: SessionsByEnd<K, VA>, lower, upper): Promise<FinalResult<K, VA>[]> => {
      const found = await collect(store.findSessionsByEnd(lower, upper))
      return byTime(found, (kv) => kv.key.window.end, (kv) => kv.key.window.start).map((kv) => ({ key: kv.key, value: kv.value, timestamp: kv.key.window.end }))
    },
  }
}
