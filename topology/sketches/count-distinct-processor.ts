import type { ValueAndTimestamp } from '../../stores/key-value.js'
import type { MeteredKeyValueStore } from '../../stores/metered/metered-key-value-store.js'
import type { StateStore } from '../../stores/state-store.js'
import type { Change } from '../dsl/change.js'
import type { SendOldValuesFlag } from '../dsl/processors/table-processors.js'
import { TableForwarder } from '../dsl/processors/table-forwarder.js'
import type { InternalProcessorContext } from '../internals/processor-node.js'
import type { Processor, ProcessorContext } from '../processor/processor.js'
import type { Record } from '../processor/record.js'
import { itemOf, type DistinctItemMapper } from './distinct-item.js'
import { HyperLogLog } from './hyperloglog.js'
import { keyValueSketchView } from './sketch-store-views.js'

/**
 * KGroupedStream.approximateCountDistinct: adds each record's item to its key's sketch and
 * forwards the new estimate (directly, or from the cache flush as any aggregation). Records with
 * a null key or value, or a null item, are skipped; the stored timestamp is the highest so far.
 */
export class CountDistinctProcessor<K, V> implements Processor<K, V, K, Change<number>> {
  private ctx!: InternalProcessorContext<K, Change<number>>
  private sketches!: MeteredKeyValueStore<K, ValueAndTimestamp<HyperLogLog>>
  private forwarder!: TableForwarder<K, number>
  private sendOldValues = false

  constructor(
    private readonly storeName: string,
    private readonly flag: SendOldValuesFlag,
    private readonly mapper: DistinctItemMapper<K, V>,
  ) {}

  init(context: ProcessorContext<K, Change<number>>): void {
    this.ctx = context as InternalProcessorContext<K, Change<number>>
    const store = context.getStateStore<StateStore>(this.storeName)
    this.sketches = keyValueSketchView<K>(store)
    this.sendOldValues = this.flag.sendOldValues
    this.forwarder = new TableForwarder<K, number>(store, this.ctx, this.sendOldValues)
  }

  process(record: Record<K, V>): void | Promise<void> {
    if (record.key === null || record.key === undefined || record.value === null || record.value === undefined) return
    const item = itemOf(this.mapper, record.key, record.value)
    if (item === null) return
    const old = this.sketches.get(record.key)
    if (old instanceof Promise) return old.then((o) => this.update(record, item, o))
    return this.update(record, item, old)
  }

  private update(record: Record<K, V>, item: string | Uint8Array, old: ValueAndTimestamp<HyperLogLog> | null): void | Promise<void> {
    const sketch = (old === null ? HyperLogLog.empty() : old.value).add(item)
    const timestamp = old === null ? record.timestamp : Math.max(old.timestamp, record.timestamp)
    const put = this.sketches.put(record.key, { value: sketch, timestamp })
    // A caching store forwards on flush.
    if (this.forwarder.cached) return put
    const forward = () =>
      this.forwarder.maybeForward({
        key: record.key,
        value: { newValue: sketch.estimate(), oldValue: this.sendOldValues && old !== null ? old.value.estimate() : null },
        timestamp,
        headers: record.headers,
      })
    return put instanceof Promise ? put.then(forward) : forward()
  }
}
