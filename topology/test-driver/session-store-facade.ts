import type { KeyValue, Windowed } from '../../stores/key-value.js'
import type { SessionStore } from '../../stores/session-store.js'
import type { StoreRef } from './deferred-store.js'

/** The driver's view of a session store, available before the driver has started: every read waits for the store. */
export class SessionStoreFacade<K, V> {
  /** @internal Made by TopologyTestDriver. */
  constructor(
    readonly name: string,
    private readonly store: StoreRef<SessionStore<K, V>>,
  ) {}

  /** Sessions of `key` with end >= earliestSessionEnd and start <= latestSessionStart. */
  findSessions(key: K, earliestSessionEnd: number, latestSessionStart: number): AsyncIterable<KeyValue<Windowed<K>, V>> {
    return this.scan((s) => s.findSessions(key, earliestSessionEnd, latestSessionStart))
  }

  async fetchSession(key: K, sessionStart: number, sessionEnd: number): Promise<V | null> {
    return (await this.store()).fetchSession(key, sessionStart, sessionEnd)
  }

  /** Every session of `key`. */
  fetch(key: K): AsyncIterable<KeyValue<Windowed<K>, V>> {
    return this.scan((s) => s.fetch(key))
  }

  /** A null aggregate removes the session. */
  async put(session: Windowed<K>, aggregate: V | null): Promise<void> {
    await (await this.store()).put(session, aggregate)
  }

  async remove(session: Windowed<K>): Promise<void> {
    await (await this.store()).remove(session)
  }

  private scan(read: (s: SessionStore<K, V>) => AsyncIterable<KeyValue<Windowed<K>, V>>): AsyncIterable<KeyValue<Windowed<K>, V>> {
    const store = this.store
    return {
      async *[Symbol.asyncIterator]() {
        yield* read(await store())
      },
    }
  }
}
