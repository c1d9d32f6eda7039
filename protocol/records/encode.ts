/**
 * RecordBatch v2 writing in one pass: sizes first, then one allocation (or the caller's buffer),
 * then the bytes, then the CRC-32C over attributes..end computed in place.
 *
 * To build a Produce request with several partitions without copies: prepare each partition's
 * batch (prepareRecordBatch), add up their `size`s with the request's other fields, allocate the
 * request once, and write each batch where its `records` field goes (writePreparedRecordBatch).
 */
import { compress, compressAsync } from './compression.js'
import { crc32c } from './crc32c.js'
import {
  ATTRIBUTES_OFFSET, COMPRESSION_MASK, CONTROL_FLAG, CRC_OFFSET, Compression, CURRENT_MAGIC, LOG_OVERHEAD,
  NO_PARTITION_LEADER_EPOCH, NO_PRODUCER_EPOCH, NO_PRODUCER_ID, NO_SEQUENCE, RECORD_BATCH_HEADER_SIZE,
  TIMESTAMP_TYPE_FLAG, TimestampType, TRANSACTIONAL_FLAG, writeInt64,
} from './layout.js'
import type { HeadersInput, RecordBatchInput, RecordInput } from './types.js'
import { sizeOfVarint, writeVarint } from './varint.js'

/** A batch measured (and, if compressed, compressed) and ready to be written at any offset. */
export interface PreparedRecordBatch {
  /** Bytes the whole batch takes, baseOffset included. */
  readonly size: number
  readonly input: RecordBatchInput
  readonly attributes: number
  readonly firstTimestamp: number
  readonly maxTimestamp: number
  /** Per record: bytes after its length prefix. */
  readonly bodySizes: Int32Array
  /** The compressed records region, or null for an uncompressed batch. */
  readonly compressed: Buffer | null
}

/** Measures a batch; compresses its records region when it is compressed (synchronously). */
export function prepareRecordBatch(input: RecordBatchInput): PreparedRecordBatch {
  const p = measure(input)
  const codec = p.attributes & COMPRESSION_MASK
  if (codec === Compression.NONE) return p
  const compressed = compress(codec, uncompressedRegion(p))
  return { ...p, size: RECORD_BATCH_HEADER_SIZE + compressed.length, compressed }
}

/** As prepareRecordBatch, compressing off the event loop (see compressAsync). */
export async function prepareRecordBatchAsync(input: RecordBatchInput): Promise<PreparedRecordBatch> {
  const p = measure(input)
  const codec = p.attributes & COMPRESSION_MASK
  if (codec === Compression.NONE) return p
  const compressed = await compressAsync(codec, uncompressedRegion(p))
  return { ...p, size: RECORD_BATCH_HEADER_SIZE + compressed.length, compressed }
}

/** Record sizes, timestamps and attributes; `size` as if uncompressed. */
function measure(input: RecordBatchInput): PreparedRecordBatch {
  const records = input.records
  const n = records.length
  if (n === 0) throw new RangeError('a record batch needs at least one record')
  const firstTimestamp = input.firstTimestamp ?? records[0].timestamp ?? Date.now()
  let maxTimestamp = input.maxTimestamp ?? -Infinity
  const computeMax = input.maxTimestamp === undefined
  const bodySizes = new Int32Array(n)
  let regionSize = 0
  for (let i = 0; i < n; i++) {
    const r = records[i]
    const ts = r.timestamp ?? firstTimestamp
    if (computeMax && ts > maxTimestamp) maxTimestamp = ts
    const body = recordBodySize(r, ts - firstTimestamp, i)
    bodySizes[i] = body
    regionSize += sizeOfVarint(body) + body
  }
  let attributes = (input.compression ?? Compression.NONE) & COMPRESSION_MASK
  if (input.timestampType === TimestampType.LOG_APPEND_TIME) attributes |= TIMESTAMP_TYPE_FLAG
  if (input.isTransactional) attributes |= TRANSACTIONAL_FLAG
  if (input.isControl) attributes |= CONTROL_FLAG
  return { size: RECORD_BATCH_HEADER_SIZE + regionSize, input, attributes, firstTimestamp, maxTimestamp, bodySizes, compressed: null }
}

function uncompressedRegion(p: PreparedRecordBatch): Buffer {
  const region = Buffer.allocUnsafe(p.size - RECORD_BATCH_HEADER_SIZE)
  writeRecords(region, 0, p.input.records, p.bodySizes, p.firstTimestamp)
  return region
}

/** Writes a prepared batch at buf[offset, offset + size) and returns offset + size. */
export function writePreparedRecordBatch(p: PreparedRecordBatch, buf: Buffer, offset: number): number {
  const input = p.input
  const end = offset + p.size
  if (end > buf.length) throw new RangeError(`record batch of ${p.size} bytes does not fit at offset ${offset} of a ${buf.length}-byte buffer`)
  writeInt64(buf, offset, input.baseOffset ?? 0)
  buf.writeInt32BE(p.size - LOG_OVERHEAD, offset + 8)
  buf.writeInt32BE(input.partitionLeaderEpoch ?? NO_PARTITION_LEADER_EPOCH, offset + 12)
  buf[offset + 16] = CURRENT_MAGIC
  buf.writeInt16BE(p.attributes, offset + ATTRIBUTES_OFFSET)
  buf.writeInt32BE(input.records.length - 1, offset + 23)
  writeInt64(buf, offset + 27, p.firstTimestamp)
  writeInt64(buf, offset + 35, p.maxTimestamp)
  writeInt64(buf, offset + 43, input.producerId ?? NO_PRODUCER_ID)
  buf.writeInt16BE(input.producerEpoch ?? NO_PRODUCER_EPOCH, offset + 51)
  buf.writeInt32BE(input.baseSequence ?? NO_SEQUENCE, offset + 53)
  buf.writeInt32BE(input.records.length, offset + 57)
  const start = offset + RECORD_BATCH_HEADER_SIZE
  if (p.compressed) buf.set(p.compressed, start)
  else writeRecords(buf, start, input.records, p.bodySizes, p.firstTimestamp)
  buf.writeUInt32BE(crc32c(buf, offset + ATTRIBUTES_OFFSET, end), offset + CRC_OFFSET)
  return end
}

