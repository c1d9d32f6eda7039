/**
 * Zigzag varints as in Kafka's ByteUtils: varint for int32 fields (lengths, offset deltas), varlong
 * for timestamp deltas. Values are JS numbers; varlongs beyond 2^31 take a slower arithmetic path
 * since bit operators truncate to 32 bits.
 */

/** Encoded size of a zigzag varint/varlong. */
export function sizeOfVarint(value: number): number {
  if (value >= -0x40000000 && value < 0x40000000) {
    let v = ((value << 1) ^ (value >> 31)) >>> 0
    let n = 1
    while (v >= 0x80) { v >>>= 7; n++ }
    return n
  }
  let v = value >= 0 ? value * 2 : -value * 2 - 1
  let n = 1
  while (v >= 128) { v = Math.floor(v / 128); n++ }
  return n
}

/** Writes a zigzag varint/varlong at pos and returns the position after it. */
export function writeVarint(buf: Buffer, pos: number, value: number): number {
  if (value >= -0x40000000 && value < 0x40000000) {
    let v = ((value << 1) ^ (value >> 31)) >>> 0
    while (v >= 0x80) { buf[pos++] = (v & 0x7f) | 0x80; v >>>= 7 }
    buf[pos++] = v
    return pos
  }
  let v = value >= 0 ? value * 2 : -value * 2 - 1
  while (v >= 128) { buf[pos++] = (v % 128) | 0x80; v = Math.floor(v / 128) }
  buf[pos++] = v
  return pos
}

/** Position after the last varint read by readVarint (module state: the readers are synchronous). */
export let varintEnd = 0

/**
 * Reads a zigzag varint/varlong at pos, leaving the position after it in `varintEnd`. Throws a
 * RangeError past `limit` or beyond 10 bytes; callers turn it into an error naming the batch.
 */
export function readVarint(buf: Buffer | Uint8Array, pos: number, limit: number): number {
  let b = pos < limit ? buf[pos++] : -1
  if (b < 0x80) {
    if (b < 0) throw new RangeError('varint runs past the end of the batch')
    varintEnd = pos
    return (b >>> 1) ^ -(b & 1)
  }
  let raw = b & 0x7f
  let shift = 7
  // Up to 4 bytes fit 28 bits: stay in 32-bit integer arithmetic.
  while (shift < 28) {
    if (pos >= limit) throw new RangeError('varint runs past the end of the batch')
    b = buf[pos++]
    raw |= (b & 0x7f) << shift
    if (b < 0x80) { varintEnd = pos; return (raw >>> 1) ^ -(raw & 1) }
    shift += 7
  }
  // Longer: accumulate with multiplication (varlong timestamps and out-of-range ints).
  let value = raw
  let mul = 0x10000000
  for (let i = 4; i < 10; i++) {
    if (pos >= limit) throw new RangeError('varint runs past the end of the batch')
    b = buf[pos++]
    value += (b & 0x7f) * mul
    if (b < 0x80) {
      varintEnd = pos
      return value % 2 === 0 ? value / 2 : -(value + 1) / 2
    }
    mul *= 128
  }
  throw new RangeError('varint longer than 10 bytes')
}
