/**
 * Record batch v2 (magic 2) helpers. Batches are kept as the bytes clients sent; these helpers read
 * header fields in place and rewrite the few the broker owns (baseOffset, and maxTimestamp for
 * LogAppendTime topics). The layout, CRC-32C, control records and record decoding come from
 * protocol/records; the CRC covers attributes to the end, so rewriting baseOffset never touches it.
 */
import {
  ATTRIBUTES_OFFSET, COMPRESSION_MASK, CONTROL_FLAG, CRC_OFFSET, Compression, LOG_OVERHEAD, RECORD_BATCH_HEADER_SIZE,
  TIMESTAMP_TYPE_FLAG, TRANSACTIONAL_FLAG, ControlRecordType, controlRecordTypeOf, crc32c, encodeEndTxnMarkerBatch,
  readInt64, writeInt64,
} from '../../protocol/records/index.js'
import { ErrorCode } from './error-codes.js'
import { decodeRecords } from './records-codec.js'

export {
  LOG_OVERHEAD, CRC_OFFSET, ATTRIBUTES_OFFSET, COMPRESSION_MASK, TRANSACTIONAL_FLAG, CONTROL_FLAG, Compression, readInt64, writeInt64,
}
export const BATCH_HEADER_SIZE = RECORD_BATCH_HEADER_SIZE
export const TIMESTAMP_TYPE_LOG_APPEND = TIMESTAMP_TYPE_FLAG

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

/**
 * A transaction marker as Kafka writes it: a transactional control batch holding one record whose key
 * is (version 0, type 0 = abort / 1 = commit) and whose value is (version 0, coordinatorEpoch).
 */
export function buildControlBatch(opts: {
  baseOffset: number; producerId: bigint; producerEpoch: number; commit: boolean
  coordinatorEpoch: number; timestamp: number; partitionLeaderEpoch?: number
}): Buffer {
  return encodeEndTxnMarkerBatch({ ...opts, producerId: Number(opts.producerId), partitionLeaderEpoch: opts.partitionLeaderEpoch ?? 0 })
}

/** Reads a control batch's marker: true = commit, false = abort, null = not a transaction marker. */
export function controlMarkerOf(b: Buffer, p = 0): boolean | null {
  if (!isControl(b, p) || recordCountOf(b, p) < 1) return null
  const records = decodeRecords(b.subarray(p, p + LOG_OVERHEAD + batchLengthOf(b, p)))
  const first = records?.records[0]
  if (!first || first.keyLength < 4) return null
  const type = controlRecordTypeOf({ key: records.data.subarray(first.keyStart, first.keyStart + first.keyLength) })
  return type === ControlRecordType.COMMIT ? true : type === ControlRecordType.ABORT ? false : null
}
