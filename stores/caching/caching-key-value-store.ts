import type { KeyValue } from '../key-value.js'
import type { KeyValueBytesStore } from '../key-value-store.js'
import type { MaybePromise } from '../maybe-promise.js'
import type { Serde } from '../serde.js'
import { CachingStore, slotEntry, type CacheSlot } from './caching-store.js'
import { mergeSorted } from './merge-sorted.js'
import { BYTES_SERDE } from '../internals/bytes-serde.js'

/**
 * Write-back cache in front of a bytes key-value store. Hits answer synchronously without
 * touching the store below; consecutive writes of a key reach the store, the changelog and the
 * flush listener once per flush, with the value below as the old value.
 */
export class CachingKeyValueStore extends CachingStore<KeyValueBytesStore, Buffer> implements KeyValueBytesStore {
  constructor(inner: KeyValueBytesStore) {
    super(inner, {
      get: (key) => inner.get(key),
      put: (key, value) => inner.put(key, value),
      listenerKey: (key) => key,
    })
  }

  get(key: Buffer): MaybePromise<Buffer | null> {
    const cache = this.layer.cache
    const hit = cache.get(key)
    if (hit !== undefined) return hit.value
    const below = this.inner.get(key)
    if (below instanceof Promise) {
      return below.then((value) => {
        if (value !== null) cache.putClean(key, value)
        return value
      })
    }
    if (below !== null) cache.putClean(key, below)
    return below
  }

  put(key: Buffer, value: Buffer | null): MaybePromise<void> {
    if (key === null || key === undefined) throw new TypeError(`State store "${this.name}": key must not be null`)
    return this.layer.cache.put(key, value, this.layer.recordContext())
  }

  putIfAbsent(key: Buffer, value: Buffer): MaybePromise<Buffer | null> {
    const existing = this.get(key)
    const then = (current: Buffer | null): MaybePromise<Buffer | null> => {
      if (current !== null) return current
      const done = this.put(key, value)
      return done instanceof Promise ? done.then(() => null) : null
    }
    return existing instanceof Promise ? existing.then(then) : then(existing)
  }

  putAll(entries: KeyValue<Buffer, Buffer | null>[]): MaybePromise<void> {
    for (let i = 0; i < entries.length; i++) {
      const done = this.put(entries[i].key, entries[i].value)
      if (done instanceof Promise) return done.then(() => this.putAll(entries.slice(i + 1)))
    }
  }

  delete(key: Buffer): MaybePromise<Buffer | null> {
    const existing = this.get(key)
    const then = (old: Buffer | null): MaybePromise<Buffer | null> => {
      const done = this.put(key, null)
      return done instanceof Promise ? done.then(() => old) : old
    }
    return existing instanceof Promise ? existing.then(then) : then(existing)
  }

  range(from: Buffer | null, to: Buffer | null): AsyncIterable<KeyValue<Buffer, Buffer>> {
    return this.merged(from, to, false, this.inner.range(from, to))
  }
  reverseRange(from: Buffer | null, to: Buffer | null): AsyncIterable<KeyValue<Buffer, Buffer>> {
    return this.merged(from, to, true, this.inner.reverseRange(from, to))
  }
  all(): AsyncIterable<KeyValue<Buffer, Buffer>> {
    return this.merged(null, null, false, this.inner.all())
  }
  reverseAll(): AsyncIterable<KeyValue<Buffer, Buffer>> {
    return this.merged(null, null, true, this.inner.reverseAll())
  }

  prefixScan<P>(prefix: P, prefixSerde: Serde<P>): AsyncIterable<KeyValue<Buffer, Buffer>> {
    const raw = prefixSerde.serialize(this.name, prefix)
    if (raw === null) throw new TypeError(`State store "${this.name}": prefix serialized to null`)
    const cache = this.layer.cache
    return mergeSorted<CacheSlot, KeyValue<Buffer, Buffer>, KeyValue<Buffer, Buffer>>(
      () => cache.prefix(raw),
      this.inner.prefixScan(raw, BYTES_SERDE),
      (c, s) => Buffer.compare(c.value.key, s.key),
      slotEntry,
      (s) => s,
    )
  }

  approximateNumEntries(): MaybePromise<number> {
    return this.inner.approximateNumEntries()
  }

  private merged(
    from: Buffer | null,
    to: Buffer | null,
    reverse: boolean,
    below: AsyncIterable<KeyValue<Buffer, Buffer>>,
  ): AsyncIterable<KeyValue<Buffer, Buffer>> {
    const cache = this.layer.cache
    const sign = reverse ? -1 : 1
    return mergeSorted<CacheSlot, KeyValue<Buffer, Buffer>, KeyValue<Buffer, Buffer>>(
      () => cache.range(from, to, reverse),
      below,
      (c, s) => sign * Buffer.compare(c.value.key, s.key),
      slotEntry,
      (s) => s,
    )
  }
}
