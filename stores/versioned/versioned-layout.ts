// How a versioned store lays its versions out in one ordered bytes table (one RocksDB instance):
//
//   latest   0x00 | key                                  -> timestamp(8) | value
//   history  0x01 | keyLength(4) | key | validFrom(8*)   -> flags(1) | validTo(8) | value
//   expiry   0x02 | validTo(8*) | keyLength(4) | key | validFrom(8*) -> (empty)
//
// (8*) = order-preserving: big-endian with the sign bit flipped, so negative times sort first.
// The latest version of a key with a value lives in `latest`; every older version (and the
// tombstones that end them) lives in `history`, where a key's versions are contiguous and
// ordered by validFrom. `expiry` indexes history rows by validTo so that versions past the
// history retention are purged with one range scan instead of Kafka Streams' segment drops.

const TWO_32 = 4294967296
export const LATEST = 0x00
export const HISTORY = 0x01
export const EXPIRY = 0x02
const HAS_VALUE = 0x01

export function writeSortable(buf: Buffer, offset: number, t: number): void {
  const high = Math.floor(t / TWO_32)
  buf.writeUInt32BE((high ^ 0x80000000) >>> 0, offset)
  buf.writeUInt32BE(t - high * TWO_32, offset + 4)
}

export function readSortable(buf: Buffer, offset: number): number {
  const high = (buf.readUInt32BE(offset) ^ 0x80000000) | 0
  return high * TWO_32 + buf.readUInt32BE(offset + 4)
}

function writeLong(buf: Buffer, offset: number, t: number): void {
  const high = Math.floor(t / TWO_32)
  buf.writeInt32BE(high, offset)
  buf.writeUInt32BE(t - high * TWO_32, offset + 4)
}

function readLong(buf: Buffer, offset: number): number {
  return buf.readInt32BE(offset) * TWO_32 + buf.readUInt32BE(offset + 4)
}

export function latestKey(key: Buffer): Buffer {
  const out = Buffer.allocUnsafe(1 + key.length)
  out[0] = LATEST
  key.copy(out, 1)
  return out
}

export interface LatestValue {
  timestamp: number
  value: Buffer
}

export function encodeLatest(value: Buffer, timestamp: number): Buffer {
  const out = Buffer.allocUnsafe(8 + value.length)
  writeLong(out, 0, timestamp)
  value.copy(out, 8)
  return out
}

export function decodeLatest(raw: Buffer): LatestValue {
  return { timestamp: readLong(raw, 0), value: raw.subarray(8) }
}

/** The prefix every history row of `key` starts with. */
export function historyPrefix(key: Buffer): Buffer {
  const out = Buffer.allocUnsafe(5 + key.length)
  out[0] = HISTORY
  out.writeUInt32BE(key.length, 1)
  key.copy(out, 5)
  return out
}

export function historyKey(prefix: Buffer, validFrom: number): Buffer {
  const out = Buffer.allocUnsafe(prefix.length + 8)
  prefix.copy(out, 0)
  writeSortable(out, prefix.length, validFrom)
  return out
}

export function historyKeyValidFrom(row: Buffer): number {
  return readSortable(row, row.length - 8)
}

/** One stored older version: valid over [validFrom, validTo); a null value is a deletion. */
export interface HistoryRow {
  validFrom: number
  validTo: number
  value: Buffer | null
}

export function encodeHistory(validTo: number, value: Buffer | null): Buffer {
  const out = Buffer.allocUnsafe(9 + (value?.length ?? 0))
  out[0] = value === null ? 0 : HAS_VALUE
  writeLong(out, 1, validTo)
  value?.copy(out, 9)
  return out
}

export function decodeHistory(rowKey: Buffer, raw: Buffer): HistoryRow {
  return { validFrom: historyKeyValidFrom(rowKey), validTo: readLong(raw, 1), value: (raw[0]! & HAS_VALUE) !== 0 ? raw.subarray(9) : null }
}

/** The expiry-index row for a history row (`historyRowKey` minus its leading tag). */
export function expiryKey(validTo: number, historyRowKey: Buffer): Buffer {
  const out = Buffer.allocUnsafe(9 + historyRowKey.length - 1)
  out[0] = EXPIRY
  writeSortable(out, 1, validTo)
  historyRowKey.copy(out, 9, 1)
  return out
}

/** The smallest expiry key with validTo >= `t`: rows below it have validTo < t. */
export function expiryBound(t: number): Buffer {
  const out = Buffer.allocUnsafe(9)
  out[0] = EXPIRY
  writeSortable(out, 1, t)
  return out
}

export function expiryRow(indexKey: Buffer): { validTo: number; historyRowKey: Buffer } {
  const historyRowKey = Buffer.allocUnsafe(indexKey.length - 8)
  historyRowKey[0] = HISTORY
  indexKey.copy(historyRowKey, 1, 9)
  return { validTo: readSortable(indexKey, 1), historyRowKey }
}

/** The smallest key greater than every key starting with `prefix` (prefixes here never are all 0xff). */
export function afterPrefix(prefix: Buffer): Buffer {
  const out = Buffer.from(prefix)
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i] !== 0xff) {
      out[i]++
      return out.subarray(0, i + 1)
    }
  }
  throw new Error('no successor for an all-0xff prefix')
}

/** The row holding the store's observed stream time (persistent stores). */
export const STREAM_TIME = Buffer.from([0x03])
