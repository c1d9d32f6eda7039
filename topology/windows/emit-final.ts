import { Stores } from '../../stores/stores.js'
import type { StateStore } from '../../stores/state-store.js'
import type { StoreBuilder } from '../../stores/store-builder.js'
import type { Materialized } from '../options/materialized.js'
import { Serdes } from '../serdes/serdes.js'
import { NO_TIMESTAMP } from './aggregate-output.js'
import { collect, isPromise, type KeyValue, type KeyValueStoreView, type MaybePromise, type ValueAndTimestamp } from './store-views.js'
import type { Windowed } from './window.js'

/** One closed window read back from the store, as it is forwarded. */
export interface FinalResult<K, VA> {
  key: Windowed<K>
  value: VA
  timestamp: number
}

/** Reads the closed windows of one aggregation's store: the part that differs by window kind. */
export interface ClosedWindowReader<K, VA> {
  /** How far before stream time windows close: grace (plus the gap for sessions). */
  readonly closeDelayMs: number
  /** Inclusive bounds of the store range to read; a negative upper bound means nothing closed yet. */
  rangeLowerBound(lastEmitCloseTime: number): number
  rangeUpperBound(closeTime: number): number
  shouldFetch(lastEmitCloseTime: number, lower: number, upper: number): boolean
  fetch(store: any, lower: number, upper: number): Promise<FinalResult<K, VA>[]>
}

/** The store that keeps an aggregation's last emitted window close time across restarts. */
export function emitFinalStoreName(storeName: string): string {
  return `${storeName}-emit-final`
}

/**
 * A changelogged key-value store with one row: the aggregation store's name to the last window
 * close time emitted. Kafka Streams commits this value with the offsets (processor metadata);
 * kstreams keeps it in state so that a restart, a restore or a migrated task neither re-emits
 * nor skips a window.
 */
export function emitFinalStoreBuilder(storeName: string, materialized: Materialized<any, any> | null | undefined): StoreBuilder<StateStore> {
  const builder = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(emitFinalStoreName(storeName)), Serdes.String(), Serdes.Long())
  builder.withCachingDisabled()
  if (materialized && !materialized.loggingEnabled) builder.withLoggingDisabled()
  else builder.withLoggingEnabled({})
  return builder as StoreBuilder<StateStore>
}

const DONE: Promise<void> = Promise.resolve()

/**
 * Emit-on-window-close (Kafka Streams' AbstractKStreamTimeWindowAggregateProcessor and the session
 * aggregate's ON_WINDOW_CLOSE path): after each record, when the window close time (stream time -
 * delay) passed the last one emitted, forwards every window that closed since, read from the store,
 * and records the new close time. Kafka Streams throttles this check to once per
 * `emit.interval.ms.kstreams.windowed.aggregation` of wall-clock time (1 s; 0 in its test driver);
 * kstreams checks on every record, so which windows are emitted, and when in stream time, does not
 * depend on the wall clock.
 */
export class WindowCloseEmitter<K, VA> {
  private lastEmitCloseTime = NO_TIMESTAMP
  private loaded: Promise<void> | null = null

  constructor(
    private readonly reader: ClosedWindowReader<K, VA>,
    private readonly store: unknown,
    private readonly meta: KeyValueStoreView<string, number>,
    private readonly storeName: string,
  ) {}

  /** Called after each processed record with the aggregation's stream time. */
  maybeEmit(streamTime: number, forward: (result: FinalResult<K, VA>) => void | Promise<void>): void | Promise<void> {
    const closeTime = streamTime - this.reader.closeDelayMs
    if (this.loaded === null) this.loaded = this.load()
    else if (this.loaded === DONE) {
      // the common case stays synchronous: the close time did not progress
      if (this.lastEmitCloseTime !== NO_TIMESTAMP && this.lastEmitCloseTime >= closeTime) return
      return this.emit(closeTime, forward)
    }
    return this.loaded.then(() => this.emit(closeTime, forward))
  }

  private async load(): Promise<void> {
    const last = await this.meta.get(this.storeName)
    if (last !== null && last !== undefined) this.lastEmitCloseTime = last
    this.loaded = DONE
  }

  private async emit(closeTime: number, forward: (result: FinalResult<K, VA>) => void | Promise<void>): Promise<void> {
    const last = this.lastEmitCloseTime
    // only when the close time progressed
    if (last !== NO_TIMESTAMP && last >= closeTime) return
    const upper = this.reader.rangeUpperBound(closeTime)
    if (upper < 0) return // no window closed ever
    const lower = this.reader.rangeLowerBound(last)
    if (!this.reader.shouldFetch(last, lower, upper)) return
    for (const result of await this.reader.fetch(this.store, lower, upper)) {
      const sent = forward(result)
      if (isPromise(sent)) await sent
    }
    this.lastEmitCloseTime = closeTime
    const put = this.meta.put(this.storeName, closeTime)
    if (isPromise(put)) await put
  }
}

/**
 * Sorts by the times, keeping the store's key order among equal times: the order of Kafka Streams'
 * time-ordered stores (window: start | key; session: end | start | key).
 */
export function byTime<T>(entries: T[], ...times: ((e: T) => number)[]): T[] {
  const compare = (a: T, b: T): number => {
    for (const time of times) {
      const d = time(a) - time(b)
      if (d !== 0) return d
    }
    return 0
  }
  return entries.map((e, i) => ({ e, i })).sort((a, b) => compare(a.e, b.e) || a.i - b.i).map((x) => x.e)
}

type WindowStoreAll<K, VA> = { fetchAll(timeFrom: number, timeTo: number): AsyncIterable<KeyValue<Windowed<K>, ValueAndTimestamp<VA>>> }

/** Time and sliding windows: windows starting in [lower, upper], with their max record timestamp. */
export async function fetchWindows<K, VA>(store: WindowStoreAll<K, VA>, lower: number, upper: number): Promise<FinalResult<K, VA>[]> {
  const found = await collect(store.fetchAll(lower, upper))
  return byTime(found, (kv) => kv.key.window.start).map((kv) => ({ key: kv.key, value: kv.value.value, timestamp: kv.value.timestamp }))
}

export type { MaybePromise }
