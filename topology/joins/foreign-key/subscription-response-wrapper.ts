import type { Serde } from '../../../stores/serde.js'
import { SerializationError } from '../../serdes/serde-errors.js'
import type { ValueHash } from './subscription-wrapper.js'

export const SUBSCRIPTION_RESPONSE_CURRENT_VERSION = 0

/** The foreign table's answer to a subscription: the foreign value and the hash of the primary value it answers. */
export interface SubscriptionResponseWrapper<VO> {
  originalValueHash: ValueHash | null
  foreignValue: VO | null
  version: number
  /** Where the response goes (not serialized): the primary table's partition. */
  primaryPartition: number | null
}

/**
 * Kafka Streams' SubscriptionResponseWrapperSerde, byte for byte:
 * `{1 bit hash-is-null}{7 bits version}{16 bytes hash, if any}{foreign value, absent when null}`.
 */
export class SubscriptionResponseWrapperSerde<VO> implements Serde<SubscriptionResponseWrapper<VO>> {
  constructor(private readonly foreignValueSerde: Serde<VO>) {}

  serialize(topic: string, data: SubscriptionResponseWrapper<VO> | null): Buffer | null {
    if (data === null || data === undefined) return null
    if (data.version < 0) throw new SerializationError('SubscriptionResponseWrapper version cannot be negative', topic)
    const value = data.foreignValue === null ? null : this.foreignValueSerde.serialize(topic, data.foreignValue)
    const hashLen = data.originalValueHash === null ? 0 : 16
    const out = Buffer.allocUnsafe(1 + hashLen + (value === null ? 0 : value.length))
    if (data.originalValueHash !== null) {
      out.writeUInt8(data.version, 0)
      out.writeBigInt64BE(data.originalValueHash[0], 1)
      out.writeBigInt64BE(data.originalValueHash[1], 9)
    } else {
      out.writeUInt8(data.version | 0x80, 0)
    }
    if (value !== null) value.copy(out, 1 + hashLen)
    return out
  }

  deserialize(topic: string, data: Buffer | null): SubscriptionResponseWrapper<VO> | null {
    if (data === null || data === undefined) return null
    if (data.length < 1) throw new SerializationError(`a subscription response read from "${topic}" is empty`, topic)
    const first = data.readUInt8(0)
    const version = first & 0x7f
    let offset = 1
    let hash: ValueHash | null = null
    if ((first & 0x80) === 0) {
      if (data.length < 17) throw new SerializationError(`a subscription response read from "${topic}" is truncated (${data.length} bytes)`, topic)
      hash = [data.readBigInt64BE(1), data.readBigInt64BE(9)]
      offset = 17
    }
    const foreignValue = data.length > offset ? (this.foreignValueSerde.deserialize(topic, data.subarray(offset)) as VO | null) : null
    return { originalValueHash: hash, foreignValue, version, primaryPartition: null }
  }
}
