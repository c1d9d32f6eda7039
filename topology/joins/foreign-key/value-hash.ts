import type { Serde } from '../../../stores/serde.js'
import { murmur3Hash128 } from './murmur3.js'
import type { ValueHash } from './subscription-wrapper.js'

/** Murmur3 128 of a primary value's bytes (Kafka Streams hashes the value serde's output); null for null. */
export function valueHash<V>(serde: Serde<V>, topic: string, value: V | null): ValueHash | null {
  const bytes = value === null ? null : serde.serialize(topic, value)
  return bytes === null ? null : murmur3Hash128(bytes)
}
