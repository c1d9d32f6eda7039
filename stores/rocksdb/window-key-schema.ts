// Kafka Streams' binary key layouts for window and session stores. They are also the changelog
// keys of those stores, so a changelog written by either the in-memory or the RocksDB flavour
// (or by Java Kafka Streams) restores into the other.
//
//   window:  key bytes | window start (8 bytes, big-endian) | sequence number (4 bytes)
//   session: key bytes | session end (8 bytes, big-endian)  | session start (8 bytes)

const TS = 8
const SEQ = 4
export const WINDOW_SUFFIX = TS + SEQ
export const SESSION_SUFFIX = TS + TS

export const WindowKeySchema = {
  toStoreKey(key: Buffer, windowStart: number, seqnum: number): Buffer {
    const out = Buffer.allocUnsafe(key.length + WINDOW_SUFFIX)
    key.copy(out, 0)
    out.writeBigInt64BE(BigInt(windowStart), key.length)
    out.writeUInt32BE(seqnum >>> 0, key.length + TS)
    return out
  },
  extractKey(storeKey: Buffer): Buffer {
    return storeKey.subarray(0, storeKey.length - WINDOW_SUFFIX)
  },
  extractTimestamp(storeKey: Buffer): number {
    return Number(storeKey.readBigInt64BE(storeKey.length - WINDOW_SUFFIX))
  },
  /** Compares the key part with `key` without copying. */
  keyEquals(storeKey: Buffer, key: Buffer): boolean {
    const n = storeKey.length - WINDOW_SUFFIX
    return n === key.length && storeKey.compare(key, 0, key.length, 0, n) === 0
  },
  /** Validates a changelog or disk key before use. */
  check(storeKey: Buffer, where: string): void {
    if (storeKey.length < WINDOW_SUFFIX) throw new RangeError(`${where}: window store key of ${storeKey.length} bytes is shorter than ${WINDOW_SUFFIX}`)
  },
}

export const SessionKeySchema = {
  toStoreKey(key: Buffer, sessionStart: number, sessionEnd: number): Buffer {
    const out = Buffer.allocUnsafe(key.length + SESSION_SUFFIX)
    key.copy(out, 0)
    out.writeBigInt64BE(BigInt(sessionEnd), key.length)
    out.writeBigInt64BE(BigInt(sessionStart), key.length + TS)
    return out
  },
  extractKey(storeKey: Buffer): Buffer {
    return storeKey.subarray(0, storeKey.length - SESSION_SUFFIX)
  },
  extractEnd(storeKey: Buffer): number {
    return Number(storeKey.readBigInt64BE(storeKey.length - SESSION_SUFFIX))
  },
  extractStart(storeKey: Buffer): number {
    return Number(storeKey.readBigInt64BE(storeKey.length - TS))
  },
  keyEquals(storeKey: Buffer, key: Buffer): boolean {
    const n = storeKey.length - SESSION_SUFFIX
    return n === key.length && storeKey.compare(key, 0, key.length, 0, n) === 0
  },
  check(storeKey: Buffer, where: string): void {
    if (storeKey.length < SESSION_SUFFIX) throw new RangeError(`${where}: session store key of ${storeKey.length} bytes is shorter than ${SESSION_SUFFIX}`)
  },
}

/** A key followed by bytes all 0x00 or all 0xff: scan bounds around every suffix of `key`. */
export function withSuffix(key: Buffer, suffixLength: number, fill: 0x00 | 0xff): Buffer {
  const out = Buffer.alloc(key.length + suffixLength, fill)
  key.copy(out, 0)
  return out
}
