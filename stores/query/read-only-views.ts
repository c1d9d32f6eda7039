import type { KeyValue, ValueAndTimestamp, Windowed } from '../key-value.js'
import type { ReadOnlyKeyValueStore } from '../key-value-store.js'
import { mapMaybe, type MaybePromise } from '../maybe-promise.js'
import type { Serde } from '../serde.js'
import type { ReadOnlySessionStore } from '../session-store.js'
import type { ReadOnlyWindowStore } from '../window-store.js'
import { mapIterable } from '../internals/async-iterable.js'

/**
 * Read-only views for interactive queries: they expose reads only, so callers outside the
 * processing path cannot write. The timestamped facades answer plain values, as Kafka Streams'
 * `QueryableStoreTypes.keyValueStore()` does over a timestamped store.
 */
export function readOnlyKeyValueStore<K, V>(store: ReadOnlyKeyValueStore<K, V>): ReadOnlyKeyValueStore<K, V> {
  return {
    get: (key) => store.get(key),
    range: (from, to) => store.range(from, to),
    reverseRange: (from, to) => store.reverseRange(from, to),
    all: () => store.all(),
    reverseAll: () => store.reverseAll(),
    prefixScan: <P>(prefix: P, serde: Serde<P>) => store.prefixScan(prefix, serde),
    approximateNumEntries: () => store.approximateNumEntries(),
  }
}

export function readOnlyWindowStore<K, V>(store: ReadOnlyWindowStore<K, V>): ReadOnlyWindowStore<K, V> {
  return {
    get windowSize() {
      return store.windowSize
    },
    fetch: (key, start) => store.fetch(key, start),
    fetchRange: (key, from, to) => store.fetchRange(key, from, to),
    backwardFetchRange: (key, from, to) => store.backwardFetchRange(key, from, to),
    fetchKeyRange: (keyFrom, keyTo, from, to) => store.fetchKeyRange(keyFrom, keyTo, from, to),
    fetchAll: (from, to) => store.fetchAll(from, to),
    all: () => store.all(),
  }
}

export function readOnlySessionStore<K, V>(store: ReadOnlySessionStore<K, V>): ReadOnlySessionStore<K, V> {
  return {
    findSessions: (key, earliestEnd, latestStart) => store.findSessions(key, earliestEnd, latestStart),
    fetchSession: (key, start, end) => store.fetchSession(key, start, end),
    fetch: (key) => store.fetch(key),
  }
}

const plain = <V>(vt: ValueAndTimestamp<V> | null): V | null => (vt === null ? null : vt.value)
const plainKv = <K, V>(kv: KeyValue<K, ValueAndTimestamp<V>>): KeyValue<K, V> => ({ key: kv.key, value: kv.value.value })

/** A timestamped key-value store seen as a plain one (values without timestamps). */
export function timestampedKeyValueFacade<K, V>(store: ReadOnlyKeyValueStore<K, ValueAndTimestamp<V>>): ReadOnlyKeyValueStore<K, V> {
  return {
    get: (key) => mapMaybe(store.get(key), plain),
    range: (from, to) => mapIterable(store.range(from, to), plainKv),
    reverseRange: (from, to) => mapIterable(store.reverseRange(from, to), plainKv),
    all: () => mapIterable(store.all(), plainKv),
    reverseAll: () => mapIterable(store.reverseAll(), plainKv),
    prefixScan: <P>(prefix: P, serde: Serde<P>) => mapIterable(store.prefixScan(prefix, serde), plainKv),
    approximateNumEntries: () => store.approximateNumEntries(),
  }
}

/** A timestamped window store seen as a plain one. */
export function timestampedWindowFacade<K, V>(store: ReadOnlyWindowStore<K, ValueAndTimestamp<V>>): ReadOnlyWindowStore<K, V> {
  return {
    get windowSize() {
      return store.windowSize
    },
    fetch: (key, start) => mapMaybe(store.fetch(key, start), plain),
    fetchRange: (key, from, to) => mapIterable(store.fetchRange(key, from, to), plainKv),
    backwardFetchRange: (key, from, to) => mapIterable(store.backwardFetchRange(key, from, to), plainKv),
    fetchKeyRange: (keyFrom, keyTo, from, to) =>
      mapIterable(store.fetchKeyRange(keyFrom, keyTo, from, to), plainKv<Windowed<K>, V>),
    fetchAll: (from, to) => mapIterable(store.fetchAll(from, to), plainKv<Windowed<K>, V>),
    all: () => mapIterable(store.all(), plainKv<Windowed<K>, V>),
  }
}

