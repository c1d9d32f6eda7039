import type { ValueAndTimestamp } from '../../../stores/key-value.js'
import { isCachedStateStore } from '../../../stores/cached-state-store.js'
import type { StateStore } from '../../../stores/state-store.js'
import type { InternalProcessorContext } from '../../internals/processor-node.js'
import type { Record } from '../../processor/record.js'
import type { Change } from '../change.js'

/**
 * Forwards a materialized table's updates: with a caching store, the cache's flush listener
 * forwards once per key per flush (deduplicated); without, every update goes downstream at once.
 * Kafka Streams' TimestampedTupleForwarder.
 */
export class TableForwarder<K, V> {
  /** With a cache, writes forward nothing (the flush does): callers skip building the change. */
  readonly cached: boolean

  constructor(
    store: StateStore,
    private readonly ctx: InternalProcessorContext<K, Change<V>>,
    private readonly sendOldValues: boolean,
  ) {
    this.cached =
      isCachedStateStore(store) &&
      (store as unknown as { setFlushListener: (l: (k: K, n: ValueAndTimestamp<V> | null, o: ValueAndTimestamp<V> | null, rc: import('../../../stores/state-store.js').RecordContext) => void | Promise<void>, s: boolean) => boolean }).setFlushListener(
        (key, newValue, oldValue, rc) =>
          ctx.forward(
            {
              key,
              value: { newValue: newValue ? newValue.value : null, oldValue: sendOldValues && oldValue ? oldValue.value : null },
              timestamp: newValue ? newValue.timestamp : rc.timestamp,
              headers: rc.headers,
            },
            undefined,
            rc,
          ),
        sendOldValues,
      )
  }

  maybeForward(record: Record<K, Change<V>>): void | Promise<void> {
    if (!this.cached) return this.ctx.forward(record)
  }
}
