import type { CacheFlushListener, CachedStateStore } from '../cached-state-store.js'
import { isCachedStateStore } from '../cached-state-store.js'
import type { KeyValue } from '../key-value.js'
import type { KeyValueBytesStore, KeyValueStore } from '../key-value-store.js'
import { mapMaybe, type MaybePromise } from '../maybe-promise.js'
import type { Serde } from '../serde.js'
import type { StateStore, StateStoreContext } from '../state-store.js'
import { mapIterable } from '../internals/async-iterable.js'
import { BYTES_SERDE } from '../internals/bytes-serde.js'
import { StateSerdes } from './state-serdes.js'

/**
 * The outermost layer: applies serdes (serde topic = the changelog topic name, as Kafka Streams)
 * around a bytes store. Synchronous answers from below stay synchronous.
 */
export class MeteredKeyValueStore<K, V> implements KeyValueStore<K, V>, CachedStateStore<K, V> {
  protected readonly serdes: StateSerdes<K, V>

  constructor(
    readonly inner: KeyValueBytesStore,
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

  setFlushListener(listener: CacheFlushListener<K, V>, sendOldValues: boolean): boolean {
    if (!isCachedStateStore(this.inner)) return false
    const s = this.serdes
    return (this.inner as unknown as CachedStateStore<Buffer, Buffer>).setFlushListener(
      (key, newValue, oldValue, context) => listener(s.key(key), s.value(newValue), s.value(oldValue), context),
      sendOldValues,
    )
  }

  get(key: K): MaybePromise<V | null> {
    const raw = this.inner.get(this.serdes.rawKey(key))
    return raw instanceof Promise ? raw.then((r) => this.serdes.value(r)) : this.serdes.value(raw)
  }

  put(key: K, value: V | null): MaybePromise<void> {
    return this.inner.put(this.serdes.rawKey(key), this.serdes.rawValue(value))
  }

  putIfAbsent(key: K, value: V): MaybePromise<V | null> {
    return mapMaybe(this.inner.putIfAbsent(this.serdes.rawKey(key), this.serdes.rawValue(value) as Buffer), (r) =>
      this.serdes.value(r),
    )
  }

  putAll(entries: KeyValue<K, V | null>[]): MaybePromise<void> {
    return this.inner.putAll(entries.map((e) => ({ key: this.serdes.rawKey(e.key), value: this.serdes.rawValue(e.value) })))
  }

  delete(key: K): MaybePromise<V | null> {
    return mapMaybe(this.inner.delete(this.serdes.rawKey(key)), (r) => this.serdes.value(r))
  }

  range(from: K | null, to: K | null): AsyncIterable<KeyValue<K, V>> {
    return this.typed(this.inner.range(this.boundKey(from), this.boundKey(to)))
  }
  reverseRange(from: K | null, to: K | null): AsyncIterable<KeyValue<K, V>> {
    return this.typed(this.inner.reverseRange(this.boundKey(from), this.boundKey(to)))
  }
  all(): AsyncIterable<KeyValue<K, V>> {
    return this.typed(this.inner.all())
  }
  reverseAll(): AsyncIterable<KeyValue<K, V>> {
    return this.typed(this.inner.reverseAll())
  }
  prefixScan<P>(prefix: P, prefixSerde: Serde<P>): AsyncIterable<KeyValue<K, V>> {
    const raw = prefixSerde.serialize(this.serdes.topic, prefix)
    if (raw === null) throw new TypeError(`State store "${this.name}": prefix serialized to null`)
    return this.typed(this.inner.prefixScan(raw, BYTES_SERDE))
  }
  approximateNumEntries(): MaybePromise<number> {
    return this.inner.approximateNumEntries()
  }

  private boundKey(key: K | null): Buffer | null {
    return key === null || key === undefined ? null : this.serdes.rawKey(key)
  }

  private typed(raw: AsyncIterable<KeyValue<Buffer, Buffer>>): AsyncIterable<KeyValue<K, V>> {
    const s = this.serdes
    return mapIterable(raw, (kv) => ({ key: s.key(kv.key), value: s.value(kv.value) as V }))
  }
}
