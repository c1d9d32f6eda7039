import { SessionStoreBuilder } from '../../stores/builders/session-store-builder.js'
import { TimestampedKeyValueStoreBuilder } from '../../stores/builders/key-value-store-builder.js'
import { TimestampedWindowStoreBuilder, WindowStoreBuilder } from '../../stores/builders/window-store-builder.js'
import { InvalidStateStoreError } from '../../stores/internals/store-errors.js'
import type { KeyValue, ValueAndTimestamp, Windowed } from '../../stores/key-value.js'
import { compositeReadOnlySessionStore, compositeReadOnlyWindowStore, timestampedWindowFacade } from '../../stores/query/read-only-views.js'
import type { ReadOnlySessionStore } from '../../stores/session-store.js'
import type { ReadOnlyWindowStore } from '../../stores/window-store.js'

/** What a store holds, as Kafka Streams' QueryableStoreTypes: keyValue, window, session or versioned (key-value). */
export type QueryableStoreType = 'keyValue' | 'window' | 'session' | 'versioned'

export function storeTypeOf(builder: unknown): { type: QueryableStoreType; timestamped: boolean } {
  if ((builder as { versioned?: unknown } | null)?.versioned === true) return { type: 'versioned', timestamped: false }
  if (builder instanceof TimestampedWindowStoreBuilder) return { type: 'window', timestamped: true }
  if (builder instanceof WindowStoreBuilder) return { type: 'window', timestamped: false }
  if (builder instanceof SessionStoreBuilder) return { type: 'session', timestamped: false }
  return { type: 'keyValue', timestamped: builder instanceof TimestampedKeyValueStoreBuilder }
}

const NOTHING: AsyncIterable<never> = {
  async *[Symbol.asyncIterator]() {},
}

/**
 * A read-only window view over the instance's current tasks holding store `name`: every call
 * looks up the tasks afresh (they move with rebalances). Timestamped stores answer plain values.
 */
export function windowStoreView<K, V>(name: string, stores: () => unknown[], timestamped: boolean): ReadOnlyWindowStore<K, V> {
  const current = (): ReadOnlyWindowStore<K, V> | null => {
    const local = stores()
    if (local.length === 0) return null
    return timestamped
      ? timestampedWindowFacade(compositeReadOnlyWindowStore(local as ReadOnlyWindowStore<K, ValueAndTimestamp<V>>[]))
      : compositeReadOnlyWindowStore(local as ReadOnlyWindowStore<K, V>[])
  }
  return {
    get windowSize(): number {
      const s = current()
      if (!s) throw new InvalidStateStoreError(name, 'has no instance on this application instance right now (no task holding it is assigned here)')
      return s.windowSize
    },
    fetch: (key, start) => current()?.fetch(key, start) ?? null,
    fetchRange: (key, from, to) => current()?.fetchRange(key, from, to) ?? NOTHING,
    backwardFetchRange: (key, from, to) => current()?.backwardFetchRange(key, from, to) ?? NOTHING,
    fetchKeyRange: (keyFrom, keyTo, from, to): AsyncIterable<KeyValue<Windowed<K>, V>> => current()?.fetchKeyRange(keyFrom, keyTo, from, to) ?? NOTHING,
    fetchAll: (from, to) => current()?.fetchAll(from, to) ?? NOTHING,
    all: () => current()?.all() ?? NOTHING,
  }
}

/** A read-only session view over the instance's current tasks holding store `name`. */
export function sessionStoreView<K, V>(stores: () => unknown[]): ReadOnlySessionStore<K, V> {
  const current = () => compositeReadOnlySessionStore(stores() as ReadOnlySessionStore<K, V>[])
  return {
    findSessions: (key, earliestEnd, latestStart) => current().findSessions(key, earliestEnd, latestStart),
    fetchSession: (key, start, end) => current().fetchSession(key, start, end),
    fetch: key => current().fetch(key),
  }
}
