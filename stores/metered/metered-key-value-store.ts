import type { CacheFlushListener, CachedStateStore } from '../cached-state-store.js'
import type { KeyValue } from '../key-value.js'
import type { KeyValueBytesStore, KeyValueStore } from '../key-value-store.js'
import { mapMaybe, type MaybePromise } from '../maybe-promise.js'
import type { Serde } from '../serde.js'
import { mapIterable } from '../internals/async-iterable.js'
import { BYTES_SERDE } from '../internals/bytes-serde.js'
import { MeteredStore } from './metered-store.js'

/**
 * The outermost layer: applies serdes (serde topic = the changelog topic name, as Kafka Streams)
 * around a bytes store. Synchronous answers from below stay synchronous.
 */
export class MeteredKeyValueStore<K, V>
  extends MeteredStore<KeyValueBytesStore, K, V>
  implements KeyValueStore<K, V>, CachedStateStore<K, V>
{
  setFlushListener(listener: CacheFlushListener<K, V>, sendOldValues: boolean): boolean {
    const s = this.serdes
    return this.setFlushListenerBelow<Buffer>(
      () => (key, newValue, oldValue, context) => listener(s.key(key), s.value(newValue), s.value(oldValue), context),
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
    return this.typed(this.inner.range(this.serdes.rawBound(from), this.serdes.rawBound(to)))
  }
  reverseRange(from: K | null, to: K | null): AsyncIterable<KeyValue<K, V>> {
    return this.typed(this.inner.reverseRange(this.serdes.rawBound(from), this.serdes.rawBound(to)))
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

  private typed(raw: AsyncIterable<KeyValue<Buffer, Buffer>>): AsyncIterable<KeyValue<K, V>> {
    const s = this.serdes
    return mapIterable(raw, (kv) => ({ key: s.key(kv.key), value: s.value(kv.value) as V }))
  }
}
