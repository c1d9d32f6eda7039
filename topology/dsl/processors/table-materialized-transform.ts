import type { ValueAndTimestamp } from '../../../stores/key-value.js'
import type { TimestampedKeyValueStore } from '../../../stores/key-value-store.js'
import type { InternalProcessorContext } from '../../internals/processor-node.js'
import type { Processor, ProcessorContext } from '../../processor/processor.js'
import type { Record } from '../../processor/record.js'
import type { Change } from '../change.js'
import { TableForwarder } from './table-forwarder.js'
import type { SendOldValuesFlag } from './table-processors.js'
import type { VersionedKeyValueStore } from '../../../stores/versioned/versioned-store.js'
import { isVersionedStore, putVersionAndForward } from './versioned-result.js'

/**
 * A materialized KTable filter or mapValues (`Materialized.as(name)`): keeps its own result in a
 * store, so it is queryable, and takes old values from that store rather than from its parent.
 * The store may be versioned (KIP-914): the result is then a version at the record's timestamp.
 */
export class TableMaterializedTransformProcessor<K, V, VR> implements Processor<K, Change<V>, K, Change<VR>> {
  private ctx!: InternalProcessorContext<K, Change<VR>>
  private store!: TimestampedKeyValueStore<K, VR>
  private forwarder!: TableForwarder<K, VR>
  private sendOldValues = false
  private versioned = false

  constructor(
    private readonly storeName: string,
    private readonly flag: SendOldValuesFlag,
    /** the node's function on one value; null = absent */
    private readonly compute: (key: K, value: V) => VR | null,
  ) {}

  init(ctx: ProcessorContext<K, Change<VR>>): void {
    this.ctx = ctx as InternalProcessorContext<K, Change<VR>>
    this.store = ctx.getStateStore(this.storeName) as TimestampedKeyValueStore<K, VR>
    this.sendOldValues = this.flag.sendOldValues
    this.versioned = isVersionedStore(this.store)
    this.forwarder = new TableForwarder(this.store, this.ctx, this.sendOldValues)
  }

  process(record: Record<K, Change<V>>): void | Promise<void> {
    const newValue = record.value.newValue === null ? null : this.compute(record.key, record.value.newValue)
    if (!this.sendOldValues) return this.write(record, newValue, null)
    const old = this.store.get(record.key)
    if (old instanceof Promise) return old.then((o) => this.write(record, newValue, o))
    return this.write(record, newValue, old)
  }

  private write(record: Record<K, Change<V>>, newValue: VR | null, old: ValueAndTimestamp<VR> | null): void | Promise<void> {
    const oldValue = old ? old.value : null
    // Kafka Streams' versioned semantics: below a versioned table every delete goes downstream
    if (this.sendOldValues && newValue === null && oldValue === null && !this.flag.versionedUpstream) return
    if (this.versioned) {
      const store = this.store as unknown as VersionedKeyValueStore<K, VR>
      return putVersionAndForward(this.ctx, store, record.key, newValue, oldValue, record.timestamp, record.headers)
    }
    const put = this.store.put(record.key, newValue === null ? null : { value: newValue, timestamp: record.timestamp })
    if (this.forwarder.cached) return put
    const change: Record<K, Change<VR>> = { key: record.key, value: { newValue, oldValue }, timestamp: record.timestamp, headers: record.headers }
    if (put instanceof Promise) return put.then(() => this.forwarder.maybeForward(change))
    return this.forwarder.maybeForward(change)
  }
}
