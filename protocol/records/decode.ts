/**
 * RecordBatch v2 reading. Keys, values and header values are subarrays of the input (or of the one
 * decompressed buffer of a compressed batch): nothing is copied. A records field may end with a
 * partial batch (the broker cuts fetch responses at a byte limit): reading stops there, as
 * Kafka's clients do.
 */
import { crc32c } from './crc32c.js'
import { decompress, decompressAsync } from './compression.js'
import { type BatchSource, CompressionUnavailableError, CorruptRecordBatchError, UnsupportedMagicError } from './errors.js'
import {
  ATTRIBUTES_OFFSET, COMPRESSION_MASK, COMPRESSION_NAMES, CONTROL_FLAG, CRC_OFFSET, type CompressionCodec, CURRENT_MAGIC, LOG_OVERHEAD,
  MAGIC_OFFSET, MIN_RECORD_SIZE, RECORD_BATCH_HEADER_SIZE, TIMESTAMP_TYPE_FLAG, TRANSACTIONAL_FLAG, readInt64,
} from './layout.js'
import type { KafkaRecord, RecordBatch, RecordHeader } from './types.js'
import { readVarint, varintEnd } from './varint.js'

export interface ReadRecordBatchesOptions extends BatchSource {
  /** Check each batch's CRC-32C (default true). */
  verifyCrc?: boolean
}

const NO_HEADERS: RecordHeader[] = Object.freeze([]) as unknown as RecordHeader[]

/** Bytes taken by the whole batches at the start of buf; a partial trailing batch is not counted. */
export function completeBatchesLength(buf: Buffer): number {
  let pos = 0
  while (pos + LOG_OVERHEAD <= buf.length) {
    const end = pos + LOG_OVERHEAD + buf.readInt32BE(pos + 8)
    if (end > buf.length) break
    pos = end
  }
  return pos
}

/** Decodes every whole batch in a records field (a Fetch response partition's `records`). */
export function readRecordBatches(buf: Buffer | null, options?: ReadRecordBatchesOptions): RecordBatch[] {
  const out: RecordBatch[] = []
  if (buf === null) return out
  let pos = 0
  while (pos + LOG_OVERHEAD <= buf.length) {
    const length = buf.readInt32BE(pos + 8)
    const end = pos + LOG_OVERHEAD + length
    if (end > buf.length) break // partial trailing batch
    out.push(decodeBatchAt(buf, pos, end, options))
    pos = end
  }
  return out
}

/** Decodes the one batch at buf[offset..]; it must be whole. */
export function readRecordBatch(buf: Buffer, offset = 0, options?: ReadRecordBatchesOptions): RecordBatch {
  if (offset + LOG_OVERHEAD > buf.length) {
    throw new CorruptRecordBatchError(options, -1, `batch header truncated: ${buf.length - offset} bytes at byte ${offset}`)
  }
  const end = offset + LOG_OVERHEAD + buf.readInt32BE(offset + 8)
  if (end > buf.length) {
    throw new CorruptRecordBatchError(options, readInt64(buf, offset), `batch of ${end - offset} bytes is truncated to ${buf.length - offset}`)
  }
  return decodeBatchAt(buf, offset, end, options)
}

/**
 * Decodes every whole batch, decompressing compressed batches off the event loop (see
 * decompressAsync); one await per compressed batch, none per record.
 */
export async function readRecordBatchesAsync(buf: Buffer | null, options?: ReadRecordBatchesOptions): Promise<RecordBatch[]> {
  const out: RecordBatch[] = []
  if (buf === null) return out
  let pos = 0
  while (pos + LOG_OVERHEAD <= buf.length) {
    const end = pos + LOG_OVERHEAD + buf.readInt32BE(pos + 8)
    if (end > buf.length) break
    const baseOffset = checkBatchAt(buf, pos, end, options)
    const codec = buf.readInt16BE(pos + ATTRIBUTES_OFFSET) & COMPRESSION_MASK
    let decompressed: Buffer | undefined
    if (codec !== 0) {
      try {
        decompressed = await decompressAsync(codec, buf.subarray(pos + RECORD_BATCH_HEADER_SIZE, end))
      } catch (err) {
        throw corruptCompression(err, codec, baseOffset, options)
      }
    }
    out.push(decodeCheckedBatchAt(buf, pos, end, options, decompressed))
    pos = end
  }
  return out
}

