import type { KeyValueStore } from '../../stores/key-value-store.js'
import { isPromise } from '../../stores/maybe-promise.js'
import type { Serde } from '../../stores/serde.js'
import { readLong, writeLong } from '../windows/long-bytes.js'

export type JoinSide = 'left' | 'right'

export interface BufferedOuterRecord<K> {
  timestamp: number
  side: JoinSide
  key: K
  /** Serialized values of this side, in arrival order (several records may share key and timestamp). */
  values: Buffer[]
  storeKey: Buffer
}

/**
 * Unmatched left/outer stream-stream join records waiting for their window to close (Kafka Streams'
 * spurious-result fix, KIP-633). Store keys are timestamp(8) + side(1: 1 = left, 0 = right) + key
 * bytes, so a scan visits the oldest first; a value holds every record with that key, side and time.
 */
export class OuterJoinBuffer<K> {
  constructor(
    private readonly store: KeyValueStore<Buffer, Buffer>,
    private readonly keySerde: Serde<K>,
    private readonly topic: string,
  ) {}

  storeKey(key: K, timestamp: number, side: JoinSide): Buffer {
    const keyBytes = this.keySerde.serialize(this.topic, key)
    if (keyBytes === null) throw new TypeError(`stream-stream join: the key serde returned null for key ${String(key)}`)
    const out = Buffer.allocUnsafe(9 + keyBytes.length)
    writeLong(out, timestamp, 0)
    out.writeUInt8(side === 'left' ? 1 : 0, 8)
    keyBytes.copy(out, 9)
    return out
  }

  async append(key: K, timestamp: number, side: JoinSide, value: Buffer): Promise<void> {
    const storeKey = this.storeKey(key, timestamp, side)
    const got = this.store.get(storeKey)
    const existing = isPromise(got) ? await got : got
    const framed = Buffer.allocUnsafe(4 + value.length)
    framed.writeInt32BE(value.length, 0)
    value.copy(framed, 4)
    const put = this.store.put(storeKey, existing === null ? framed : Buffer.concat([existing, framed]))
    if (isPromise(put)) await put
  }

  /** Drops the buffered records of `side` for key and timestamp: they found a join partner. */
  async remove(key: K, timestamp: number, side: JoinSide): Promise<void> {
    const storeKey = this.storeKey(key, timestamp, side)
    const got = this.store.get(storeKey)
    const existing = isPromise(got) ? await got : got
    if (existing === null) return
    const del = this.store.delete(storeKey)
    if (isPromise(del)) await del
  }

  async delete(storeKey: Buffer): Promise<void> {
    const del = this.store.delete(storeKey)
    if (isPromise(del)) await del
  }

  /** Buffered records, oldest first. */
  async *scan(): AsyncIterable<BufferedOuterRecord<K>> {
    for await (const { key: storeKey, value } of this.store.all()) {
      const values: Buffer[] = []
      for (let o = 0; o < value.length; ) {
        const n = value.readInt32BE(o)
        values.push(Buffer.from(value.subarray(o + 4, o + 4 + n)))
        o += 4 + n
      }
      yield {
        timestamp: readLong(storeKey, 0),
        side: storeKey.readUInt8(8) === 1 ? 'left' : 'right',
        key: this.keySerde.deserialize(this.topic, storeKey.subarray(9)) as K,
        values,
        storeKey: Buffer.from(storeKey),
      }
    }
  }
}
