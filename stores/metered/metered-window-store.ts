import type { CacheFlushListener, CachedStateStore } from '../cached-state-store.js'
import type { KeyValue, Windowed } from '../key-value.js'
import { mapMaybe, type MaybePromise } from '../maybe-promise.js'
import type { WindowBytesStore, WindowStore } from '../window-store.js'
import { mapIterable } from '../internals/async-iterable.js'
import { MeteredStore, typedWindowed, windowedFlushListener } from './metered-store.js'

/** Typed window store over a bytes one (serde topic = changelog topic). */
export class MeteredWindowStore<K, V>
  extends MeteredStore<WindowBytesStore, K, V>
  implements WindowStore<K, V>, CachedStateStore<Windowed<K>, V>
{
  get windowSize(): number {
    return this.inner.windowSize
  }

  setFlushListener(listener: CacheFlushListener<Windowed<K>, V>, sendOldValues: boolean): boolean {
    return this.setFlushListenerBelow(() => windowedFlushListener(this.serdes, listener), sendOldValues)
  }

  put(key: K, value: V | null, windowStart: number): MaybePromise<void> {
    return this.inner.put(this.serdes.rawKey(key), this.serdes.rawValue(value), windowStart)
  }

  fetch(key: K, windowStart: number): MaybePromise<V | null> {
    return mapMaybe(this.inner.fetch(this.serdes.rawKey(key), windowStart), (r) => this.serdes.value(r))
  }

  fetchRange(key: K, timeFrom: number, timeTo: number): AsyncIterable<KeyValue<number, V>> {
    const s = this.serdes
    return mapIterable(this.inner.fetchRange(s.rawKey(key), timeFrom, timeTo), (kv) => ({ key: kv.key, value: s.value(kv.value) as V }))
  }

  backwardFetchRange(key: K, timeFrom: number, timeTo: number): AsyncIterable<KeyValue<number, V>> {
    const s = this.serdes
    return mapIterable(this.inner.backwardFetchRange(s.rawKey(key), timeFrom, timeTo), (kv) => ({ key: kv.key, value: s.value(kv.value) as V }))
  }

  fetchKeyRange(keyFrom: K | null, keyTo: K | null, timeFrom: number, timeTo: number): AsyncIterable<KeyValue<Windowed<K>, V>> {
    const s = this.serdes
    return typedWindowed(s, this.inner.fetchKeyRange(s.rawBound(keyFrom), s.rawBound(keyTo), timeFrom, timeTo))
  }

  fetchAll(timeFrom: number, timeTo: number): AsyncIterable<KeyValue<Windowed<K>, V>> {
    return typedWindowed(this.serdes, this.inner.fetchAll(timeFrom, timeTo))
  }

  all(): AsyncIterable<KeyValue<Windowed<K>, V>> {
    return typedWindowed(this.serdes, this.inner.all())
  }
}
