import type { Serde } from '../serde.js'
import type { SessionBytesStore, SessionStore } from '../session-store.js'
import type { SessionBytesStoreSupplier } from '../store-supplier.js'
import { CachingSessionStore } from '../caching/caching-session-store.js'
import { ChangeLoggingSessionStore } from '../logging/change-logging-session-store.js'
import { MeteredSessionStore } from '../metered/metered-session-store.js'
import { AbstractStoreBuilder } from './abstract-store-builder.js'

/** metered(serdes) → caching? → change-logging? → the supplier's bytes session store. */
export class SessionStoreBuilder<K, V> extends AbstractStoreBuilder<SessionStore<K, V>> {
  constructor(
    readonly supplier: SessionBytesStoreSupplier,
    readonly keySerde: Serde<K>,
    readonly valueSerde: Serde<V>,
  ) {
    if (!supplier || typeof supplier.get !== 'function') throw new TypeError('sessionStoreBuilder: a session store supplier is required')
    super(supplier.name)
  }

  build(): SessionStore<K, V> {
    let store: SessionBytesStore = this.supplier.get()
    if (this.loggingEnabled) store = new ChangeLoggingSessionStore(store)
    if (this.cachingEnabled) store = new CachingSessionStore(store, this.supplier.retentionPeriod)
    return new MeteredSessionStore(store, this.keySerde, this.valueSerde)
  }
}
