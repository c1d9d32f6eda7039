import type { Serde } from '../../stores/serde.js'
import { SerializationError } from '../serdes/serde-errors.js'

/**
 * A KTable update between table processors: the new value and, when a downstream operator asked
 * for it, the old one (null = absent or not sent). A null newValue deletes.
 */
export interface Change<V> {
  newValue: V | null
  oldValue: V | null
  /** false for an out-of-order update of a versioned table (not its latest version); absent = latest */
  isLatest?: boolean
}

const HAS_NEW = 1
const HAS_OLD = 2

/** Carries a Change through a repartition topic (KTable.groupBy): flags, new-value length, new, old. */
export class ChangeSerde<V> implements Serde<Change<V>> {
  constructor(private readonly inner: Serde<V>) {}

  serialize(topic: string, data: Change<V> | null): Buffer | null {
    if (data === null || data === undefined) return null
    const n = data.newValue === null ? null : this.inner.serialize(topic, data.newValue)
    const o = data.oldValue === null ? null : this.inner.serialize(topic, data.oldValue)
    const nLen = n ? n.length : 0
    const out = Buffer.allocUnsafe(5 + nLen + (o ? o.length : 0))
    out.writeUInt8((n ? HAS_NEW : 0) | (o ? HAS_OLD : 0), 0)
    out.writeUInt32BE(nLen, 1)
    if (n) n.copy(out, 5)
    if (o) o.copy(out, 5 + nLen)
    return out
  }

  deserialize(topic: string, data: Buffer | null): Change<V> | null {
    if (data === null || data === undefined) return null
    if (data.length < 5) throw new SerializationError(`a table change read from "${topic}" is truncated (${data.length} bytes)`, topic)
    const flags = data.readUInt8(0)
    const nLen = data.readUInt32BE(1)
    if (5 + nLen > data.length) throw new SerializationError(`a table change read from "${topic}" is truncated`, topic)
    return {
      newValue: flags & HAS_NEW ? this.inner.deserialize(topic, data.subarray(5, 5 + nLen)) : null,
      oldValue: flags & HAS_OLD ? this.inner.deserialize(topic, data.subarray(5 + nLen)) : null,
    }
  }
}