/**
 * One view over the same store in several local tasks (one per partition): point reads answer
 * from the first store holding the key; scans visit each store in turn, as Kafka Streams'
 * composite stores do.
 */
export function compositeReadOnlyKeyValueStore<K, V>(stores: ReadOnlyKeyValueStore<K, V>[]): ReadOnlyKeyValueStore<K, V> {
  const concat = (pick: (s: ReadOnlyKeyValueStore<K, V>) => AsyncIterable<KeyValue<K, V>>): AsyncIterable<KeyValue<K, V>> => ({
    async *[Symbol.asyncIterator]() {
      for (const s of stores) yield* pick(s)
    },
  })
  return {
    get(key) {
      return firstNonNull(stores.map((s) => () => s.get(key)))
    },
    range: (from, to) => concat((s) => s.range(from, to)),
    reverseRange: (from, to) => concat((s) => s.reverseRange(from, to)),
    all: () => concat((s) => s.all()),
    reverseAll: () => concat((s) => s.reverseAll()),
    prefixScan: <P>(prefix: P, serde: Serde<P>) => concat((s) => s.prefixScan(prefix, serde)),
    approximateNumEntries() {
      let total = 0
      const pending: Promise<number>[] = []
      for (const s of stores) {
        const n = s.approximateNumEntries()
        if (n instanceof Promise) pending.push(n)
        else total += n
      }
      return pending.length === 0 ? total : Promise.all(pending).then((ns) => ns.reduce((a, n) => a + n, total))
    },
  }
}

function concatAll<T>(sources: (() => AsyncIterable<T>)[]): AsyncIterable<T> {
  return {
    async *[Symbol.asyncIterator]() {
      for (const source of sources) yield* source()
    },
  }
}

/** One view over a window store's local tasks, as compositeReadOnlyKeyValueStore. */
export function compositeReadOnlyWindowStore<K, V>(stores: ReadOnlyWindowStore<K, V>[]): ReadOnlyWindowStore<K, V> {
  if (stores.length === 0) throw new RangeError('compositeReadOnlyWindowStore needs at least one store')
  return {
    windowSize: stores[0].windowSize,
    fetch: (key, start) => firstNonNull(stores.map((s) => () => s.fetch(key, start))),
    // A key lives in one task (its partition), so the first store holding it answers.
    fetchRange: (key, from, to) => concatAll(stores.map((s) => () => s.fetchRange(key, from, to))),
    backwardFetchRange: (key, from, to) => concatAll(stores.map((s) => () => s.backwardFetchRange(key, from, to))),
    fetchKeyRange: (keyFrom, keyTo, from, to) => concatAll(stores.map((s) => () => s.fetchKeyRange(keyFrom, keyTo, from, to))),
    fetchAll: (from, to) => concatAll(stores.map((s) => () => s.fetchAll(from, to))),
    all: () => concatAll(stores.map((s) => () => s.all())),
  }
}

/** One view over a session store's local tasks. */
export function compositeReadOnlySessionStore<K, V>(stores: ReadOnlySessionStore<K, V>[]): ReadOnlySessionStore<K, V> {
  return {
    findSessions: (key, earliestEnd, latestStart) => concatAll(stores.map((s) => () => s.findSessions(key, earliestEnd, latestStart))),
    fetchSession: (key, start, end) => firstNonNull(stores.map((s) => () => s.fetchSession(key, start, end))),
    fetch: (key) => concatAll(stores.map((s) => () => s.fetch(key))),
  }
}

function firstNonNull<V>(reads: (() => MaybePromise<V | null>)[], from = 0): MaybePromise<V | null> {
  for (let i = from; i < reads.length; i++) {
    const r = reads[i]()
    if (r instanceof Promise) return r.then((v) => (v !== null ? v : firstNonNull(reads, i + 1)))
    if (r !== null) return r
  }
  return null
}