function decodeBatchAt(buf: Buffer, pos: number, end: number, options: ReadRecordBatchesOptions | undefined): RecordBatch {
  checkBatchAt(buf, pos, end, options)
  return decodeCheckedBatchAt(buf, pos, end, options, undefined)
}

/** Magic, size and CRC checks; returns the base offset. */
function checkBatchAt(buf: Buffer, pos: number, end: number, options: ReadRecordBatchesOptions | undefined): number {
  const baseOffset = readInt64(buf, pos)
  if (end < pos + CRC_OFFSET) throw new CorruptRecordBatchError(options, baseOffset, `batch length ${end - pos - LOG_OVERHEAD} is too small to hold a magic byte`)
  const magic = buf.readInt8(pos + MAGIC_OFFSET)
  if (magic !== CURRENT_MAGIC) throw new UnsupportedMagicError(options, baseOffset, magic)
  if (end - pos < RECORD_BATCH_HEADER_SIZE) {
    throw new CorruptRecordBatchError(options, baseOffset, `batch length ${end - pos - LOG_OVERHEAD} is below the v2 header size`)
  }
  if (options?.verifyCrc !== false) {
    const crc = buf.readUInt32BE(pos + CRC_OFFSET)
    const computed = crc32c(buf, pos + ATTRIBUTES_OFFSET, end)
    if (computed !== crc) throw new CorruptRecordBatchError(options, baseOffset, `CRC-32C mismatch: stored ${crc}, computed ${computed}`)
  }
  return baseOffset
}

/** Decodes a checked batch; `decompressed` is its records region already decompressed, if it was. */
function decodeCheckedBatchAt(
  buf: Buffer, pos: number, end: number, options: ReadRecordBatchesOptions | undefined, decompressed: Buffer | undefined,
): RecordBatch {
  const baseOffset = readInt64(buf, pos)
  const magic = CURRENT_MAGIC
  const crc = buf.readUInt32BE(pos + CRC_OFFSET)
  const attributes = buf.readInt16BE(pos + ATTRIBUTES_OFFSET)
  const compression = (attributes & COMPRESSION_MASK) as CompressionCodec
  const logAppendTime = (attributes & TIMESTAMP_TYPE_FLAG) !== 0
  const lastOffsetDelta = buf.readInt32BE(pos + 23)
  const firstTimestamp = readInt64(buf, pos + 27)
  const maxTimestamp = readInt64(buf, pos + 35)
  const recordCount = buf.readInt32BE(pos + 57)
  let data = buf
  let start = pos + RECORD_BATCH_HEADER_SIZE
  let limit = end
  if (compression !== 0) {
    data = decompressed ?? decompressBatch(compression, buf.subarray(start, end), baseOffset, options)
    start = 0
    limit = data.length
  }
  checkRecordCount(recordCount, limit - start, baseOffset, options)
  const records = decodeRecords(data, start, limit, recordCount, baseOffset, firstTimestamp, logAppendTime, maxTimestamp, options)
  return {
    baseOffset,
    lastOffset: baseOffset + lastOffsetDelta,
    batchLength: end - pos - LOG_OVERHEAD,
    partitionLeaderEpoch: buf.readInt32BE(pos + 12),
    magic,
    crc,
    attributes,
    compression,
    timestampType: logAppendTime ? 1 : 0,
    isTransactional: (attributes & TRANSACTIONAL_FLAG) !== 0,
    isControl: (attributes & CONTROL_FLAG) !== 0,
    lastOffsetDelta,
    firstTimestamp,
    maxTimestamp,
    producerId: readInt64(buf, pos + 43),
    producerEpoch: buf.readInt16BE(pos + 51),
    baseSequence: buf.readInt32BE(pos + 53),
    recordCount,
    records,
  }
}

/** A count that cannot fit the records region would make a huge array before the first record fails. */
export function checkRecordCount(count: number, regionBytes: number, baseOffset: number, source: BatchSource | undefined): void {
  if (count < 0 || count * MIN_RECORD_SIZE > regionBytes) {
    throw new CorruptRecordBatchError(source, baseOffset, `record count ${count} does not fit the ${regionBytes}-byte records region`)
  }
}

