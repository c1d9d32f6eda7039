import type { ValueAndTimestamp } from '../key-value.js'
import type { Serde } from '../serde.js'

/** Kafka Streams' timestamped value format: 8-byte big-endian timestamp, then the value bytes. */
export function valueAndTimestampSerde<V>(valueSerde: Serde<V>): Serde<ValueAndTimestamp<V>> {
  return {
    serialize(topic, data) {
      if (data === null || data === undefined) return null
      const raw = valueSerde.serialize(topic, data.value)
      if (raw === null) return null
      return withTimestamp(raw, data.timestamp)
    },
    deserialize(topic, data) {
      if (data === null) return null
      if (data.length < 8) throw new RangeError(`Timestamped value on "${topic}" is ${data.length} bytes; expected at least 8`)
      const value = valueSerde.deserialize(topic, data.subarray(8))
      return value === null ? null : { value, timestamp: Number(data.readBigInt64BE(0)) }
    },
  }
}

export function withTimestamp(raw: Buffer, timestamp: number): Buffer {
  const out = Buffer.allocUnsafe(8 + raw.length)
  out.writeBigInt64BE(BigInt(timestamp), 0)
  raw.copy(out, 8)
  return out
}

export function timestampOf(stored: Buffer): number {
  return Number(stored.readBigInt64BE(0))
}

export function rawValueOf(stored: Buffer): Buffer {
  return stored.subarray(8)
}
