import type { Serde } from '../../../stores/serde.js'
import { SerializationError } from '../../serdes/serde-errors.js'

/** A value hash: Murmur3 128 of the serialized value, two signed 64-bit halves (null when the value is null). */
export type ValueHash = readonly [bigint, bigint]

export function hashesEqual(a: ValueHash | null, b: ValueHash | null): boolean {
  if (a === null || b === null) return a === b
  return a[0] === b[0] && a[1] === b[1]
}

/** What the foreign side does with a subscription (Kafka Streams' SubscriptionWrapper.Instruction, same bytes). */
export const Instruction = {
  /** Unsubscribe, send nothing. */
  DELETE_KEY_NO_PROPAGATE: 0,
  /** Unsubscribe and send (k, null). */
  DELETE_KEY_AND_PROPAGATE: 1,
  /** The foreign key changed: send (k, foreign value), or (k, null) when there is none. */
  PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE: 2,
  /** First subscription of the key: send (k, foreign value) only when there is one. */
  PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE: 3,
} as const
export type Instruction = (typeof Instruction)[keyof typeof Instruction]

export const SUBSCRIPTION_WRAPPER_CURRENT_VERSION = 1

/** A registration sent from the primary table to the foreign table's partition of its foreign key. */
export interface SubscriptionWrapper<K> {
  hash: ValueHash | null
  instruction: Instruction
  primaryKey: K
  version: number
  /** The primary table's partition (version 1): where the response goes back to. Null in version 0. */
  primaryPartition: number | null
}

/**
 * Kafka Streams' SubscriptionWrapperSerde, byte for byte:
 * `{1 bit hash-is-null}{7 bits version}{1 byte instruction}{16 bytes hash, if any}{primary key}{4 bytes partition, v1}`.
 * The primary key is serialized under the pseudo-topic `<applicationId>-<subscription topic>-pk`.
 */
export class SubscriptionWrapperSerde<K> implements Serde<SubscriptionWrapper<K>> {
  constructor(
    private readonly primaryKeySerde: Serde<K>,
    /** the pseudo-topic the primary key serde sees; resolved at run time (it carries the application id) */
    private readonly pseudoTopic: () => string,
  ) {}

  serialize(_topic: string, data: SubscriptionWrapper<K> | null): Buffer | null {
    if (data === null || data === undefined) return null
    if (data.version < 0 || data.version > 0x7f) throw new SerializationError(`SubscriptionWrapper version ${data.version} is outside 0..127`, _topic)
    if (data.version > SUBSCRIPTION_WRAPPER_CURRENT_VERSION) throw new SerializationError(`unsupported SubscriptionWrapper version ${data.version}`, _topic)
    const pk = this.primaryKeySerde.serialize(this.pseudoTopic(), data.primaryKey)
    if (pk === null) throw new SerializationError('the primary key of a subscription serialized to null', _topic)
    const hashLen = data.hash === null ? 0 : 16
    const partLen = data.version >= 1 ? 4 : 0
    const out = Buffer.allocUnsafe(2 + hashLen + pk.length + partLen)
    out.writeUInt8(data.hash === null ? data.version | 0x80 : data.version, 0)
    out.writeUInt8(data.instruction, 1)
    if (data.hash !== null) {
      out.writeBigInt64BE(data.hash[0], 2)
      out.writeBigInt64BE(data.hash[1], 10)
    }
    pk.copy(out, 2 + hashLen)
    if (partLen > 0) {
      if (data.primaryPartition === null) throw new SerializationError('a version 1 subscription needs its primary partition', _topic)
      out.writeInt32BE(data.primaryPartition, 2 + hashLen + pk.length)
    }
    return out
  }

  deserialize(topic: string, data: Buffer | null): SubscriptionWrapper<K> | null {
    if (data === null || data === undefined) return null
    if (data.length < 2) throw new SerializationError(`a subscription read from "${topic}" is truncated (${data.length} bytes)`, topic)
    const first = data.readUInt8(0)
    const version = first & 0x7f
    const hashIsNull = (first & 0x80) !== 0
    const instruction = data.readUInt8(1)
    if (instruction > 3) throw new SerializationError(`Unknown instruction byte value = ${instruction} in a subscription read from "${topic}"`, topic)
    let offset = 2
    let hash: ValueHash | null = null
    if (!hashIsNull) {
      if (data.length < 18) throw new SerializationError(`a subscription read from "${topic}" is truncated (${data.length} bytes)`, topic)
      hash = [data.readBigInt64BE(2), data.readBigInt64BE(10)]
      offset = 18
    }
    const end = version > 0 ? data.length - 4 : data.length
    if (end < offset) throw new SerializationError(`a subscription read from "${topic}" is truncated (${data.length} bytes)`, topic)
    const primaryKey = this.primaryKeySerde.deserialize(this.pseudoTopic(), data.subarray(offset, end)) as K
    const primaryPartition = version > 0 ? data.readInt32BE(end) : null
    return { hash, instruction: instruction as Instruction, primaryKey, version, primaryPartition }
  }
}
