/**
 * Record batch v2 (magic 2) helpers. Batches are kept as the bytes clients sent; these helpers read
 * header fields in place and rewrite the few the broker owns (baseOffset, and maxTimestamp for
 * LogAppendTime topics). Layout (offsets from the batch start):
 *   0 baseOffset int64 | 8 batchLength int32 | 12 partitionLeaderEpoch int32 | 16 magic int8 | 17 crc uint32
 *   21 attributes int16 | 23 lastOffsetDelta int32 | 27 baseTimestamp int64 | 35 maxTimestamp int64
 *   43 producerId int64 | 51 producerEpoch int16 | 53 baseSequence int32 | 57 recordCount int32 | 61 records
 * The CRC-32C covers attributes to the end, so rewriting baseOffset never touches it.
 */
import { crc32c } from './crc32c.js'
import { ErrorCode } from './error-codes.js'
import { decodeRecords } from './records-codec.js'

export const LOG_OVERHEAD = 12 // baseOffset + batchLength: bytes not counted by batchLength
export const BATCH_HEADER_SIZE = 61
export const CRC_OFFSET = 17
export const ATTRIBUTES_OFFSET = 21

export const COMPRESSION_MASK = 0x07
export const TIMESTAMP_TYPE_LOG_APPEND = 0x08
export const TRANSACTIONAL_FLAG = 0x10
export const CONTROL_FLAG = 0x20

export const Compression = { NONE: 0, GZIP: 1, SNAPPY: 2, LZ4: 3, ZSTD: 4 } as const

const TWO_32 = 0x100000000

export function readInt64(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos) * TWO_32 + buf.readUInt32BE(pos + 4)
}

export function writeInt64(buf: Buffer, pos: number, value: number): void {
  const hi = Math.floor(value / TWO_32)
  buf.writeInt32BE(hi, pos)
  buf.writeUInt32BE(value - hi * TWO_32, pos + 4)
}

export const baseOffsetOf = (b: Buffer, p = 0): number => readInt64(b, p)
export const batchLengthOf = (b: Buffer, p = 0): number => b.readInt32BE(p + 8)
export const partitionLeaderEpochOf = (b: Buffer, p = 0): number => b.readInt32BE(p + 12)
export const magicOf = (b: Buffer, p = 0): number => b.readInt8(p + 16)
export const crcOf = (b: Buffer, p = 0): number => b.readUInt32BE(p + CRC_OFFSET)
export const attributesOf = (b: Buffer, p = 0): number => b.readInt16BE(p + ATTRIBUTES_OFFSET)
export const compressionOf = (b: Buffer, p = 0): number => attributesOf(b, p) & COMPRESSION_MASK
export const isLogAppendTime = (b: Buffer, p = 0): boolean => (attributesOf(b, p) & TIMESTAMP_TYPE_LOG_APPEND) !== 0
export const isTransactional = (b: Buffer, p = 0): boolean => (attributesOf(b, p) & TRANSACTIONAL_FLAG) !== 0
export const isControl = (b: Buffer, p = 0): boolean => (attributesOf(b, p) & CONTROL_FLAG) !== 0
export const lastOffsetDeltaOf = (b: Buffer, p = 0): number => b.readInt32BE(p + 23)
export const baseTimestampOf = (b: Buffer, p = 0): number => readInt64(b, p + 27)
export const maxTimestampOf = (b: Buffer, p = 0): number => readInt64(b, p + 35)
export const producerIdOf = (b: Buffer, p = 0): bigint => b.readBigInt64BE(p + 43)
export const producerEpochOf = (b: Buffer, p = 0): number => b.readInt16BE(p + 51)
export const baseSequenceOf = (b: Buffer, p = 0): number => b.readInt32BE(p + 53)
export const recordCountOf = (b: Buffer, p = 0): number => b.readInt32BE(p + 57)

/** Last sequence of a batch, wrapping at Int32.MAX as Kafka does. */
export function lastSequenceOf(b: Buffer, p = 0): number {
  const base = baseSequenceOf(b, p)
  if (base < 0) return -1
  const last = base + lastOffsetDeltaOf(b, p)
  return last > 0x7fffffff ? last - 0x80000000 : last
}

/** Overwrites baseOffset in place; the CRC does not cover it. */
export function setBaseOffset(b: Buffer, p: number, offset: number): void {
  writeInt64(b, p, offset)
}

/** Recomputes and stores the CRC of the batch at b[p, end). */
export function writeCrc(b: Buffer, p: number, end: number): void {
  b.writeUInt32BE(crc32c(b, p + ATTRIBUTES_OFFSET, end), p + CRC_OFFSET)
}

/** Marks the batch LogAppendTime with maxTimestamp = now, as Kafka does for such topics, and re-signs it. */
export function setLogAppendTime(b: Buffer, p: number, end: number, now: number): void {
  b.writeInt16BE(attributesOf(b, p) | TIMESTAMP_TYPE_LOG_APPEND, p + ATTRIBUTES_OFFSET)
  writeInt64(b, p + 35, now)
  writeCrc(b, p, end)
}

export interface BatchSpan { start: number; end: number }

