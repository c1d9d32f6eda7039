import type { CacheFlushListener, CachedStateStore } from '../cached-state-store.js'
import { isCachedStateStore } from '../cached-state-store.js'
import type { KeyValue, Windowed } from '../key-value.js'
import { mapMaybe, type MaybePromise } from '../maybe-promise.js'
import type { Serde } from '../serde.js'
import type { StateStore, StateStoreContext } from '../state-store.js'
import type { WindowBytesStore, WindowStore } from '../window-store.js'
import { mapIterable } from '../internals/async-iterable.js'
import { StateSerdes } from './state-serdes.js'

/** Typed window store over a bytes one (serde topic = changelog topic). */
export class MeteredWindowStore<K, V> implements WindowStore<K, V>, CachedStateStore<Windowed<K>, V> {
  private readonly serdes: StateSerdes<K, V>

  constructor(
    readonly inner: WindowBytesStore,
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
  ) {
    this.serdes = new StateSerdes(inner.name, keySerde, valueSerde)
  }

  get name(): string {
    return this.inner.name
  }
  get persistent(): boolean {
    return this.inner.persistent
  }
  get windowSize(): number {
    return this.inner.windowSize
  }

  init(context: StateStoreContext, root: StateStore = this): Promise<void> {
    this.serdes.topic = context.changelogTopic(this.name)
    return this.inner.init(context, root)
  }
  flush(): Promise<void> {
    return this.inner.flush()
  }
  close(): Promise<void> {
    return this.inner.close()
  }
  isOpen(): boolean {
    return this.inner.isOpen()
  }

  setFlushListener(listener: CacheFlushListener<Windowed<K>, V>, sendOldValues: boolean): boolean {
    if (!isCachedStateStore(this.inner)) return false
    const s = this.serdes
    return (this.inner as unknown as CachedStateStore<Windowed<Buffer>, Buffer>).setFlushListener(
      (key, newValue, oldValue, context) =>
        listener({ key: s.key(key.key), window: key.window }, s.value(newValue), s.value(oldValue), context),
      sendOldValues,
    )
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
    const from = keyFrom === null || keyFrom === undefined ? null : s.rawKey(keyFrom)
    const to = keyTo === null || keyTo === undefined ? null : s.rawKey(keyTo)
    return this.typed(this.inner.fetchKeyRange(from, to, timeFrom, timeTo))
  }

  fetchAll(timeFrom: number, timeTo: number): AsyncIterable<KeyValue<Windowed<K>, V>> {
    return this.typed(this.inner.fetchAll(timeFrom, timeTo))
  }

  all(): AsyncIterable<KeyValue<Windowed<K>, V>> {
    return this.typed(this.inner.all())
  }

  private typed(raw: AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>>): AsyncIterable<KeyValue<Windowed<K>, V>> {
    const s = this.serdes
    return mapIterable(raw, (kv) => ({ key: { key: s.key(kv.key.key), window: kv.key.window }, value: s.value(kv.value) as V }))
  }
}
