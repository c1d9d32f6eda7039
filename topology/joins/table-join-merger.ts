import { isCachedStateStore } from '../../stores/cached-state-store.js'
import type { TimestampedKeyValueStore } from '../../stores/key-value-store.js'
import { isPromise } from '../../stores/maybe-promise.js'
import type { InternalProcessorContext } from '../internals/processor-node.js'
import type { Processor, ProcessorContext } from '../processor/processor.js'
import type { Record } from '../processor/record.js'
import type { TableChange } from '../windows/table-change.js'
import type { VersionedKeyValueStore } from '../../stores/versioned/versioned-store.js'
import { isVersionedStore, putVersionAndForward } from '../dsl/processors/versioned-result.js'

/**
 * Both sides of a table-table join forward into this node (Kafka Streams' KTableKTableJoinMerger).
 * With a store it materializes the result table (deletes on null) and forwards the stored old
 * value; a caching store forwards from its flush, deduplicated per key. A versioned store (KIP-914)
 * keeps the result as a version at the record's timestamp.
 */
export class TableJoinMergerProcessor<K, V> implements Processor<K, TableChange<V>, K, TableChange<V>> {
  private ctx!: InternalProcessorContext<K, TableChange<V>>
  private store: TimestampedKeyValueStore<K, V> | null = null
  private forwardsOnFlush = false
  private sendOld = false
  private versioned: VersionedKeyValueStore<K, V> | null = null

  constructor(
    private readonly storeName: string | null,
    private readonly sendOldValues: () => boolean,
  ) {}

  init(ctx: ProcessorContext<K, TableChange<V>>): void {
    this.ctx = ctx as InternalProcessorContext<K, TableChange<V>>
    this.sendOld = this.sendOldValues()
    if (this.storeName === null) return
    const store = ctx.getStateStore<TimestampedKeyValueStore<K, V>>(this.storeName)
    this.store = store
    if (isVersionedStore(store)) this.versioned = store as VersionedKeyValueStore<K, V>
    else if (isCachedStateStore(store)) {
      const internal = this.ctx
      this.forwardsOnFlush = store.setFlushListener((key, newValue, oldValue, rc) => {
        const nv = newValue as { value: V; timestamp: number } | null
        const ov = oldValue as { value: V } | null
        return internal.forward(
          {
            key: key as K,
            value: { newValue: nv === null ? null : nv.value, oldValue: this.sendOld && ov !== null ? ov.value : null },
            timestamp: nv === null ? rc.timestamp : nv.timestamp,
            headers: rc.headers,
          },
          undefined,
          rc,
        )
      }, this.sendOld)
    }
  }

  async process(record: Record<K, TableChange<V>>): Promise<void> {
    const store = this.store
    if (store === null) {
      await this.ctx.forward(this.sendOld ? record : { ...record, value: { newValue: record.value.newValue, oldValue: null } })
      return
    }
    let oldValue: V | null = null
    if (this.sendOld && !this.forwardsOnFlush) {
      const got = store.get(record.key)
      const old = isPromise(got) ? await got : got
      oldValue = old === null ? null : old.value
    }
    const newValue = record.value.newValue
    if (this.versioned !== null) return putVersionAndForward(this.ctx, this.versioned, record.key, newValue, oldValue, record.timestamp, record.headers)
    const put = store.put(record.key, newValue === null ? null : { value: newValue, timestamp: record.timestamp })
    if (isPromise(put)) await put
    if (!this.forwardsOnFlush) await this.ctx.forward({ ...record, value: { newValue, oldValue } })
  }
}