/** Decompresses a records region; corrupt data becomes a CorruptRecordBatchError naming the batch. */
export function decompressBatch(codec: number, region: Buffer, baseOffset: number, source: BatchSource | undefined): Buffer {
  try {
    return decompress(codec, region)
  } catch (err) {
    throw corruptCompression(err, codec, baseOffset, source)
  }
}

function corruptCompression(err: unknown, codec: number, baseOffset: number, source: BatchSource | undefined): Error {
  if (err instanceof CompressionUnavailableError) return err
  const corrupt = new CorruptRecordBatchError(source, baseOffset, `${COMPRESSION_NAMES[codec]} decompression failed: ${(err as Error).message}`)
  corrupt.cause = err
  return corrupt
}

/** In a LogAppendTime batch every record's timestamp is the batch's maxTimestamp. */
function decodeRecords(
  data: Buffer, pos: number, limit: number, count: number, baseOffset: number, firstTimestamp: number,
  logAppendTime: boolean, maxTimestamp: number, source: BatchSource | undefined,
): KafkaRecord[] {
  const records: KafkaRecord[] = new Array(count)
  let i = 0
  try {
    for (; i < count; i++) {
      const length = readVarint(data, pos, limit)
      pos = varintEnd
      const recordEnd = pos + length
      if (length < 0 || recordEnd > limit) throw new RangeError(`record length ${length} runs past the batch`)
      pos++ // record attributes: unused
      const timestampDelta = readVarint(data, pos, recordEnd)
      const offsetDelta = readVarint(data, varintEnd, recordEnd)
      const keyLength = readVarint(data, varintEnd, recordEnd)
      pos = varintEnd
      let key: Buffer | null = null
      if (keyLength >= 0) {
        if (pos + keyLength > recordEnd) throw new RangeError(`key of ${keyLength} bytes runs past the record`)
        key = data.subarray(pos, pos + keyLength)
        pos += keyLength
      }
      const valueLength = readVarint(data, pos, recordEnd)
      pos = varintEnd
      let value: Buffer | null = null
      if (valueLength >= 0) {
        if (pos + valueLength > recordEnd) throw new RangeError(`value of ${valueLength} bytes runs past the record`)
        value = data.subarray(pos, pos + valueLength)
        pos += valueLength
      }
      const headerCount = readVarint(data, pos, recordEnd)
      pos = varintEnd
      let headers = NO_HEADERS
      if (headerCount !== 0) {
        if (headerCount < 0) throw new RangeError(`negative header count ${headerCount}`)
        headers = new Array(headerCount)
        for (let h = 0; h < headerCount; h++) {
          const kl = readVarint(data, pos, recordEnd)
          pos = varintEnd
          if (kl < 0 || pos + kl > recordEnd) throw new RangeError(`header key of ${kl} bytes runs past the record`)
          const hk = data.toString('utf8', pos, pos + kl)
          pos += kl
          const vl = readVarint(data, pos, recordEnd)
          pos = varintEnd
          let hv: Buffer | null = null
          if (vl >= 0) {
            if (pos + vl > recordEnd) throw new RangeError(`header value of ${vl} bytes runs past the record`)
            hv = data.subarray(pos, pos + vl)
            pos += vl
          }
          headers[h] = { key: hk, value: hv }
        }
      }
      if (pos !== recordEnd) throw new RangeError(`record declares ${length} bytes but its fields take ${length - (recordEnd - pos)}`)
      records[i] = {
        offset: baseOffset + offsetDelta,
        timestamp: logAppendTime ? maxTimestamp : firstTimestamp + timestampDelta,
        key,
        value,
        headers,
      }
    }
  } catch (err) {
    if (err instanceof RangeError) throw new CorruptRecordBatchError(source, baseOffset, `record ${i}: ${err.message}`)
    throw err
  }
  if (pos !== limit) throw new CorruptRecordBatchError(source, baseOffset, `${limit - pos} bytes left after the ${count} records the batch declares`)
  return records
}
