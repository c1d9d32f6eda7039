import type { Serde } from '../serde.js'
import type { StateStore } from '../state-store.js'
import type { StoreSupplier } from '../store-supplier.js'
import { AbstractStoreBuilder } from './abstract-store-builder.js'

/** A builder over a bytes store supplier with the key and value serdes of the typed store it builds. */
export abstract class SerdeStoreBuilder<T extends StateStore, S extends StoreSupplier<unknown>, K, V> extends AbstractStoreBuilder<T> {
  /** `missingSupplier` is the error message when `supplier` is not a supplier. */
  constructor(
    readonly supplier: S,
    readonly keySerde: Serde<K>,
    readonly valueSerde: Serde<V>,
    missingSupplier: string,
  ) {
    if (!supplier || typeof supplier.get !== 'function') throw new TypeError(missingSupplier)
    super(supplier.name)
  }
}
