import type { KeyValue, Windowed } from '../../stores/key-value.js'
import type { WindowStore } from '../../stores/window-store.js'
import { deferredScan, viewOrNull, type StoreRef, type ValueView } from './deferred-store.js'

/**
 * The driver's view of a window store, available before the driver has started: every read
 * waits for the store. Over a timestamped window store `getWindowStore` answers plain values
 * and `getTimestampedWindowStore` ValueAndTimestamp, as in Kafka Streams' driver.
 */
export class WindowStoreFacade<K, V> {
  /** @internal Made by TopologyTestDriver. */
  constructor(
    readonly name: string,
    private readonly store: StoreRef<WindowStore<K, any>>,
    private readonly view: ValueView<any, V>,
    private readonly size: () => number,
  ) {}

  get windowSize(): number {
    return this.size()
  }

  async fetch(key: K, windowStart: number): Promise<V | null> {
    return viewOrNull(await (await this.store()).fetch(key, windowStart), this.view)
  }

  /** Windows of `key` starting in [timeFrom, timeTo], by window start. */
  fetchRange(key: K, timeFrom: number, timeTo: number): AsyncIterable<KeyValue<number, V>> {
    return deferredScan(this.store, (s) => s.fetchRange(key, timeFrom, timeTo), this.view)
  }

  backwardFetchRange(key: K, timeFrom: number, timeTo: number): AsyncIterable<KeyValue<number, V>> {
    return deferredScan(this.store, (s) => s.backwardFetchRange(key, timeFrom, timeTo), this.view)
  }

  /** Keys in [keyFrom, keyTo] (null = open), windows starting in [timeFrom, timeTo]. */
  fetchKeyRange(keyFrom: K | null, keyTo: K | null, timeFrom: number, timeTo: number): AsyncIterable<KeyValue<Windowed<K>, V>> {
    return deferredScan(this.store, (s) => s.fetchKeyRange(keyFrom, keyTo, timeFrom, timeTo), this.view)
  }

  fetchAll(timeFrom: number, timeTo: number): AsyncIterable<KeyValue<Windowed<K>, V>> {
    return deferredScan(this.store, (s) => s.fetchAll(timeFrom, timeTo), this.view)
  }

  all(): AsyncIterable<KeyValue<Windowed<K>, V>> {
    return deferredScan(this.store, (s) => s.all(), this.view)
  }

  /** A null value deletes the window; a timestamped store records the window start as the timestamp, as Kafka Streams' facade. */
  async put(key: K, value: V | null, windowStart: number): Promise<void> {
    await (await this.store()).put(key, value === null ? null : this.view.write(value, windowStart), windowStart)
  }

  /** Every window, in store order. */
  async toArray(): Promise<KeyValue<Windowed<K>, V>[]> {
    const out: KeyValue<Windowed<K>, V>[] = []
    for await (const kv of this.all()) out.push(kv)
    return out
  }
}