/** Exact size of a batch. For a compressed batch this compresses: prefer prepareRecordBatch then. */
export function recordBatchSize(input: RecordBatchInput): number {
  return prepareRecordBatch(input).size
}

/** Writes a batch into the caller's buffer at offset and returns the offset after it. */
export function writeRecordBatch(buf: Buffer, offset: number, input: RecordBatchInput): number {
  return writePreparedRecordBatch(prepareRecordBatch(input), buf, offset)
}

/** Encodes one batch into a buffer of exactly its size. */
export function encodeRecordBatch(input: RecordBatchInput): Buffer {
  const p = prepareRecordBatch(input)
  const buf = Buffer.allocUnsafe(p.size)
  writePreparedRecordBatch(p, buf, 0)
  return buf
}

function recordBodySize(r: RecordInput, timestampDelta: number, offsetDelta: number): number {
  const key = r.key
  const value = r.value
  return 1 + // attributes
    sizeOfVarint(timestampDelta) + sizeOfVarint(offsetDelta) +
    (key === null ? 1 : sizeOfVarint(key.length) + key.length) +
    (value === null ? 1 : sizeOfVarint(value.length) + value.length) +
    (r.headers === undefined ? 1 : headersSize(r.headers))
}

function writeRecords(buf: Buffer, pos: number, records: readonly RecordInput[], bodySizes: Int32Array, firstTimestamp: number): number {
  for (let i = 0; i < records.length; i++) {
    const r = records[i]
    pos = writeVarint(buf, pos, bodySizes[i])
    buf[pos++] = 0 // record attributes: unused
    pos = writeVarint(buf, pos, (r.timestamp ?? firstTimestamp) - firstTimestamp)
    pos = writeVarint(buf, pos, i)
    const key = r.key
    if (key === null) buf[pos++] = 1 // zigzag(-1)
    else { pos = writeVarint(buf, pos, key.length); buf.set(key, pos); pos += key.length }
    const value = r.value
    if (value === null) buf[pos++] = 1
    else { pos = writeVarint(buf, pos, value.length); buf.set(value, pos); pos += value.length }
    if (r.headers === undefined) buf[pos++] = 0
    else pos = writeHeaders(buf, pos, r.headers)
  }
  return pos
}

function valueSize(v: Buffer | string | null): number {
  if (v === null) return 1
  const n = typeof v === 'string' ? Buffer.byteLength(v) : v.length
  return sizeOfVarint(n) + n
}

function headersSize(h: HeadersInput): number {
  let count = 0
  let size = 0
  if (Array.isArray(h)) {
    for (let i = 0; i < h.length; i++) {
      const k = Buffer.byteLength(h[i].key)
      size += sizeOfVarint(k) + k + valueSize(h[i].value)
    }
    count = h.length
  } else {
    const o = h as Record<string, Buffer | string | null | undefined | Array<Buffer | string | null | undefined>>
    for (const key in o) {
      const v = o[key]
      if (v === undefined) continue
      const k = Buffer.byteLength(key)
      if (Array.isArray(v)) {
        for (let j = 0; j < v.length; j++) {
          const e = v[j]
          if (e === undefined) continue
          size += sizeOfVarint(k) + k + valueSize(e)
          count++
        }
      } else {
        size += sizeOfVarint(k) + k + valueSize(v)
        count++
      }
    }
  }
  return sizeOfVarint(count) + size
}

function writeHeaderValue(buf: Buffer, pos: number, v: Buffer | string | null): number {
  if (v === null) { buf[pos++] = 1; return pos }
  if (typeof v === 'string') {
    pos = writeVarint(buf, pos, Buffer.byteLength(v))
    return pos + buf.write(v, pos)
  }
  pos = writeVarint(buf, pos, v.length)
  buf.set(v, pos)
  return pos + v.length
}

function writeHeaderKey(buf: Buffer, pos: number, key: string): number {
  pos = writeVarint(buf, pos, Buffer.byteLength(key))
  return pos + buf.write(key, pos)
}

function writeHeaders(buf: Buffer, pos: number, h: HeadersInput): number {
  if (Array.isArray(h)) {
    pos = writeVarint(buf, pos, h.length)
    for (let i = 0; i < h.length; i++) {
      pos = writeHeaderKey(buf, pos, h[i].key)
      pos = writeHeaderValue(buf, pos, h[i].value)
    }
    return pos
  }
  const o = h as Record<string, Buffer | string | null | undefined | Array<Buffer | string | null | undefined>>
  let count = 0
  for (const key in o) {
    const v = o[key]
    if (v === undefined) continue
    if (Array.isArray(v)) { for (let j = 0; j < v.length; j++) if (v[j] !== undefined) count++ } else count++
  }
  pos = writeVarint(buf, pos, count)
  for (const key in o) {
    const v = o[key]
    if (v === undefined) continue
    if (Array.isArray(v)) {
      for (let j = 0; j < v.length; j++) {
        const e = v[j]
        if (e === undefined) continue
        pos = writeHeaderKey(buf, pos, key)
        pos = writeHeaderValue(buf, pos, e)
      }
    } else {
      pos = writeHeaderKey(buf, pos, key)
      pos = writeHeaderValue(buf, pos, v)
    }
  }
  return pos
}
