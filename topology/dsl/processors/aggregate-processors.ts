import type { ValueAndTimestamp } from '../../../stores/key-value.js'
import type { TimestampedKeyValueStore } from '../../../stores/key-value-store.js'
import type { VersionedKeyValueStore } from '../../../stores/versioned/versioned-store.js'
import type { InternalProcessorContext } from '../../internals/processor-node.js'
import type { Processor, ProcessorContext } from '../../processor/processor.js'
import type { Record } from '../../processor/record.js'
import type { Change } from '../change.js'
import type { SendOldValuesFlag } from './table-processors.js'
import { TableForwarder } from './table-forwarder.js'
import { isVersionedStore, putVersionAndForward } from './versioned-result.js'

/**
 * Shared plumbing: the store, the forwarder, and a read that avoids a promise hop on a hit. A
 * versioned store (KIP-914) reads its latest version, which has the same value and timestamp.
 */
abstract class StoreBackedProcessor<KIn, VIn, K, VAgg> implements Processor<KIn, VIn, K, Change<VAgg>> {
  protected ctx!: InternalProcessorContext<K, Change<VAgg>>
  protected store!: TimestampedKeyValueStore<K, VAgg>
  protected forwarder!: TableForwarder<K, VAgg>
  protected sendOldValues = false
  /** the result store is versioned: writes are versions, forwarded as Kafka Streams' KeyValueStoreWrapper says */
  private versioned = false

  constructor(
    protected readonly storeName: string,
    private readonly flag: SendOldValuesFlag,
  ) {}

  init(ctx: ProcessorContext<K, Change<VAgg>>): void {
    this.ctx = ctx as InternalProcessorContext<K, Change<VAgg>>
    this.store = ctx.getStateStore(this.storeName) as TimestampedKeyValueStore<K, VAgg>
    this.sendOldValues = this.flag.sendOldValues
    this.versioned = isVersionedStore(this.store)
    this.forwarder = new TableForwarder(this.store, this.ctx, this.sendOldValues)
  }

  abstract process(record: Record<KIn, VIn>): void | Promise<void>

  protected write(key: K, newAgg: VAgg | null, oldAgg: VAgg | null, timestamp: number, record: Record<unknown, unknown>): void | Promise<void> {
    if (this.versioned) {
      const store = this.store as unknown as VersionedKeyValueStore<K, VAgg>
      return putVersionAndForward(this.ctx, store, key, newAgg, this.sendOldValues ? oldAgg : null, timestamp, record.headers)
    }
    const put = this.store.put(key, newAgg === null ? null : { value: newAgg, timestamp })
    // A caching store forwards on flush; no change record is needed per write.
    if (this.forwarder.cached) return put
    const change: Record<K, Change<VAgg>> = {
      key,
      value: { newValue: newAgg, oldValue: this.sendOldValues ? oldAgg : null },
      timestamp,
      headers: record.headers,
    }
    if (put instanceof Promise) return put.then(() => this.forwarder.maybeForward(change))
    return this.forwarder.maybeForward(change)
  }
}

/**
 * KGroupedStream.aggregate / count / reduce. Records with a null key or value are skipped, as in
 * Kafka Streams; the result's timestamp is the highest timestamp aggregated so far.
 */
export class StreamAggregateProcessor<K, V, VAgg> extends StoreBackedProcessor<K, V, K, VAgg> {
  constructor(
    storeName: string,
    flag: SendOldValuesFlag,
    /** null for reduce: the first value starts the aggregate */
    private readonly initializer: (() => VAgg) | null,
    private readonly aggregator: (key: K, value: V, aggregate: VAgg) => VAgg,
  ) {
    super(storeName, flag)
  }

  process(record: Record<K, V>): void | Promise<void> {
    if (record.key === null || record.key === undefined || record.value === null || record.value === undefined) return
    const old = this.store.get(record.key)
    if (old instanceof Promise) return old.then((o) => this.apply(record, o))
    return this.apply(record, old)
  }

  private apply(record: Record<K, V>, old: ValueAndTimestamp<VAgg> | null): void | Promise<void> {
    const oldAgg = old ? old.value : null
    let newAgg: VAgg
    let timestamp = record.timestamp
    if (old) {
      if (old.timestamp > timestamp) timestamp = old.timestamp
      newAgg = this.aggregator(record.key, record.value, oldAgg as VAgg)
    } else if (this.initializer) {
      newAgg = this.aggregator(record.key, record.value, this.initializer())
    } else {
      newAgg = record.value as unknown as VAgg
    }
    return this.write(record.key, newAgg, oldAgg, timestamp, record)
  }
}

/**
 * KGroupedTable.aggregate / count / reduce: subtracts the old value, then adds the new one, so
 * updates and deletes of the source table are reflected exactly.
 */
export class TableAggregateProcessor<K, V, VAgg> extends StoreBackedProcessor<K, Change<V>, K, VAgg> {
  constructor(
    storeName: string,
    flag: SendOldValuesFlag,
    /** null for reduce */
    private readonly initializer: (() => VAgg) | null,
    private readonly adder: (key: K, value: V, aggregate: VAgg) => VAgg,
    private readonly subtractor: (key: K, value: V, aggregate: VAgg) => VAgg,
    private readonly nodeName: string,
  ) {
    super(storeName, flag)
  }

  process(record: Record<K, Change<V>>): void | Promise<void> {
    if (record.key === null || record.key === undefined) {
      throw new Error(`${this.nodeName}: the key of a KTable aggregate (store ${this.storeName}) must not be null`)
    }
    const old = this.store.get(record.key)
    if (old instanceof Promise) return old.then((o) => this.apply(record, o))
    return this.apply(record, old)
  }

  private apply(record: Record<K, Change<V>>, old: ValueAndTimestamp<VAgg> | null): void | Promise<void> {
    const oldAgg = old ? old.value : null
    const { newValue, oldValue } = record.value
    let timestamp = record.timestamp
    let intermediate: VAgg | null = oldAgg
    if (oldValue !== null && oldAgg !== null) {
      intermediate = this.subtractor(record.key, oldValue, oldAgg)
      timestamp = Math.max(record.timestamp, old!.timestamp)
    }
    let newAgg: VAgg | null
    if (newValue !== null) {
      if (intermediate === null) {
        newAgg = this.initializer ? this.adder(record.key, newValue, this.initializer()) : (newValue as unknown as VAgg)
      } else {
        newAgg = this.adder(record.key, newValue, intermediate)
      }
      if (old && (this.initializer || intermediate !== null)) timestamp = Math.max(record.timestamp, old.timestamp)
    } else {
      newAgg = intermediate
    }
    return this.write(record.key, newAgg, oldAgg, timestamp, record)
  }
}
