/**
 * Binary layouts of window and session store keys, as Kafka Streams' WindowKeySchema and
 * SessionKeySchema, so byte-wise order matches theirs and changelogs are interchangeable:
 *
 *   window key  = key | window start (8, big-endian) [| seqnum (4, big-endian) with retainDuplicates]
 *   session key = key | session end (8, big-endian) | session start (8, big-endian)
 *
 * Segments group keys by time (window start; session end): segment id = floor(t / interval).
 */

export const TIMESTAMP_SIZE = 8
export const SEQNUM_SIZE = 4
const TWO_32 = 0x1_0000_0000

export function writeTimestamp(buf: Buffer, offset: number, t: number): void {
  // Two 32-bit halves instead of a BigInt: no allocation on the hot path.
  buf.writeInt32BE(Math.floor(t / TWO_32), offset)
  buf.writeUInt32BE(t >>> 0, offset + 4)
}

export function readTimestamp(buf: Buffer, offset: number): number {
  return buf.readInt32BE(offset) * TWO_32 + buf.readUInt32BE(offset + 4)
}

export function checkTimestamp(storeName: string, what: string, t: number): void {
  if (!Number.isSafeInteger(t) || t < 0) {
    throw new RangeError(`State store "${storeName}": ${what} must be a non-negative integer (ms), got ${t}`)
  }
}

// ---- window keys ----

export function windowKeySuffixSize(retainDuplicates: boolean): number {
  return retainDuplicates ? TIMESTAMP_SIZE + SEQNUM_SIZE : TIMESTAMP_SIZE
}

export function toWindowKey(key: Buffer, windowStart: number, seqnum: number | null = null): Buffer {
  const out = Buffer.allocUnsafe(key.length + TIMESTAMP_SIZE + (seqnum === null ? 0 : SEQNUM_SIZE))
  key.copy(out, 0)
  writeTimestamp(out, key.length, windowStart)
  if (seqnum !== null) out.writeUInt32BE(seqnum >>> 0, key.length + TIMESTAMP_SIZE)
  return out
}

export function windowKeyKey(stored: Buffer, retainDuplicates: boolean): Buffer {
  return stored.subarray(0, stored.length - windowKeySuffixSize(retainDuplicates))
}

export function windowKeyStart(stored: Buffer, retainDuplicates: boolean): number {
  return readTimestamp(stored, stored.length - windowKeySuffixSize(retainDuplicates))
}

export function windowKeySeqnum(stored: Buffer): number {
  return stored.readUInt32BE(stored.length - SEQNUM_SIZE)
}

/** Whether `stored` is a window key of exactly `key` (not merely one sharing its prefix bytes). */
export function windowKeyMatches(stored: Buffer, key: Buffer, retainDuplicates: boolean): boolean {
  return (
    stored.length === key.length + windowKeySuffixSize(retainDuplicates) && key.compare(stored, 0, key.length) === 0
  )
}

/** Smallest stored key of `key` at or after `from`, and largest at or before `to`. */
export function windowKeyBounds(key: Buffer, from: number, to: number, retainDuplicates: boolean): [Buffer, Buffer] {
  return [
    toWindowKey(key, from, retainDuplicates ? 0 : null),
    toWindowKey(key, to, retainDuplicates ? 0xffffffff : null),
  ]
}

// ---- session keys ----

export const SESSION_SUFFIX_SIZE = 2 * TIMESTAMP_SIZE

export function toSessionKey(key: Buffer, start: number, end: number): Buffer {
  const out = Buffer.allocUnsafe(key.length + SESSION_SUFFIX_SIZE)
  key.copy(out, 0)
  writeTimestamp(out, key.length, end)
  writeTimestamp(out, key.length + TIMESTAMP_SIZE, start)
  return out
}

export function sessionKeyKey(stored: Buffer): Buffer {
  return stored.subarray(0, stored.length - SESSION_SUFFIX_SIZE)
}

export function sessionKeyEnd(stored: Buffer): number {
  return readTimestamp(stored, stored.length - SESSION_SUFFIX_SIZE)
}

export function sessionKeyStart(stored: Buffer): number {
  return readTimestamp(stored, stored.length - TIMESTAMP_SIZE)
}

export function sessionKeyMatches(stored: Buffer, key: Buffer): boolean {
  return stored.length === key.length + SESSION_SUFFIX_SIZE && key.compare(stored, 0, key.length) === 0
}

// ---- key-range bounds (multi-key fetches) ----

/** Lower scan bound for keys >= keyFrom (any suffix), null = open. */
export function keyRangeLower(keyFrom: Buffer | null): Buffer | null {
  return keyFrom
}

/** Upper scan bound for keys <= keyTo with a suffix of `suffixSize` bytes, null = open. */
export function keyRangeUpper(keyTo: Buffer | null, suffixSize: number): Buffer | null {
  if (keyTo === null) return null
  const out = Buffer.alloc(keyTo.length + suffixSize, 0xff)
  keyTo.copy(out, 0)
  return out
}

// ---- segments ----

/** Kafka Streams' default segment interval for window and session stores. */
export function defaultSegmentInterval(retentionPeriod: number): number {
  return Math.max(Math.floor(retentionPeriod / 2), 60_000)
}

export function segmentId(timestamp: number, segmentInterval: number): number {
  return Math.floor(timestamp / segmentInterval)
}
