import type { Serde } from '../serde.js'
import type { SessionBytesStore, SessionStore } from '../session-store.js'
import type { SessionBytesStoreSupplier } from '../store-supplier.js'
import { CachingSessionStore } from '../caching/caching-session-store.js'
import { ChangeLoggingSessionStore } from '../logging/change-logging-session-store.js'
import { MeteredSessionStore } from '../metered/metered-session-store.js'
import { SerdeStoreBuilder } from './serde-store-builder.js'

/** metered(serdes) → caching? → change-logging? → the supplier's bytes session store. */
export class SessionStoreBuilder<K, V> extends SerdeStoreBuilder<SessionStore<K, V>, SessionBytesStoreSupplier, K, V> {
  constructor(supplier: SessionBytesStoreSupplier, keySerde: Serde<K>, valueSerde: Serde<V>) {
    super(supplier, keySerde, valueSerde, 'sessionStoreBuilder: a session store supplier is required')
  }

  build(): SessionStore<K, V> {
    let store: SessionBytesStore = this.supplier.get()
    if (this.loggingEnabled) store = new ChangeLoggingSessionStore(store)
    if (this.cachingEnabled) store = new CachingSessionStore(store, this.supplier.retentionPeriod)
    return new MeteredSessionStore(store, this.keySerde, this.valueSerde)
  }
}
