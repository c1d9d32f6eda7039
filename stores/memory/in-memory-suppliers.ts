import type { KeyValueBytesStoreSupplier } from '../store-supplier.js'
import { InMemoryKeyValueStore } from './in-memory-key-value-store.js'

export class InMemoryKeyValueBytesStoreSupplier implements KeyValueBytesStoreSupplier {
  constructor(readonly name: string) {
    if (typeof name !== 'string' || name.length === 0) throw new TypeError('Store name must be a non-empty string')
  }

  get(): InMemoryKeyValueStore {
    return new InMemoryKeyValueStore(this.name)
  }
}
