import type { Serde } from './serde.js'
import { SerializationError } from './serde-errors.js'

const TWO_POW_32 = 4294967296

export class StringSerde implements Serde<string> {
  serialize(topic: string, data: string | null): Buffer | null {
    if (data === null || data === undefined) return null
    if (typeof data !== 'string') throw new SerializationError(`Serdes.String() cannot serialize a ${typeof data} for topic "${topic}"`, topic)
    return Buffer.from(data, 'utf8')
  }
  deserialize(_topic: string, data: Buffer | null): string | null {
    return data === null || data === undefined ? null : data.toString('utf8')
  }
}

/**
 * Java's LongSerializer: 8 bytes, big-endian, two's complement. Values must be safe integers: a
 * long beyond ±(2^53 - 1) throws rather than silently losing precision (BigLongSerde reads it).
 */
export class LongSerde implements Serde<number> {
  serialize(topic: string, data: number | null): Buffer | null {
    if (data === null || data === undefined) return null
    if (!Number.isSafeInteger(data)) {
      throw new SerializationError(`Serdes.Long() needs a safe integer, got ${String(data)} for topic "${topic}" (use Serdes.BigLong() for the full 64-bit range)`, topic)
    }
    const buf = Buffer.allocUnsafe(8)
    const high = Math.floor(data / TWO_POW_32)
    buf.writeInt32BE(high, 0)
    buf.writeUInt32BE(data - high * TWO_POW_32, 4)
    return buf
  }
  deserialize(topic: string, data: Buffer | null): number | null {
    if (data === null || data === undefined) return null
    if (data.length !== 8) {
      throw new SerializationError(`Serdes.Long() expects 8 bytes but got ${data.length} from topic "${topic}"`, topic)
    }
    const value = data.readInt32BE(0) * TWO_POW_32 + data.readUInt32BE(4)
    if (!Number.isSafeInteger(value)) {
      throw new SerializationError(`Serdes.Long() read ${data.readBigInt64BE(0)} from topic "${topic}", beyond Number.MAX_SAFE_INTEGER; use Serdes.BigLong() to read it exactly`, topic)
    }
    return value
  }
}

/** Java's IntegerSerializer: 4 bytes, big-endian, two's complement. */
export class IntegerSerde implements Serde<number> {
  serialize(topic: string, data: number | null): Buffer | null {
    if (data === null || data === undefined) return null
    if (!Number.isInteger(data) || data < -2147483648 || data > 2147483647) {
      throw new SerializationError(`Serdes.Integer() needs a 32-bit integer, got ${String(data)} for topic "${topic}"`, topic)
    }
    const buf = Buffer.allocUnsafe(4)
    buf.writeInt32BE(data, 0)
    return buf
  }
  deserialize(topic: string, data: Buffer | null): number | null {
    if (data === null || data === undefined) return null
    if (data.length !== 4) {
      throw new SerializationError(`Serdes.Integer() expects 4 bytes but got ${data.length} from topic "${topic}"`, topic)
    }
    return data.readInt32BE(0)
  }
}

/** Java's DoubleSerializer: 8-byte IEEE-754, big-endian. */
export class DoubleSerde implements Serde<number> {
  serialize(topic: string, data: number | null): Buffer | null {
    if (data === null || data === undefined) return null
    if (typeof data !== 'number') throw new SerializationError(`Serdes.Double() cannot serialize a ${typeof data} for topic "${topic}"`, topic)
    const buf = Buffer.allocUnsafe(8)
    buf.writeDoubleBE(data, 0)
    return buf
  }
  deserialize(topic: string, data: Buffer | null): number | null {
    if (data === null || data === undefined) return null
    if (data.length !== 8) {
      throw new SerializationError(`Serdes.Double() expects 8 bytes but got ${data.length} from topic "${topic}"`, topic)
    }
    return data.readDoubleBE(0)
  }
}

export class BytesSerde implements Serde<Buffer> {
  serialize(topic: string, data: Buffer | null): Buffer | null {
    if (data === null || data === undefined) return null
    if (!Buffer.isBuffer(data)) throw new SerializationError(`Serdes.Bytes() needs a Buffer for topic "${topic}"`, topic)
    return data
  }
  deserialize(_topic: string, data: Buffer | null): Buffer | null {
    return data ?? null
  }
}

/** UTF-8 JSON text, compatible with any JSON consumer. */
export class JsonSerde<T> implements Serde<T> {
  serialize(topic: string, data: T | null): Buffer | null {
    if (data === null || data === undefined) return null
    let text: string | undefined
    try {
      text = JSON.stringify(data)
    } catch (err) {
      throw new SerializationError(`Serdes.JSON() cannot serialize a value for topic "${topic}": ${(err as Error).message}`, topic, { cause: err })
    }
    if (text === undefined) throw new SerializationError(`Serdes.JSON() cannot serialize a ${typeof data} for topic "${topic}"`, topic)
    return Buffer.from(text, 'utf8')
  }
  deserialize(topic: string, data: Buffer | null): T | null {
    if (data === null || data === undefined) return null
    try {
      return JSON.parse(data.toString('utf8')) as T
    } catch (err) {
      throw new SerializationError(`Serdes.JSON() read invalid JSON from topic "${topic}": ${(err as Error).message}`, topic, { cause: err })
    }
  }
}
