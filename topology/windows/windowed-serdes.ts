import type { Serde } from '../../stores/serde.js'
import { readLong, writeLong } from './long-bytes.js'
import type { Windowed } from './window.js'

const LONG = 8

function innerKeyBytes<K>(inner: Serde<K>, topic: string, key: K, what: string): Buffer {
  const bytes = inner.serialize(topic, key)
  if (bytes === null) throw new TypeError(`${what}: the inner key serde returned null for key ${String(key)}`)
  return bytes
}

/**
 * Time-windowed keys, byte-compatible with Java's TimeWindowedSerde: key bytes + 8-byte window
 * start. The end is not on the wire, so the deserializer needs the window size (end = start + size).
 */
export class TimeWindowedSerde<K> implements Serde<Windowed<K>> {
  constructor(
    readonly inner: Serde<K>,
    readonly windowSizeMs: number,
  ) {
    if (!Number.isSafeInteger(windowSizeMs) || windowSizeMs <= 0) {
      throw new RangeError(`TimeWindowedSerde window size must be a positive integer of milliseconds, got ${windowSizeMs}`)
    }
  }

  serialize(topic: string, data: Windowed<K> | null): Buffer | null {
    if (data === null) return null
    const key = innerKeyBytes(this.inner, topic, data.key, 'TimeWindowedSerde')
    const out = Buffer.allocUnsafe(key.length + LONG)
    key.copy(out, 0)
    writeLong(out, data.window.start, key.length)
    return out
  }

  deserialize(topic: string, data: Buffer | null): Windowed<K> | null {
    if (data === null) return null
    if (data.length < LONG) {
      throw new RangeError(`TimeWindowedSerde: ${data.length} bytes is too short for a windowed key (needs at least ${LONG})`)
    }
    const keyLength = data.length - LONG
    const start = readLong(data, keyLength)
    const key = this.inner.deserialize(topic, data.subarray(0, keyLength)) as K
    return { key, window: { start, end: start + this.windowSizeMs } }
  }
}

/**
 * Session-windowed keys, byte-compatible with Java's SessionWindowedSerde (SessionKeySchema):
 * key bytes + 8-byte session end + 8-byte session start.
 */
export class SessionWindowedSerde<K> implements Serde<Windowed<K>> {
  constructor(readonly inner: Serde<K>) {}

  serialize(topic: string, data: Windowed<K> | null): Buffer | null {
    if (data === null) return null
    const key = innerKeyBytes(this.inner, topic, data.key, 'SessionWindowedSerde')
    const out = Buffer.allocUnsafe(key.length + 2 * LONG)
    key.copy(out, 0)
    writeLong(out, data.window.end, key.length)
    writeLong(out, data.window.start, key.length + LONG)
    return out
  }

  deserialize(topic: string, data: Buffer | null): Windowed<K> | null {
    if (data === null) return null
    if (data.length < 2 * LONG) {
      throw new RangeError(`SessionWindowedSerde: ${data.length} bytes is too short for a session key (needs at least ${2 * LONG})`)
    }
    const keyLength = data.length - 2 * LONG
    const end = readLong(data, keyLength)
    const start = readLong(data, keyLength + LONG)
    const key = this.inner.deserialize(topic, data.subarray(0, keyLength)) as K
    return { key, window: { start, end } }
  }
}

/** Factories named as Java's WindowedSerdes. */
export const WindowedSerdes = {
  timeWindowedSerdeFrom<K>(inner: Serde<K>, windowSizeMs: number): TimeWindowedSerde<K> {
    return new TimeWindowedSerde(inner, windowSizeMs)
  },
  sessionWindowedSerdeFrom<K>(inner: Serde<K>): SessionWindowedSerde<K> {
    return new SessionWindowedSerde(inner)
  },
}
