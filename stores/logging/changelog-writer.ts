import type { RestoreCallback, StateStoreContext } from '../state-store.js'
import { rawValueOf, timestampOf, withTimestamp } from '../internals/value-and-timestamp-serde.js'
import { delegatingContext } from '../internals/delegating-context.js'

/** Sends a store's writes to its changelog partition with the current record's timestamp. */
export class ChangelogWriter {
  constructor(
    private readonly context: StateStoreContext,
    readonly topic: string,
  ) {}

  log(key: Buffer, value: Buffer | null, timestamp = this.context.recordContext().timestamp): void {
    this.context.collector.send(this.topic, { key, value, timestamp }, this.context.partition)
  }

  /** Logs ValueAndTimestamp bytes as Kafka Streams does: the plain value, the stored timestamp as record timestamp. */
  logTimestamped(key: Buffer, valueAndTimestamp: Buffer | null): void {
    if (valueAndTimestamp === null) this.log(key, null)
    else this.log(key, rawValueOf(valueAndTimestamp), timestampOf(valueAndTimestamp))
  }
}

/**
 * Timestamped stores log the plain value with the stored timestamp as the record timestamp (as
 * Kafka Streams does), so restoring must put the timestamp back in front of the value. This
 * context wraps the inner store's restore callback accordingly.
 */
export function timestampedRestoreContext(context: StateStoreContext): StateStoreContext {
  return delegatingContext(context, {
    register: (store, restore: RestoreCallback) =>
      context.register(store, (batch) =>
        restore(batch.map((r) => (r.value === null ? r : { ...r, value: withTimestamp(r.value, r.timestamp) }))),
      ),
  })
}
