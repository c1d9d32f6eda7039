import type { ValueAndTimestamp } from '../../stores/key-value.js'
import type { Serde } from '../../stores/serde.js'
import { HyperLogLog } from './hyperloglog.js'

/**
 * The value serde of an approximateCountDistinct store as everyone but its processor sees it:
 * the bytes are a sketch, read as its estimate (cache flushes, value getters, interactive
 * queries, the test driver's store getters). Estimates cannot be written back as sketches.
 */
export const ESTIMATE_SERDE: Serde<number> = {
  serialize(topic) {
    throw new TypeError(
      `the store of changelog topic "${topic}" holds HyperLogLog sketches maintained by approximateCountDistinct; it cannot store a number`,
    )
  },
  deserialize(_topic, data) {
    return data === null ? null : HyperLogLog.wrap(data).estimate()
  },
}

/** The processor's view of a session store's values: the sketches themselves, read without copying. */
export const SKETCH_SERDE: Serde<HyperLogLog> = {
  serialize(_topic, sketch) {
    return sketch === null || sketch === undefined ? null : sketch.toBytes()
  },
  deserialize(_topic, data) {
    return data === null ? null : HyperLogLog.wrap(data)
  },
}

/** The processor's view of a timestamped (key-value or window) store's values. */
export const TIMESTAMPED_SKETCH_SERDE: Serde<ValueAndTimestamp<HyperLogLog>> = {
  serialize(_topic, vt) {
    return vt === null || vt === undefined ? null : vt.value.toTimestampedBytes(vt.timestamp)
  },
  deserialize(topic, data) {
    if (data === null) return null
    if (data.length < 8) throw new RangeError(`Timestamped value on "${topic}" is ${data.length} bytes; expected at least 8`)
    return { value: HyperLogLog.wrap(data, 8), timestamp: Number(data.readBigInt64BE(0)) }
  },
}
