/**
 * Record-level access to a stored v2 batch, used only where the broker must look inside batches
 * (compaction, timestamp lookups, control markers), on protocol/records' record spans.
 * Uncompressed and gzip batches are read; batches in other codecs return null and callers keep
 * them whole.
 */
import {
  COMPRESSION_MASK, Compression, LOG_OVERHEAD, RECORD_BATCH_HEADER_SIZE, compress, readRecordSpans,
  type RecordSpan, type RecordSpans,
} from '../../protocol/records/index.js'

export type DecodedRecord = RecordSpan
export type DecodedRecords = RecordSpans

/** Decodes the records of one batch (b holds exactly that batch). Null if the codec is not readable here. */
export function decodeRecords(b: Buffer): DecodedRecords | null {
  const codec = b.readInt16BE(21) & COMPRESSION_MASK
  if (codec !== Compression.NONE && codec !== Compression.GZIP) return null
  return readRecordSpans(b)
}

/**
 * Rebuilds a batch keeping only `kept` records (spans into `decoded.data`), with the original header:
 * same baseOffset, lastOffsetDelta, timestamps and producer fields, so every offset stays where it was.
 */
export function rebuildBatch(original: Buffer, decoded: DecodedRecords, kept: DecodedRecord[]): Buffer {
  const parts = kept.map((k) => decoded.data.subarray(k.start, k.end))
  const region = compress(original.readInt16BE(21) & COMPRESSION_MASK, Buffer.concat(parts))
  const out = Buffer.alloc(RECORD_BATCH_HEADER_SIZE + region.length)
  original.copy(out, 0, 0, RECORD_BATCH_HEADER_SIZE)
  region.copy(out, RECORD_BATCH_HEADER_SIZE)
  out.writeInt32BE(out.length - LOG_OVERHEAD, 8)
  out.writeInt32BE(kept.length, 57)
  return out // caller re-signs (writeCrc) once the header is final
}
