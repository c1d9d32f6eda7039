import type { TimeWindows } from './time-windows.js'
import { NO_TIMESTAMP, type WindowAggregateOutput } from './aggregate-output.js'
import { isPromise, type ValueAndTimestamp, type WindowStoreView } from './store-views.js'
import type { Window } from './window.js'

/**
 * Tumbling/hopping window aggregation (Kafka Streams' KStreamWindowAggregate): each record updates
 * every window containing it whose end is still after stream time - grace; the stored timestamp is
 * the max record timestamp of the window. Windows past that bound are closed: the record is late there.
 * Runs synchronously while the store answers synchronously (cache hits, in-memory stores).
 */
export class TimeWindowAggregator<K, V, VA> {
  streamTime = NO_TIMESTAMP

  constructor(
    private readonly windows: TimeWindows,
    private readonly store: WindowStoreView<K, ValueAndTimestamp<VA>>,
    private readonly initializer: () => VA,
    private readonly aggregator: (key: K, value: V, aggregate: VA) => VA,
    private readonly out: WindowAggregateOutput<K, VA>,
  ) {}

  process(key: K, value: V, timestamp: number): void | Promise<void> {
    if (timestamp > this.streamTime) this.streamTime = timestamp
    return this.from(key, value, timestamp, this.windows.windowsFor(timestamp), 0, null)
  }

  /** Processes windows[i..]; continues asynchronously only after a store call that returned a promise. */
  private from(key: K, value: V, timestamp: number, windows: Window[], i: number, closed: Window[] | null): void | Promise<void> {
    const closeTime = this.streamTime - this.windows.graceMs
    for (; i < windows.length; i++) {
      const window = windows[i]!
      if (window.end <= closeTime) {
        ;(closed ??= []).push(window)
        continue
      }
      const fetched = this.store.fetch(key, window.start)
      const step = isPromise(fetched)
        ? fetched.then((old) => this.update(key, value, timestamp, window, old))
        : this.update(key, value, timestamp, window, fetched)
      if (isPromise(step)) {
        const next = i + 1
        const soFar = closed
        return step.then(() => this.from(key, value, timestamp, windows, next, soFar))
      }
    }
    if (closed !== null) return this.out.late({ timestamp, streamTime: this.streamTime, closedWindows: closed })
  }

  private update(key: K, value: V, timestamp: number, window: Window, old: ValueAndTimestamp<VA> | null): void | Promise<void> {
    const oldAgg = old === null ? null : old.value
    const newAgg = this.aggregator(key, value, oldAgg === null ? this.initializer() : oldAgg)
    const newTimestamp = old === null ? timestamp : Math.max(timestamp, old.timestamp)
    const put = this.store.put(key, { value: newAgg, timestamp: newTimestamp }, window.start)
    if (isPromise(put)) return put.then(() => this.out.forward({ key, window }, newAgg, oldAgg, newTimestamp))
    return this.out.forward({ key, window }, newAgg, oldAgg, newTimestamp)
  }
}
