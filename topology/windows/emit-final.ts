import { Stores } from '../../stores/stores.js'
import type { StateStore } from '../../stores/state-store.js'
import type { StoreBuilder } from '../../stores/store-builder.js'
import type { Materialized } from '../options/materialized.js'
import { Serdes } from '../serdes/serdes.js'
import { NO_TIMESTAMP } from './aggregate-output.js'
import { collect, isPromise, type KeyValue, type KeyValueStoreView, type MaybePromise, type ValueAndTimestamp } from './store-views.js'
import { PendingWindowTimes } from './pending-window-times.js'
import type { Window, Windowed } from './window.js'

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
  /**
   * Where a written window lies in the store range read (sliding: its start; session: its end), so
   * that the emitter reads only once one of the windows written can have closed; null to read
   * whenever shouldFetch says so (time windows, which skip by window boundaries instead).
   */
  readonly rangeTime: ((window: Window) => number) | null
  /** Every window of the store at or after `lower` in the range (with rangeTime only). */
  scanFrom?(store: any, lower: number): AsyncIterable<KeyValue<Windowed<K>, unknown>>
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
const NOT_BLIND = Number.NEGATIVE_INFINITY
type Need = 0 | 1 | 2
const SKIP: Need = 0
const READ: Need = 1
const PROBE: Need = 2

/**
 * Emit-on-window-close (Kafka Streams' AbstractKStreamTimeWindowAggregateProcessor and the session
 * aggregate's ON_WINDOW_CLOSE path): after each record, when the window close time (stream time -
 * delay) passed the last one emitted, forwards every window that closed since, read from the store,
 * and records the new close time. Kafka Streams throttles this check to once per
 * `emit.interval.ms.kstreams.windowed.aggregation` of wall-clock time (1 s; 0 in its test driver);
 * kstreams checks on every record, so which windows are emitted, and when in stream time, does not
 * depend on the wall clock. To keep that check cheap, the aggregation tells the emitter where the
 * windows it writes (and, for sessions, deletes) lie in the store range, and the store is read only
 * once the range reaches one of them: a read that would find nothing is skipped, which changes no
 * output (the next read starts where the last one ended).
 */
export class WindowCloseEmitter<K, VA> {
  private lastEmitCloseTime = NO_TIMESTAMP
  private loaded: Promise<void> | null = null
  private readonly pending: PendingWindowTimes | null
  /**
   * After a start (restart, restore, migration) the store may hold windows written before, which
   * the emitter never saw: unless a look at the store shows none, it reads on every advance until a
   * read reached this stream time (its first), at or after the range time of every such window.
   */
  private blindThrough = NOT_BLIND
  private probed = false

  constructor(
    private readonly reader: ClosedWindowReader<K, VA>,
    private readonly store: unknown,
    private readonly meta: KeyValueStoreView<string, number>,
    private readonly storeName: string,
  ) {
    this.pending = reader.rangeTime === null ? null : new PendingWindowTimes()
  }

  /** The aggregation put (or, `deleted`, removed) this window in the store. */
  written(window: Window, deleted: boolean): void {
    const pending = this.pending
    if (pending === null) return
    const time = this.reader.rangeTime!(window)
    if (deleted) pending.remove(time)
    else pending.add(time)
  }

  /** Called after each processed record with the aggregation's stream time. */
  maybeEmit(streamTime: number, forward: (result: FinalResult<K, VA>) => void | Promise<void>): void | Promise<void> {
    const closeTime = streamTime - this.reader.closeDelayMs
    // the common case stays synchronous: nothing can have closed since the last read
    if (this.loaded === DONE) return this.act(closeTime, forward)
    if (this.loaded === null) {
      this.blindThrough = streamTime
      this.loaded = this.load()
    }
    return this.loaded.then(() => this.act(closeTime, forward))
  }

  private act(closeTime: number, forward: (result: FinalResult<K, VA>) => void | Promise<void>): void | Promise<void> {
    const need = this.need(closeTime)
    if (need === SKIP) return
    return need === READ ? this.emit(closeTime, forward) : this.probeThenEmit(closeTime, forward)
  }

  private async load(): Promise<void> {
    const last = await this.meta.get(this.storeName)
    if (last !== null && last !== undefined) this.lastEmitCloseTime = last
    this.loaded = DONE
  }

  /** Whether windows can have closed since the last read: the close time progressed past a window. */
  private need(closeTime: number): Need {
    const last = this.lastEmitCloseTime
    if (last !== NO_TIMESTAMP && last >= closeTime) return SKIP
    const upper = this.reader.rangeUpperBound(closeTime)
    if (upper < 0) return SKIP // no window closed ever
    if (!this.reader.shouldFetch(last, this.reader.rangeLowerBound(last), upper)) return SKIP
    if (this.pending === null || upper >= this.pending.min()) return READ
    if (this.blindThrough === NOT_BLIND) return SKIP
    return this.probed ? READ : PROBE
  }

  /**
   * The first read the pending windows alone would skip after a start: it is skipped, and the
   * emitter stops reading blind, when every window the store holds past the last read is one the
   * emitter was told of (a fresh task: only the windows of its first records).
   */
  private async probeThenEmit(closeTime: number, forward: (result: FinalResult<K, VA>) => void | Promise<void>): Promise<void> {
    this.probed = true
    const pending = this.pending!
    const rangeTime = this.reader.rangeTime!
    const lower = this.reader.rangeLowerBound(this.lastEmitCloseTime)
    if (this.reader.scanFrom !== undefined) {
      // as many windows at a time as writes pending there: a removal of a window written before
      // the start could otherwise take back the count of one written since
      const seen = new Map<number, number>()
      let unknown = false
      for await (const kv of this.reader.scanFrom(this.store, lower)) {
        const time = rangeTime(kv.key.window)
        const n = (seen.get(time) ?? 0) + 1
        seen.set(time, n)
        if (n > pending.countOf(time)) {
          unknown = true
          break
        }
      }
      if (!unknown) {
        this.blindThrough = NOT_BLIND
        return
      }
    }
    return this.emit(closeTime, forward)
  }

  private async emit(closeTime: number, forward: (result: FinalResult<K, VA>) => void | Promise<void>): Promise<void> {
    const upper = this.reader.rangeUpperBound(closeTime)
    const lower = this.reader.rangeLowerBound(this.lastEmitCloseTime)
    if (this.pending !== null) {
      this.pending.dropThrough(upper)
      if (upper >= this.blindThrough) this.blindThrough = NOT_BLIND
    }
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

export type WindowStoreAll<K, VA> = { fetchAll(timeFrom: number, timeTo: number): AsyncIterable<KeyValue<Windowed<K>, ValueAndTimestamp<VA>>> }

/** Time and sliding windows: windows starting in [lower, upper], with their max record timestamp. */
export async function fetchWindows<K, VA>(store: WindowStoreAll<K, VA>, lower: number, upper: number): Promise<FinalResult<K, VA>[]> {
  const found = await collect(store.fetchAll(lower, upper))
  return byTime(found, (kv) => kv.key.window.start).map((kv) => ({ key: kv.key, value: kv.value.value, timestamp: kv.value.timestamp }))
}

export type { MaybePromise }
