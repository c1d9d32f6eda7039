import type { SessionWindows } from './session-windows.js'
import { NO_TIMESTAMP, type WindowAggregateOutput } from './aggregate-output.js'
import { collect, isPromise, type KeyValue, type SessionStoreView } from './store-views.js'
import type { Window, Windowed } from './window.js'

/**
 * Session aggregation (Kafka Streams' KStreamSessionWindowAggregate): a record at t joins every
 * session of its key ending at or after t - gap and starting at or before t + gap. Those sessions
 * merge into one: the old ones are deleted (forwarded as tombstones) and the merged aggregate is put.
 * A session closes once stream time passes its end + gap + grace; a record whose merged session
 * would end before that is late.
 */
export class SessionWindowAggregator<K, V, VA> {
  streamTime = NO_TIMESTAMP

  constructor(
    private readonly windows: SessionWindows,
    private readonly store: SessionStoreView<K, VA>,
    private readonly initializer: () => VA,
    private readonly aggregator: (key: K, value: V, aggregate: VA) => VA,
    private readonly merger: (key: K, aggOne: VA, aggTwo: VA) => VA,
    private readonly out: WindowAggregateOutput<K, VA>,
  ) {}

  async process(key: K, value: V, timestamp: number): Promise<void> {
    if (timestamp > this.streamTime) this.streamTime = timestamp
    const gap = this.windows.gapMs
    const closeTime = this.streamTime - this.windows.graceMs - gap
    const overlapping = await collect(this.store.findSessions(key, timestamp - gap, timestamp + gap))
    const { window: merged, aggregate } = mergeSessions(key, timestamp, overlapping, this.initializer(), this.merger)

    if (merged.end < closeTime) {
      const sent = this.out.late({ timestamp, streamTime: this.streamTime, closedWindows: [merged] })
      if (isPromise(sent)) await sent
      return
    }
    if (merged.start !== timestamp || merged.end !== timestamp) {
      for (const session of overlapping) {
        const removed = this.store.remove(session.key)
        if (isPromise(removed)) await removed
        const sent = this.out.forward(session.key, null, session.value, session.key.window.end)
        if (isPromise(sent)) await sent
      }
    }
    const newAgg = this.aggregator(key, value, aggregate)
    const sessionKey: Windowed<K> = { key, window: merged }
    const put = this.store.put(sessionKey, newAgg)
    if (isPromise(put)) await put
    const sent = this.out.forward(sessionKey, newAgg, null, merged.end)
    if (isPromise(sent)) await sent
  }
}

/** The session a record at `timestamp` forms with the sessions it touches, and their merged aggregate. */
export function mergeSessions<K, VA>(
  key: K,
  timestamp: number,
  sessions: KeyValue<Windowed<K>, VA>[],
  initial: VA,
  merger: (key: K, aggOne: VA, aggTwo: VA) => VA,
): { window: Window; aggregate: VA } {
  let start = timestamp
  let end = timestamp
  let aggregate = initial
  for (const s of sessions) {
    aggregate = merger(key, aggregate, s.value)
    if (s.key.window.start < start) start = s.key.window.start
    if (s.key.window.end > end) end = s.key.window.end
  }
  return { window: { start, end }, aggregate }
}
