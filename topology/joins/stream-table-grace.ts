// Stream-table joins with a grace period (KIP-923): stream records wait in a time-ordered buffer
// until stream time passes their timestamp plus the grace period, then join, in timestamp order,
// against the versioned table as of their timestamp, so table updates that arrive a little late
// still meet the stream records they belong to. Kafka Streams' KStreamKTableJoinProcessor with
// its RocksDBTimeOrderedKeyValueBuffer.
import type { KeyValueStore } from '../../stores/key-value-store.js'
import type { Serde } from '../../stores/serde.js'
import type { StateStore } from '../../stores/state-store.js'
import type { StoreBuilder } from '../../stores/store-builder.js'
import { Stores } from '../../stores/stores.js'
import { BYTES_SERDE } from '../../stores/internals/bytes-serde.js'
import type { InternalProcessorContext } from '../internals/processor-node.js'
import type { Processor, ProcessorContext } from '../processor/processor.js'
import type { Record } from '../processor/record.js'
import { decodeBuffered, encodeBuffered } from '../suppress/buffered-record-codec.js'
import type { StreamTableJoinProcessor } from './stream-table-join.js'

const TWO_32 = 4294967296
/** The row keeping the buffer's observed stream time and sequence number; sorts before every entry. */
const META_KEY = Buffer.from([0x00])

/** Kafka Streams' buffer store name for a join node. */
export function graceBufferStoreName(joinName: string): string {
  return `${joinName}-Buffer`
}

/** The persistent, change-logged store behind a join's grace buffer. */
export function graceBufferStoreBuilder(joinName: string): StoreBuilder<StateStore> {
  return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(graceBufferStoreName(joinName)), BYTES_SERDE, BYTES_SERDE)
}

/** Entry key: timestamp (order-preserving) | key | seqnum, so a scan yields timestamp order, then key bytes, then arrival. */
function entryKey(timestamp: number, key: Buffer, seqnum: number): Buffer {
  const out = Buffer.allocUnsafe(12 + key.length)
  const high = Math.floor(timestamp / TWO_32)
  out.writeUInt32BE((high ^ 0x80000000) >>> 0, 0)
  out.writeUInt32BE(timestamp - high * TWO_32, 4)
  key.copy(out, 8)
  out.writeUInt32BE(seqnum, 8 + key.length)
  return out
}

/** The smallest entry key after every entry with a timestamp <= `timestamp`. */
function afterTime(timestamp: number): Buffer {
  return entryKey(timestamp + 1, Buffer.alloc(0), 0).subarray(0, 8)
}

/**
 * Buffers each stream record for `graceMs` of stream time (the buffer's own: the highest
 * timestamp buffered), then hands it to the plain join. A record already older than stream time
 * minus the grace period joins at once, as Kafka Streams.
 */
export class GraceStreamTableJoinProcessor<K, V, VOut> implements Processor<K, V, K, VOut> {
  private ctx!: InternalProcessorContext<K, VOut>
  private store!: KeyValueStore<Buffer, Buffer>
  private observedStreamTime = -1
  private seqnum = 0
  private loaded = false

  constructor(
    private readonly join: StreamTableJoinProcessor<K, V, K, any, VOut>,
    private readonly storeName: string,
    private readonly graceMs: number,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
    /** the serde topic: the join node's name, as Kafka Streams */
    private readonly topic: string,
  ) {}

  init(ctx: ProcessorContext<K, VOut>): void {
    this.ctx = ctx as InternalProcessorContext<K, VOut>
    this.join.init(ctx)
    this.store = ctx.getStateStore(this.storeName) as unknown as KeyValueStore<Buffer, Buffer>
  }

  async process(record: Record<K, V>): Promise<void> {
    if (record.value === null || record.value === undefined) return
    // a null key cannot be buffered: a left join answers it at once, an inner join drops it
    if (record.key === null || record.key === undefined) return this.join.join(record)
    if (!this.loaded) await this.load()
    if (this.observedStreamTime - this.graceMs > record.timestamp) return this.join.join(record)
    const key = this.keySerde.serialize(this.topic, record.key)
    const value = this.valueSerde.serialize(this.topic, record.value)
    if (key === null || value === null) throw new TypeError(`${this.topic}: the stream record's key or value serialized to null in the grace buffer`)
    this.seqnum = (this.seqnum + 1) & 0x7fffffff
    const context = { ...this.ctx.recordContext(), timestamp: record.timestamp, headers: record.headers }
    await this.store.put(entryKey(record.timestamp, key, this.seqnum), encodeBuffered({ time: record.timestamp, prior: null, oldValue: null, newValue: value, context }))
    if (record.timestamp > this.observedStreamTime) this.observedStreamTime = record.timestamp
    await this.store.put(META_KEY, this.meta())
    await this.evict()
  }

  /** Joins every buffered record at or before stream time minus the grace period, oldest first. */
  private async evict(): Promise<void> {
    const due: { key: Buffer; value: Buffer }[] = []
    for await (const e of this.store.range(null, afterTime(this.observedStreamTime - this.graceMs))) {
      if (e.key.length > 1) due.push(e)
    }
    for (const e of due) {
      await this.store.delete(e.key)
      const buffered = decodeBuffered(e.value)
      const rc = buffered.context
      const record: Record<K, V> = {
        key: this.keySerde.deserialize(this.topic, e.key.subarray(8, e.key.length - 4)) as K,
        value: this.valueSerde.deserialize(this.topic, buffered.newValue) as V,
        timestamp: rc.timestamp,
        headers: rc.headers,
      }
      await this.join.join(record, rc)
    }
  }

  private async load(): Promise<void> {
    const meta = await this.store.get(META_KEY)
    if (meta !== null) {
      this.observedStreamTime = Number(meta.readBigInt64BE(0))
      this.seqnum = meta.readUInt32BE(8)
    }
    this.loaded = true
  }

  private meta(): Buffer {
    const out = Buffer.allocUnsafe(12)
    out.writeBigInt64BE(BigInt(this.observedStreamTime), 0)
    out.writeUInt32BE(this.seqnum, 8)
    return out
  }
}
