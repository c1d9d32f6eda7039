import type { ValueAndTimestamp } from '../../../stores/key-value.js'
import type { KeyValue } from '../../../stores/key-value.js'
import type { TimestampedKeyValueStore } from '../../../stores/key-value-store.js'
import type { InternalProcessorContext } from '../../internals/processor-node.js'
import type { Processor, ProcessorContext } from '../../processor/processor.js'
import type { Record } from '../../processor/record.js'
import type { Change } from '../change.js'
import { TableForwarder } from './table-forwarder.js'
import { reportDroppedRecord } from '../../internals/dropped-records.js'

/** Flags decided while the topology is built and read when processors start. */
export interface TableSourceState {
  storeName: string
  materialized: boolean
  sendOldValues: boolean
  /** materialized in a versioned store (then always materialized) */
  versioned?: boolean
}

/**
 * builder.table / toTable / globalTable: turns records into table updates, keeping them in the
 * store when the table is materialized (then old values are available).
 */
export class TableSourceProcessor<K, V> implements Processor<K, V, K, Change<V>> {
  private ctx!: InternalProcessorContext<K, Change<V>>
  private store: TimestampedKeyValueStore<K, V> | null = null
  private forwarder: TableForwarder<K, V> | null = null
  private sendOldValues = false

  constructor(
    private readonly state: TableSourceState,
    private readonly nodeName: string,
  ) {}

  init(ctx: ProcessorContext<K, Change<V>>): void {
    this.ctx = ctx as InternalProcessorContext<K, Change<V>>
    this.sendOldValues = this.state.sendOldValues
    if (this.state.materialized) {
      this.store = ctx.getStateStore(this.state.storeName) as TimestampedKeyValueStore<K, V>
      this.forwarder = new TableForwarder(this.store, this.ctx, this.sendOldValues)
    }
  }

  process(record: Record<K, V>): void | Promise<void> {
    if (record.key === null || record.key === undefined) return // tables cannot hold a null key
    const store = this.store
    if (store === null) {
      return this.ctx.forward({ key: record.key, value: { newValue: record.value ?? null, oldValue: null }, timestamp: record.timestamp, headers: record.headers })
    }
    // The old value is only needed for a change forwarded now: a cache computes its own on flush.
    if (this.forwarder!.cached || !this.sendOldValues) return this.update(record, null)
    const old = store.get(record.key)
    if (old instanceof Promise) return old.then((o) => this.update(record, o))
    return this.update(record, old)
  }

  private update(record: Record<K, V>, old: ValueAndTimestamp<V> | null): void | Promise<void> {
    const value = record.value ?? null
    const put = this.store!.put(record.key, value === null ? null : { value, timestamp: record.timestamp })
    if (this.forwarder!.cached) return put
    const change: Record<K, Change<V>> = {
      key: record.key,
      value: { newValue: value, oldValue: this.sendOldValues && old ? old.value : null },
      timestamp: record.timestamp,
      headers: record.headers,
    }
    if (put instanceof Promise) return put.then(() => this.forwarder!.maybeForward(change))
    return this.forwarder!.maybeForward(change)
  }
}

/** Carries a versioned table's out-of-order mark through filter / mapValues, as Kafka Streams. */
function withLatestFlag<V>(change: Change<V>, from: Change<unknown>): Change<V> {
  if (from.isLatest === false) change.isLatest = false
  return change
}

export interface SendOldValuesFlag {
  sendOldValues: boolean
  /** the parent table is versioned: repeated deletes still go downstream (Kafka Streams' versioned semantics) */
  versionedUpstream?: boolean
}

/** KTable.filter / filterNot: a filtered-out value becomes a delete. */
export class TableFilterProcessor<K, V> implements Processor<K, Change<V>, K, Change<V>> {
  private ctx!: InternalProcessorContext<K, Change<V>>
  private sendOldValues = false
  constructor(
    private readonly predicate: (key: K, value: V) => boolean,
    private readonly negate: boolean,
    private readonly flag: SendOldValuesFlag,
  ) {}
  init(ctx: ProcessorContext<K, Change<V>>): void {
    this.ctx = ctx as InternalProcessorContext<K, Change<V>>
    this.sendOldValues = this.flag.sendOldValues
  }
  private compute(key: K, value: V | null): V | null {
    return value !== null && Boolean(this.predicate(key, value)) !== this.negate ? value : null
  }
  process(record: Record<K, Change<V>>): void | Promise<void> {
    const newValue = this.compute(record.key, record.value.newValue)
    const oldValue = this.sendOldValues ? this.compute(record.key, record.value.oldValue) : null
    if (this.sendOldValues && newValue === null && oldValue === null && !this.flag.versionedUpstream) return // nothing changed downstream
    return this.ctx.forward({ key: record.key, value: withLatestFlag({ newValue, oldValue }, record.value), timestamp: record.timestamp, headers: record.headers })
  }
}

