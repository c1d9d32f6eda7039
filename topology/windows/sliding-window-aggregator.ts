import type { SlidingWindows } from './sliding-windows.js'
import { NO_TIMESTAMP, type WindowAggregateOutput } from './aggregate-output.js'
import { collect, isPromise, type KeyValue, type ValueAndTimestamp, type WindowStoreView } from './store-views.js'

type Agg<VA> = ValueAndTimestamp<VA>

/**
 * Sliding-window aggregation, Kafka Streams' algorithm (KStreamSlidingWindowAggregate): windows are
 * [t - d, t] ("left window" of a record at t) and [t + 1, t + 1 + d] ("right window"), both ends
 * inclusive, stored by start. A new record updates every existing window containing it, creates its
 * own left window (seeded with the aggregate of earlier records within d), its right window when a
 * later record falls in it, and the right window of the previous record when it now holds this one.
 * Records before time d share the window [0, d], as windows never start before 0.
 */
export class SlidingWindowAggregator<K, V, VA> {
  streamTime = NO_TIMESTAMP
  private readonly d: number
  private closed: { start: number; end: number }[] | null = null

  constructor(
    private readonly windows: SlidingWindows,
    private readonly store: WindowStoreView<K, Agg<VA>>,
    private readonly initializer: () => VA,
    private readonly aggregator: (key: K, value: V, aggregate: VA) => VA,
    private readonly out: WindowAggregateOutput<K, VA>,
  ) {
    this.d = windows.timeDifferenceMs
  }

  async process(key: K, value: V, timestamp: number): Promise<void> {
    if (timestamp > this.streamTime) this.streamTime = timestamp
    const closeTime = this.streamTime - this.windows.graceMs
    if (timestamp + this.d < closeTime) {
      const sent = this.out.late({ timestamp, streamTime: this.streamTime, closedWindows: [{ start: timestamp, end: timestamp + this.d }] })
      if (isPromise(sent)) await sent
      return
    }
    this.closed = null
    if (timestamp < this.d) await this.processEarly(key, value, timestamp, closeTime)
    else await this.processInOrder(key, value, timestamp, closeTime)
    if (this.closed !== null) {
      const sent = this.out.late({ timestamp, streamTime: this.streamTime, closedWindows: this.closed })
      if (isPromise(sent)) await sent
    }
  }

  private async processInOrder(key: K, value: V, timestamp: number, closeTime: number): Promise<void> {
    const existing = await collect(this.store.fetchRange(key, Math.max(0, timestamp - 2 * this.d), timestamp + 1))
    const starts = new Set<number>()
    let leftWinAgg: Agg<VA> | null = null
    let rightWinAgg: Agg<VA> | null = null
    let leftWinExists = false
    let rightWinExists = false
    let previousTimestamp: number | null = null

    // Latest window first, as Kafka Streams walks its stores backwards: the existing windows are
    // updated (and forwarded) from the latest start to the earliest, and the walk stops at the
    // first window ending before this record (the latest one, which seeds the left window).
    for (let i = existing.length - 1; i >= 0; i--) {
      const { key: start, value: agg } = existing[i]!
      starts.add(start)
      const end = start + this.d
      if (start === timestamp + 1) {
        rightWinExists = true
      } else if (end > timestamp) {
        rightWinAgg ??= agg
        await this.updateWindow(key, value, timestamp, start, agg, closeTime)
      } else if (end === timestamp) {
        leftWinExists = true
        await this.updateWindow(key, value, timestamp, start, agg, closeTime)
        // a record at this same time came before: the windows around it exist already
        if (agg.timestamp >= timestamp) return
        previousTimestamp = agg.timestamp
      } else {
        leftWinAgg = agg
        previousTimestamp = agg.timestamp
        break
      }
    }

    // The previous record's right window now holds this record.
    if (previousTimestamp !== null) {
      const previousRightStart = previousTimestamp + 1
      if (!starts.has(previousRightStart) && previousRightStart + this.d >= timestamp) {
        await this.updateWindow(key, value, timestamp, previousRightStart, { value: this.initializer(), timestamp }, closeTime, true)
      }
    }
    if (!leftWinExists) {
      const seed: Agg<VA> =
        previousTimestamp !== null && timestamp - this.d <= previousTimestamp && leftWinAgg !== null
          ? { value: leftWinAgg.value, timestamp }
          : { value: this.initializer(), timestamp }
      await this.updateWindow(key, value, timestamp, timestamp - this.d, seed, closeTime, true)
    }
    if (!rightWinExists && rightWinAgg !== null && rightWinAgg.timestamp > timestamp) {
      await this.createRightWindow(key, timestamp, rightWinAgg)
    }
  }

