/** Kafka Streams' default Murmur3 seed (org.apache.kafka.streams.state.internals.Murmur3.DEFAULT_SEED). */
export const MURMUR3_DEFAULT_SEED = 104729

const MASK = (1n << 64n) - 1n
const C1 = 0x87c37b91114253d5n
const C2 = 0x4cf5ad432745937fn

const rotl = (x: bigint, r: bigint): bigint => ((x << r) | (x >> (64n - r))) & MASK
const mul = (a: bigint, b: bigint): bigint => (a * b) & MASK

function fmix64(h: bigint): bigint {
  h ^= h >> 33n
  h = mul(h, 0xff51afd7ed558ccdn)
  h ^= h >> 33n
  h = mul(h, 0xc4ceb9fe1a85ec53n)
  h ^= h >> 33n
  return h
}

/**
 * MurmurHash3 x64 128-bit, as Kafka Streams computes it (hash of a value in foreign-key joins):
 * two signed 64-bit halves, equal to Java's `long[]` result for the same bytes and seed.
 */
export function murmur3Hash128(data: Uint8Array, seed: number = MURMUR3_DEFAULT_SEED): [bigint, bigint] {
  // Java widens the int seed to a long with its sign.
  let h1 = BigInt.asUintN(64, BigInt(seed | 0))
  let h2 = h1
  const length = data.length
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength)
  const nblocks = length >> 4
  for (let i = 0; i < nblocks; i++) {
    let k1 = view.getBigUint64(i * 16, true)
    let k2 = view.getBigUint64(i * 16 + 8, true)
    k1 = mul(rotl(mul(k1, C1), 31n), C2)
    h1 ^= k1
    h1 = (mul(rotl(h1, 27n) + h2, 5n) + 0x52dce729n) & MASK
    k2 = mul(rotl(mul(k2, C2), 33n), C1)
    h2 ^= k2
    h2 = (mul(rotl(h2, 31n) + h1, 5n) + 0x38495ab5n) & MASK
  }
  const tail = nblocks << 4
  const rest = length - tail
  let k1 = 0n
  let k2 = 0n
  for (let i = rest - 1; i >= 8; i--) k2 ^= BigInt(data[tail + i]) << BigInt((i - 8) * 8)
  if (rest > 8) h2 ^= mul(rotl(mul(k2, C2), 33n), C1)
  for (let i = Math.min(rest, 8) - 1; i >= 0; i--) k1 ^= BigInt(data[tail + i]) << BigInt(i * 8)
  if (rest > 0) h1 ^= mul(rotl(mul(k1, C1), 31n), C2)

  h1 ^= BigInt(length)
  h2 ^= BigInt(length)
  h1 = (h1 + h2) & MASK
  h2 = (h2 + h1) & MASK
  h1 = fmix64(h1)
  h2 = fmix64(h2)
  h1 = (h1 + h2) & MASK
  h2 = (h2 + h1) & MASK
  return [BigInt.asIntN(64, h1), BigInt.asIntN(64, h2)]
}
