import type { TimeWindows } from './time-windows.js'
import { NO_TIMESTAMP, type WindowAggregateOutput } from './aggregate-output.js'
import { isPromise, type ValueAndTimestamp, type WindowStoreView } from './store-views.js'

/**
 * Tumbling/hopping window aggregation (Kafka Streams' KStreamWindowAggregate): each record updates
 * every window containing it whose end is still after stream time - grace; the stored timestamp is
 * the max record timestamp of the window. Windows past that bound are closed: the record is late there.
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

  async process(key: K, value: V, timestamp: number): Promise<void> {
    if (timestamp > this.streamTime) this.streamTime = timestamp
    const closeTime = this.streamTime - this.windows.graceMs
    let closed: { start: number; end: number }[] | null = null
    for (const window of this.windows.windowsFor(timestamp)) {
      if (window.end <= closeTime) {
        ;(closed ??= []).push(window)
        continue
      }
      const fetched = this.store.fetch(key, window.start)
      const old = isPromise(fetched) ? await fetched : fetched
      const oldAgg = old === null ? null : old.value
      const newAgg = this.aggregator(key, value, oldAgg === null ? this.initializer() : oldAgg)
      const newTimestamp = old === null ? timestamp : Math.max(timestamp, old.timestamp)
      const put = this.store.put(key, { value: newAgg, timestamp: newTimestamp }, window.start)
      if (isPromise(put)) await put
      const sent = this.out.forward({ key, window }, newAgg, oldAgg, newTimestamp)
      if (isPromise(sent)) await sent
    }
    if (closed !== null) {
      const sent = this.out.late({ timestamp, streamTime: this.streamTime, closedWindows: closed })
      if (isPromise(sent)) await sent
    }
  }
}