  /** Records at 0 <= t < d: the combined window [0, d] stands in for their left windows. */
  private async processEarly(key: K, value: V, timestamp: number, closeTime: number): Promise<void> {
    if (timestamp < 0) throw new RangeError(`sliding windows need non-negative record timestamps, got ${timestamp}`)
    const existing = await collect(this.store.fetchRange(key, 0, timestamp + 1))
    let combined: KeyValue<number, Agg<VA>> | null = null
    let rightWinAgg: Agg<VA> | null = null
    let rightWinExists = false
    const starts = new Set<number>()
    let previousTimestamp: number | null = null

    for (const entry of existing) {
      const start = entry.key
      starts.add(start)
      if (start === 0) {
        combined = entry
        if (entry.value.timestamp < timestamp) previousTimestamp = entry.value.timestamp
      } else if (start <= timestamp) {
        rightWinAgg = entry.value
        await this.updateWindow(key, value, timestamp, start, entry.value, closeTime)
      } else if (start === timestamp + 1) {
        rightWinExists = true
      } else {
        throw new Error(`sliding window aggregation found an unexpected window starting at ${start} for an early record at ${timestamp}`)
      }
    }
    // Without a right window found, the combined window holds exactly the records after this one.
    if (rightWinAgg === null && combined !== null && combined.value.timestamp > timestamp) rightWinAgg = combined.value
    if (!rightWinExists && rightWinAgg !== null && rightWinAgg.timestamp > timestamp) {
      await this.createRightWindow(key, timestamp, rightWinAgg)
    }
    if (previousTimestamp !== null && !starts.has(previousTimestamp + 1)) {
      await this.updateWindow(key, value, timestamp, previousTimestamp + 1, { value: this.initializer(), timestamp }, closeTime, true)
    }
    const base = combined === null ? { value: this.initializer(), timestamp } : combined.value
    await this.updateWindow(key, value, timestamp, 0, base, closeTime, combined === null)
  }

  /** The record's right window takes the aggregate of the later records, without the record itself. */
  private async createRightWindow(key: K, timestamp: number, rightWinAgg: Agg<VA>): Promise<void> {
    const start = timestamp + 1
    const put = this.store.put(key, rightWinAgg, start)
    if (isPromise(put)) await put
    const sent = this.out.forward({ key, window: { start, end: start + this.d } }, rightWinAgg.value, null, rightWinAgg.timestamp)
    if (isPromise(sent)) await sent
  }

  private async updateWindow(
    key: K,
    value: V,
    timestamp: number,
    start: number,
    current: Agg<VA>,
    closeTime: number,
    isNew = false,
  ): Promise<void> {
    const end = start + this.d
    if (end < closeTime) {
      ;(this.closed ??= []).push({ start, end })
      return
    }
    const newAgg = this.aggregator(key, value, current.value)
    const newTimestamp = Math.max(timestamp, current.timestamp)
    const put = this.store.put(key, { value: newAgg, timestamp: newTimestamp }, start)
    if (isPromise(put)) await put
    const sent = this.out.forward({ key, window: { start, end } }, newAgg, isNew ? null : current.value, newTimestamp)
    if (isPromise(sent)) await sent
  }
}
