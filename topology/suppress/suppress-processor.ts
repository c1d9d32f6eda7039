import type { KeyValueStore } from '../../stores/key-value-store.js'
import type { Serde } from '../../stores/serde.js'
import type { InternalProcessorContext } from '../internals/processor-node.js'
import type { Processor, ProcessorContext } from '../processor/processor.js'
import type { Record } from '../processor/record.js'
import type { TableChange } from '../windows/table-change.js'
import type { Windowed } from '../windows/window.js'
import type { BufferedBytes } from './buffered-record-codec.js'
import type { Suppressed } from './suppressed.js'
import { SuppressionBuffer } from './suppression-buffer.js'

export interface SuppressOptions<K, V> {
  processorName: string
  /** A Buffer-keyed, Buffer-valued key-value store holding the buffer (logged unless the BufferConfig says otherwise). */
  storeName: string
  suppressed: Suppressed<K>
  /** untilWindowCloses: the grace period of the windowed aggregation upstream (plus the gap for sessions). */
  graceMs: number
  keySerde: Serde<K>
  valueSerde: Serde<V>
}

/**
 * KTable.suppress (Kafka Streams' KTableSuppressProcessor). Each update is buffered under its key with
 * a buffer time: the window end (untilWindowCloses) or the record timestamp (untilTimeLimit). Once
 * stream time - wait >= buffer time the key's latest value is emitted, with the value downstream last
 * saw as old value. Final results drop tombstones: a window that never produced output needs no delete.
 */
export class SuppressProcessor<K, V> implements Processor<K, TableChange<V>, K, TableChange<V>> {
  private ctx!: InternalProcessorContext<K, TableChange<V>>
  private buffer!: SuppressionBuffer
  private streamTime = -1
  private topic = ''
  private readonly waitMs: number
  private readonly finalResults: boolean

  constructor(private readonly opts: SuppressOptions<K, V>) {
    this.finalResults = opts.suppressed.kind === 'UNTIL_WINDOW_CLOSES'
    this.waitMs = this.finalResults ? opts.graceMs : opts.suppressed.timeToWaitMs
  }

  async init(ctx: ProcessorContext<K, TableChange<V>>): Promise<void> {
    this.ctx = ctx as InternalProcessorContext<K, TableChange<V>>
    this.topic = `${ctx.applicationId}-${this.opts.storeName}-changelog`
    const store = ctx.getStateStore<KeyValueStore<Buffer, Buffer>>(this.opts.storeName)
    this.buffer = new SuppressionBuffer(store)
    await this.buffer.load()
    // the task's stream time, restored from committed offsets, so buffered windows close without waiting for new records
    this.streamTime = Math.max(this.streamTime, ctx.currentStreamTimeMs())
  }

  async process(record: Record<K, TableChange<V>>): Promise<void> {
    if (record.timestamp > this.streamTime) this.streamTime = record.timestamp
    const { keySerde, valueSerde } = this.opts
    const keyBytes = keySerde.serialize(this.topic, record.key)
    if (keyBytes === null) throw new TypeError(`${this.opts.processorName}: the key serde returned null for key ${String(record.key)}`)
    const time = this.finalResults ? (record.key as unknown as Windowed<unknown>).window.end : record.timestamp
    const rc = this.ctx.recordContext()
    const put = this.buffer.put(
      keyBytes,
      time,
      valueSerde.serialize(this.topic, record.value.oldValue),
      valueSerde.serialize(this.topic, record.value.newValue),
      { topic: rc.topic, partition: rc.partition, offset: rc.offset, timestamp: record.timestamp, headers: record.headers },
    )
    if (put instanceof Promise) await put
    await this.enforceConstraints()
  }

  private async enforceConstraints(): Promise<void> {
    const expiry = this.streamTime - this.waitMs
    const buffer = this.buffer
    await buffer.evictWhile(() => buffer.minTimestamp() <= expiry, this.emit)
    if (!this.overCapacity()) return
    const config = this.opts.suppressed.bufferConfig
    if (config.bufferFullStrategy === 'EMIT') {
      await buffer.evictWhile(() => this.overCapacity(), this.emit)
      return
    }
    throw new Error(
      `${this.opts.processorName}: suppression buffer exceeded its max capacity: ` +
        `${buffer.numRecords()}/${config.maxRecords} records, ${buffer.bufferSize()}/${config.maxBytes} bytes`,
    )
  }

  private overCapacity(): boolean {
    const config = this.opts.suppressed.bufferConfig
    return this.buffer.numRecords() > config.maxRecords || this.buffer.bufferSize() > config.maxBytes
  }

  private readonly emit = (keyBytes: Buffer, entry: BufferedBytes): void | Promise<void> => {
    if (entry.newValue === null && this.finalResults) return
    const { keySerde, valueSerde } = this.opts
    return this.ctx.forward({
      key: keySerde.deserialize(this.topic, keyBytes) as K,
      value: { newValue: valueSerde.deserialize(this.topic, entry.newValue), oldValue: valueSerde.deserialize(this.topic, entry.prior) },
      timestamp: entry.context.timestamp,
      headers: entry.context.headers,
    })
  }
}
