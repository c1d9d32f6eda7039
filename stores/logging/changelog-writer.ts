import type { RestoreCallback, StateStoreContext } from '../state-store.js'
import { rawValueOf, timestampOf, withTimestamp } from '../internals/value-and-timestamp-serde.js'
import { delegatingContext } from '../internals/delegating-context.js'

/**
 * Sends a store's writes to its changelog partition with the current record's timestamp. The
 * record context is read when the store is called, never after an await (stores take the time
 * first and log with it later), so a caller that sets it for the call (a cache flush) is heard.
 */
export class ChangelogWriter {
  constructor(
    private readonly context: StateStoreContext,
    readonly topic: string,
  ) {}

  /** The timestamp a write made now is logged with. */
  recordTimestamp(): number {
    return this.context.recordContext().timestamp
  }

  log(key: Buffer, value: Buffer | null, timestamp = this.recordTimestamp()): void {
    this.context.collector.send(this.topic, { key, value, timestamp }, this.context.partition)
  }

  /** Logs ValueAndTimestamp bytes as Kafka Streams does: the plain value, the stored timestamp as record timestamp. */
  logTimestamped(key: Buffer, valueAndTimestamp: Buffer | null, tombstoneTimestamp = this.recordTimestamp()): void {
    if (valueAndTimestamp === null) this.log(key, null, tombstoneTimestamp)
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
