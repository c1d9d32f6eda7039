/**
 * Java-compatible key partitioning: Kafka's `Utils.murmur2` (32-bit MurmurHash2, seed 0x9747b28c),
 * `Utils.toPositive` and the producer's partition for a keyed record, so a key lands on the same
 * partition whichever client wrote it. Math.imul gives Java's wrapping int multiplication.
 */

const SEED = 0x9747b28c
const M = 0x5bd1e995

/** Kafka's murmur2 of the bytes, as a signed 32-bit int (what Java returns). */
export function murmur2(data: Uint8Array): number {
  const length = data.length
  let h = (SEED ^ length) | 0
  const whole = length & ~3
  for (let i = 0; i < whole; i += 4) {
    let k = data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24)
    k = Math.imul(k, M)
    k ^= k >>> 24
    k = Math.imul(k, M)
    h = Math.imul(h, M) ^ k
  }
  // The 1-3 tail bytes, as Java's falling-through switch: mixed in, then one multiplication.
  const tail = length & 3
  if (tail !== 0) {
    if (tail === 3) h ^= data[whole + 2] << 16
    if (tail >= 2) h ^= data[whole + 1] << 8
    h ^= data[whole]
    h = Math.imul(h, M)
  }
  h ^= h >>> 13
  h = Math.imul(h, M)
  h ^= h >>> 15
  return h | 0
}

/** Kafka's `Utils.toPositive`: clears the sign bit (not Math.abs, which differs for negatives). */
export function toPositive(n: number): number {
  return n & 0x7fffffff
}

/** The partition Kafka's producer picks for a record with these key bytes (BuiltInPartitioner.partitionForKey). */
export function partitionForKey(keyBytes: Uint8Array, numPartitions: number): number {
  if (!(numPartitions > 0)) throw new RangeError(`partition count must be positive, got ${numPartitions}`)
  return toPositive(murmur2(keyBytes)) % numPartitions
}
