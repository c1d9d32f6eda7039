import type { ValueAndTimestamp } from '../../stores/key-value.js'
import type { MaybePromise } from '../../stores/maybe-promise.js'
import type { ProcessorContext } from '../processor/processor.js'

/** Reads a table's current value for a key (Kafka Streams' KTableValueGetter). */
export type ValueGetter<K, V> = (key: K) => MaybePromise<ValueAndTimestamp<V> | null>

/**
 * Makes a table's value getter inside a task; `storeNames` are the stores it reads, which the
 * topology connects to every processor using the getter.
 */
export interface ValueGetterSupplier<K, V> {
  readonly storeNames: string[]
  get(ctx: ProcessorContext<any, any>): ValueGetter<K, V>
}

/** The getter of a table materialized in a timestamped key-value store. */
export function timestampedStoreGetter<K, V>(storeName: string): ValueGetterSupplier<K, V> {
  return {
    storeNames: [storeName],
    get(ctx) {
      const store = ctx.getStateStore(storeName) as unknown as { get(key: K): MaybePromise<ValueAndTimestamp<V> | null> }
      return (key) => store.get(key)
    },
  }
}
