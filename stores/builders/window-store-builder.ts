import type { Serde } from '../serde.js'
import type { WindowBytesStoreSupplier } from '../store-supplier.js'
import type { TimestampedWindowStore, WindowBytesStore, WindowStore } from '../window-store.js'
import { CachingWindowStore } from '../caching/caching-window-store.js'
import { ChangeLoggingTimestampedWindowStore, ChangeLoggingWindowStore } from '../logging/change-logging-window-store.js'
import { MeteredWindowStore } from '../metered/metered-window-store.js'
import { valueAndTimestampSerde } from '../internals/value-and-timestamp-serde.js'
import { SerdeStoreBuilder } from './serde-store-builder.js'

function layers(supplier: WindowBytesStoreSupplier, logging: boolean, caching: boolean, timestamped: boolean): WindowBytesStore {
  let store = supplier.get()
  if (logging) {
    store = timestamped
      ? new ChangeLoggingTimestampedWindowStore(store, supplier.retainDuplicates)
      : new ChangeLoggingWindowStore(store, supplier.retainDuplicates)
  }
  // Join buffers keep every record: a cache would merge duplicates, so Kafka Streams skips it.
  if (caching && !supplier.retainDuplicates) {
    store = new CachingWindowStore(store, supplier.retentionPeriod, supplier.segmentInterval)
  }
  return store
}

/** metered(serdes) → caching? → change-logging? → the supplier's bytes window store. */
export class WindowStoreBuilder<K, V> extends SerdeStoreBuilder<WindowStore<K, V>, WindowBytesStoreSupplier, K, V> {
  constructor(supplier: WindowBytesStoreSupplier, keySerde: Serde<K>, valueSerde: Serde<V>) {
    super(supplier, keySerde, valueSerde, 'windowStoreBuilder: a window store supplier is required')
  }

  build(): WindowStore<K, V> {
    return new MeteredWindowStore(layers(this.supplier, this.loggingEnabled, this.cachingEnabled, false), this.keySerde, this.valueSerde)
  }
}

/** As WindowStoreBuilder, storing ValueAndTimestamp<V> in Kafka Streams' timestamped format. */
export class TimestampedWindowStoreBuilder<K, V> extends SerdeStoreBuilder<
  TimestampedWindowStore<K, V>,
  WindowBytesStoreSupplier,
  K,
  V
> {
  constructor(supplier: WindowBytesStoreSupplier, keySerde: Serde<K>, valueSerde: Serde<V>) {
    super(supplier, keySerde, valueSerde, 'timestampedWindowStoreBuilder: a window store supplier is required')
  }

  build(): TimestampedWindowStore<K, V> {
    return new MeteredWindowStore(
      layers(this.supplier, this.loggingEnabled, this.cachingEnabled, true),
      this.keySerde,
      valueAndTimestampSerde(this.valueSerde),
    )
  }
}
