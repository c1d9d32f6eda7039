import type { ValueAndTimestamp } from '../../stores/key-value.js'
import type { MaybePromise } from '../../stores/maybe-promise.js'
import type { ValueGetterSupplier } from './table-value-sources.js'

/**
 * A table replicated in full to every instance, fed from all partitions of its topic. Joins
 * read it through `valueGetterSupplier()`; global stores need no connection to processors.
 */
export class GlobalKTable<K = unknown, V = unknown> {
  constructor(
    readonly storeName: string,
    /** the store name when materialized under a user's name (queryable) */
    readonly queryableStoreName: string | null,
  ) {}

  /** @internal */
  valueGetterSupplier(): ValueGetterSupplier<K, V> {
    const storeName = this.storeName
    return {
      storeNames: [],
      get(ctx) {
        const store = ctx.getStateStore(storeName) as unknown as { get(key: K): MaybePromise<ValueAndTimestamp<V> | null> }
        return (key) => store.get(key)
      },
    }
  }
}
