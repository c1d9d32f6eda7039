import type { KeyValue, ValueAndTimestamp } from '../../stores/key-value.js'

/**
 * The driver creates its stores asynchronously, so a facade handed out synchronously resolves
 * its store on every read (after the first read it is already settled).
 */
export type StoreRef<S> = () => Promise<S>

/** How a facade turns stored values into the values it shows, and back for writes. */
export interface ValueView<Stored, V> {
  read(stored: Stored): V
  /** `timestamp`: what a timestamped store records with the value (Kafka's facades: -1 or the window start). */
  write(value: V, timestamp: number): Stored
}

export const PASS_THROUGH: ValueView<any, any> = { read: (v) => v, write: (v) => v }

/**
 * A timestamped store seen with plain values, as Kafka Streams' driver facades: reads drop the
 * timestamp, writes add the one the facade gives.
 */
export const PLAIN_VALUES: ValueView<ValueAndTimestamp<any>, any> = {
  read: (vt) => vt.value,
  write: (value, timestamp) => ({ value, timestamp }),
}

/** Reads `scan` of the store once it exists, mapping each value through `view`. */
export function deferredScan<S, K, Stored, V>(
  store: StoreRef<S>,
  scan: (s: S) => AsyncIterable<KeyValue<K, Stored>>,
  view: ValueView<Stored, V>,
): AsyncIterable<KeyValue<K, V>> {
  return {
    async *[Symbol.asyncIterator]() {
      for await (const kv of scan(await store())) yield { key: kv.key, value: view.read(kv.value) }
    },
  }
}

/** A value read from a store, or null, seen through `view`. */
export function viewOrNull<Stored, V>(stored: Stored | null | undefined, view: ValueView<Stored, V>): V | null {
  return stored === null || stored === undefined ? null : view.read(stored)
}
