import type { Serde } from './serde.js'
import { SerializationError } from './serde-errors.js'

const MIN = -(2n ** 63n)
const MAX = 2n ** 63n - 1n

/**
 * Java's LongSerializer with a bigint: 8 bytes, big-endian, two's complement. Unlike
 * {@link LongSerde} it reads every Java long exactly, including those beyond 2^53.
 */
export class BigLongSerde implements Serde<bigint> {
  serialize(topic: string, data: bigint | null): Buffer | null {
    if (data === null || data === undefined) return null
    if (typeof data !== 'bigint') {
      throw new SerializationError(`Serdes.BigLong() needs a bigint, got a ${typeof data} for topic "${topic}"`, topic)
    }
    if (data < MIN || data > MAX) {
      throw new SerializationError(`Serdes.BigLong() needs a signed 64-bit value, got ${data} for topic "${topic}"`, topic)
    }
    const buf = Buffer.allocUnsafe(8)
    buf.writeBigInt64BE(data, 0)
    return buf
  }
  deserialize(topic: string, data: Buffer | null): bigint | null {
    if (data === null || data === undefined) return null
    if (data.length !== 8) {
      throw new SerializationError(`Serdes.BigLong() expects 8 bytes but got ${data.length} from topic "${topic}"`, topic)
    }
    return data.readBigInt64BE(0)
  }
}
