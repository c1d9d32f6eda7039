// MurmurHash3 x86_128 (Austin Appleby, public domain), written from the algorithm's description.
// The x86 variant works on 32-bit words only, so it runs on Math.imul without BigInt; the sketch
// uses the first 64 bits of its 128.

const C1 = 0x239b961b
const C2 = 0xab0e9789
const C3 = 0x38b34ae5
const C4 = 0xa1e38b93

const rotl = (x: number, r: number): number => (x << r) | (x >>> (32 - r))

function fmix(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  return h ^ (h >>> 16)
}

const readLE = (b: Uint8Array, i: number): number => b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)

/** The four 32-bit words of the hash of `data[0..length)`, written to `out` (h1, h2, h3, h4). */
export function murmur3x86_128(data: Uint8Array, length: number, seed: number, out: Uint32Array): void {
  let h1 = seed | 0
  let h2 = h1
  let h3 = h1
  let h4 = h1
  const blocks = length - (length % 16)
  for (let i = 0; i < blocks; i += 16) {
    let k1 = readLE(data, i)
    let k2 = readLE(data, i + 4)
    let k3 = readLE(data, i + 8)
    let k4 = readLE(data, i + 12)
    k1 = Math.imul(rotl(Math.imul(k1, C1), 15), C2)
    h1 ^= k1
    h1 = (Math.imul(rotl(h1, 19) + h2, 5) + 0x561ccd1b) | 0
    k2 = Math.imul(rotl(Math.imul(k2, C2), 16), C3)
    h2 ^= k2
    h2 = (Math.imul(rotl(h2, 17) + h3, 5) + 0x0bcaa747) | 0
    k3 = Math.imul(rotl(Math.imul(k3, C3), 17), C4)
    h3 ^= k3
    h3 = (Math.imul(rotl(h3, 15) + h4, 5) + 0x96cd1c35) | 0
    k4 = Math.imul(rotl(Math.imul(k4, C4), 18), C1)
    h4 ^= k4
    h4 = (Math.imul(rotl(h4, 13) + h1, 5) + 0x32ac3b17) | 0
  }
  // The tail: up to 15 bytes, little-endian into k1..k4.
  let k1 = 0
  let k2 = 0
  let k3 = 0
  let k4 = 0
  const rest = length - blocks
  for (let j = rest - 1; j >= 0; j--) {
    const byte = data[blocks + j]!
    if (j >= 12) k4 |= byte << ((j - 12) * 8)
    else if (j >= 8) k3 |= byte << ((j - 8) * 8)
    else if (j >= 4) k2 |= byte << ((j - 4) * 8)
    else k1 |= byte << (j * 8)
  }
  if (rest > 12) h4 ^= Math.imul(rotl(Math.imul(k4, C4), 18), C1)
  if (rest > 8) h3 ^= Math.imul(rotl(Math.imul(k3, C3), 17), C4)
  if (rest > 4) h2 ^= Math.imul(rotl(Math.imul(k2, C2), 16), C3)
  if (rest > 0) h1 ^= Math.imul(rotl(Math.imul(k1, C1), 15), C2)

  h1 ^= length
  h2 ^= length
  h3 ^= length
  h4 ^= length
  h1 = (h1 + h2 + h3 + h4) | 0
  h2 = (h2 + h1) | 0
  h3 = (h3 + h1) | 0
  h4 = (h4 + h1) | 0
  h1 = fmix(h1)
  h2 = fmix(h2)
  h3 = fmix(h3)
  h4 = fmix(h4)
  h1 = (h1 + h2 + h3 + h4) | 0
  h2 = (h2 + h1) | 0
  h3 = (h3 + h1) | 0
  h4 = (h4 + h1) | 0
  out[0] = h1
  out[1] = h2
  out[2] = h3
  out[3] = h4
}