/**
 * Splits a records field into batch spans, checking that the framing is whole and each batch is
 * magic 2 with a valid CRC. Errors use Kafka's codes: CORRUPT_MESSAGE for framing/CRC, INVALID_RECORD
 * for anything a v2 producer must not send.
 */
export function splitBatches(buf: Buffer): { errorCode: number; errorMessage?: string; spans: BatchSpan[] } {
  const spans: BatchSpan[] = []
  let pos = 0
  if (buf.length === 0) return { errorCode: ErrorCode.INVALID_RECORD, errorMessage: 'produce request has no record batch', spans }
  while (pos < buf.length) {
    if (pos + LOG_OVERHEAD > buf.length) return corrupt(`truncated batch header at byte ${pos}`, spans)
    const length = batchLengthOf(buf, pos)
    const end = pos + LOG_OVERHEAD + length
    if (length < BATCH_HEADER_SIZE - LOG_OVERHEAD || end > buf.length) {
      return corrupt(`batch at byte ${pos} declares length ${length}, which does not fit the ${buf.length}-byte records field`, spans)
    }
    const magic = magicOf(buf, pos)
    if (magic !== 2) {
      return { errorCode: ErrorCode.INVALID_RECORD, errorMessage: `record batch magic ${magic} is not supported, only magic 2`, spans }
    }
    const expected = crcOf(buf, pos)
    const actual = crc32c(buf, pos + ATTRIBUTES_OFFSET, end)
    if (expected !== actual) return corrupt(`record batch CRC ${expected} does not match computed CRC ${actual}`, spans)
    spans.push({ start: pos, end })
    pos = end
  }
  return { errorCode: ErrorCode.NONE, spans }
}

function corrupt(message: string, spans: BatchSpan[]) {
  return { errorCode: ErrorCode.CORRUPT_MESSAGE, errorMessage: message, spans }
}

/** Writes the fixed v2 header; the caller appends the records region and then calls writeCrc. */
export function writeBatchHeader(b: Buffer, h: {
  baseOffset: number; partitionLeaderEpoch: number; attributes: number; lastOffsetDelta: number
  baseTimestamp: number; maxTimestamp: number; producerId: bigint; producerEpoch: number; baseSequence: number; recordCount: number
}): void {
  writeInt64(b, 0, h.baseOffset)
  b.writeInt32BE(b.length - LOG_OVERHEAD, 8)
  b.writeInt32BE(h.partitionLeaderEpoch, 12)
  b.writeInt8(2, 16)
  b.writeInt16BE(h.attributes, ATTRIBUTES_OFFSET)
  b.writeInt32BE(h.lastOffsetDelta, 23)
  writeInt64(b, 27, h.baseTimestamp)
  writeInt64(b, 35, h.maxTimestamp)
  b.writeBigInt64BE(h.producerId, 43)
  b.writeInt16BE(h.producerEpoch, 51)
  b.writeInt32BE(h.baseSequence, 53)
  b.writeInt32BE(h.recordCount, 57)
}

/**
 * A transaction marker as Kafka writes it: a transactional control batch holding one record whose key
 * is (version 0, type 0 = abort / 1 = commit) and whose value is (version 0, coordinatorEpoch).
 */
export function buildControlBatch(opts: {
  baseOffset: number; producerId: bigint; producerEpoch: number; commit: boolean
  coordinatorEpoch: number; timestamp: number; partitionLeaderEpoch?: number
}): Buffer {
  // record: length varint, attributes, timestampDelta 0, offsetDelta 0, key len 4, key, value len 6, value, 0 headers
  const record = Buffer.from([0, 0, 0, 0, 8, 0, 0, 0, 0, 12, 0, 0, 0, 0, 0, 0, 0])
  record[0] = zigzag(record.length - 1)
  record[8] = opts.commit ? 1 : 0
  record.writeInt32BE(opts.coordinatorEpoch, 12)
  const b = Buffer.alloc(BATCH_HEADER_SIZE + record.length)
  record.copy(b, BATCH_HEADER_SIZE)
  writeBatchHeader(b, {
    baseOffset: opts.baseOffset, partitionLeaderEpoch: opts.partitionLeaderEpoch ?? 0,
    attributes: TRANSACTIONAL_FLAG | CONTROL_FLAG, lastOffsetDelta: 0,
    baseTimestamp: opts.timestamp, maxTimestamp: opts.timestamp,
    producerId: opts.producerId, producerEpoch: opts.producerEpoch, baseSequence: -1, recordCount: 1,
  })
  writeCrc(b, 0, b.length)
  return b
}

/** Reads a control batch's marker: true = commit, false = abort, null = not a transaction marker. */
export function controlMarkerOf(b: Buffer, p = 0): boolean | null {
  if (!isControl(b, p) || recordCountOf(b, p) < 1) return null
  const records = decodeRecords(b.subarray(p, p + LOG_OVERHEAD + batchLengthOf(b, p)))
  const first = records?.records[0]
  if (!first || first.keyLength < 4) return null
  const type = records.data.readInt16BE(first.keyStart + 2)
  return type === 1 ? true : type === 0 ? false : null
}

function zigzag(n: number): number {
  return n << 1
}