/** KTable.mapValues. */
export class TableMapValuesProcessor<K, V, VR> implements Processor<K, Change<V>, K, Change<VR>> {
  private ctx!: InternalProcessorContext<K, Change<VR>>
  private sendOldValues = false
  constructor(
    private readonly mapper: (value: V, key: K) => VR,
    private readonly flag: SendOldValuesFlag,
  ) {}
  init(ctx: ProcessorContext<K, Change<VR>>): void {
    this.ctx = ctx as InternalProcessorContext<K, Change<VR>>
    this.sendOldValues = this.flag.sendOldValues
  }
  process(record: Record<K, Change<V>>): void | Promise<void> {
    const { newValue, oldValue } = record.value
    return this.ctx.forward({
      key: record.key,
      value: withLatestFlag({
        newValue: newValue === null ? null : this.mapper(newValue, record.key),
        oldValue: this.sendOldValues && oldValue !== null ? this.mapper(oldValue, record.key) : null,
      }, record.value),
      timestamp: record.timestamp,
      headers: record.headers,
    })
  }
}

/** KTable.toStream: every update becomes a record; deletes arrive as null values. */
export class TableToStreamProcessor<K, V> implements Processor<K, Change<V>, K, V | null> {
  private ctx!: InternalProcessorContext<K, V | null>
  init(ctx: ProcessorContext<K, V | null>): void {
    this.ctx = ctx as InternalProcessorContext<K, V | null>
  }
  process(record: Record<K, Change<V>>): void | Promise<void> {
    return this.ctx.forward({ key: record.key, value: record.value.newValue, timestamp: record.timestamp, headers: record.headers })
  }
}

function sameKey(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return a.equals(b)
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) return JSON.stringify(a) === JSON.stringify(b)
  return false
}

/**
 * KTable.groupBy's selector: maps the old and new value of an update to (key, value) pairs;
 * the subtraction goes first, and an update that keeps its key travels as one change.
 */
export class TableRepartitionMapProcessor<K, V, KR, VR> implements Processor<K, Change<V>, KR, Change<VR>> {
  private ctx!: InternalProcessorContext<KR, Change<VR>>
  constructor(
    private readonly selector: (key: K, value: V) => KeyValue<KR, VR>,
    private readonly nodeName: string,
  ) {}
  init(ctx: ProcessorContext<KR, Change<VR>>): void {
    this.ctx = ctx as InternalProcessorContext<KR, Change<VR>>
  }
  private select(key: K, value: V | null): KeyValue<KR, VR> | null {
    if (value === null) return null
    const kv = this.selector(key, value)
    // Kafka Streams skips a null pair, key or value (KTableRepartitionMap)
    if (kv === null || kv === undefined) return null
    if (typeof kv !== 'object') {
      throw new TypeError(`${this.nodeName}: the groupBy selector must return a KeyValue ({ key, value }) or null, got ${String(kv)}`)
    }
    return kv.key === null || kv.key === undefined || kv.value === null || kv.value === undefined ? null : kv
  }
  process(record: Record<K, Change<V>>): void | Promise<void> {
    if (record.value.isLatest === false) return // an out-of-order version of a versioned table: not an update of the aggregate
    if (record.key === null || record.key === undefined) throw new Error(`${this.nodeName}: the key of a grouped KTable must not be null`)
    const newPair = this.select(record.key, record.value.newValue)
    const oldPair = this.select(record.key, record.value.oldValue)
    // counted once, for the update that selected nothing (its later subtraction selects nothing too)
    if (newPair === null && record.value.newValue !== null) reportDroppedRecord(this.ctx, 'the groupBy selector returned a null key or value')
    const { timestamp, headers } = record
    if (oldPair && newPair && sameKey(oldPair.key, newPair.key)) {
      return this.ctx.forward({ key: oldPair.key, value: { newValue: newPair.value, oldValue: oldPair.value }, timestamp, headers })
    }
    if (oldPair) {
      const r = this.ctx.forward({ key: oldPair.key, value: { newValue: null, oldValue: oldPair.value }, timestamp, headers })
      if (newPair) {
        const next = { key: newPair.key, value: { newValue: newPair.value, oldValue: null }, timestamp, headers }
        if (r instanceof Promise) return r.then(() => this.ctx.forward(next))
        return this.ctx.forward(next)
      }
      return r
    }
    if (newPair) return this.ctx.forward({ key: newPair.key, value: { newValue: newPair.value, oldValue: null }, timestamp, headers })
  }
}
