// 8-byte big-endian signed longs, as Java's ByteBuffer.putLong, for safe-integer millisecond values.
// Split into two 32-bit halves: no BigInt allocation on the per-record path.

const TWO_32 = 4294967296

export function writeLong(buf: Buffer, value: number, offset: number): void {
  const high = Math.floor(value / TWO_32)
  buf.writeInt32BE(high, offset)
  buf.writeUInt32BE(value - high * TWO_32, offset + 4)
}

export function readLong(buf: Buffer, offset: number): number {
  return buf.readInt32BE(offset) * TWO_32 + buf.readUInt32BE(offset + 4)
}
