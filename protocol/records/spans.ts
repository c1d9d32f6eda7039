/**
 * Where each record of a batch lies, without building record objects: what a broker needs to look
 * inside stored batches (compaction keeps some records' bytes as they are, timestamp lookups, key
 * checks). Clients read batches with readRecordBatches instead.
 */
import { checkRecordCount, decompressBatch } from './decode.js'
import { type BatchSource, CorruptRecordBatchError } from './errors.js'
import { COMPRESSION_MASK, RECORD_BATCH_HEADER_SIZE, ATTRIBUTES_OFFSET, RECORD_COUNT_OFFSET, readInt64 } from './layout.js'
import { readVarint, varintEnd } from './varint.js'

export interface RecordSpan {
  /** The whole record, length prefix included, within `data`. */
  start: number
  end: number
  timestampDelta: number
  offsetDelta: number
  keyStart: number
  /** -1: null key. */
  keyLength: number
  valueStart: number
  /** -1: null value (a tombstone). */
  valueLength: number
}

export interface RecordSpans {
  /** The bytes the spans index into: the batch itself, or its decompressed records region. */
  data: Buffer
  records: RecordSpan[]
}

/** The record spans of the one whole batch in `batch` (headers are not read; the CRC is not checked). */
export function readRecordSpans(batch: Buffer, source?: BatchSource): RecordSpans {
  const baseOffset = readInt64(batch, 0)
  const codec = batch.readInt16BE(ATTRIBUTES_OFFSET) & COMPRESSION_MASK
  let data = batch
  let pos = RECORD_BATCH_HEADER_SIZE
  if (codec !== 0) {
    data = decompressBatch(codec, batch.subarray(RECORD_BATCH_HEADER_SIZE), baseOffset, source)
    pos = 0
  }
  const count = batch.readInt32BE(RECORD_COUNT_OFFSET)
  const limit = data.length
  checkRecordCount(count, limit - pos, baseOffset, source)
  const records: RecordSpan[] = new Array(count)
  let i = 0
  try {
    for (; i < count; i++) {
      const start = pos
      const length = readVarint(data, pos, limit)
      const bodyStart = varintEnd
      const end = bodyStart + length
      if (length < 0 || end > limit) throw new RangeError(`record length ${length} runs past the batch`)
      const timestampDelta = readVarint(data, bodyStart + 1, end) // after the attributes byte
      const offsetDelta = readVarint(data, varintEnd, end)
      const keyLength = readVarint(data, varintEnd, end)
      const keyStart = varintEnd
      const valueLength = readVarint(data, keyStart + Math.max(keyLength, 0), end)
      records[i] = { start, end, timestampDelta, offsetDelta, keyStart, keyLength, valueStart: varintEnd, valueLength }
      pos = end
    }
  } catch (err) {
    if (err instanceof RangeError) throw new CorruptRecordBatchError(source, baseOffset, `record ${i}: ${err.message}`)
    throw err
  }
  return { data, records }
}
