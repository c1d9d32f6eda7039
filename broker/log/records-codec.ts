/**
 * Record-level decoding of a v2 batch, used only where the broker must look inside batches
 * (compaction, timestamp lookups, control markers). Uncompressed and gzip batches are readable;
 * batches in other codecs (snappy, lz4, zstd) return null and callers keep them whole.
 */
import { gunzipSync, gzipSync } from 'node:zlib'

const HEADER = 61
const TWO_32 = 0x100000000

export interface DecodedRecord {
  start: number // span of the whole record (length prefix included) within `data`
  end: number
  timestampDelta: number
  offsetDelta: number
  keyStart: number
  keyLength: number // -1 = null key
  valueStart: number
  valueLength: number // -1 = null value (tombstone)
}

export interface DecodedRecords {
  data: Buffer // the bytes the spans index into: the batch itself, or its decompressed records region
  records: DecodedRecord[]
}

class Reader {
  constructor(readonly buf: Buffer, public pos: number) {}
  varint(): number {
    let result = 0
    let mul = 1
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.buf.length) throw new Error('truncated varint in record')
      const byte = this.buf[this.pos++]
      result += (byte & 0x7f) * mul
      if ((byte & 0x80) === 0) {
        // zigzag decode without 32-bit truncation (timestamps need 64-bit range)
        return result % 2 === 0 ? result / 2 : -(result + 1) / 2
      }
      mul *= 128
    }
    throw new Error('varint longer than 10 bytes in record')
  }
}

/** Decodes the records of one batch (b holds exactly that batch). Null if the codec is not readable here. */
export function decodeRecords(b: Buffer): DecodedRecords | null {
  const codec = b.readInt16BE(21) & 0x07
  let data: Buffer
  let pos: number
  if (codec === 0) {
    data = b
    pos = HEADER
  } else if (codec === 1) {
    data = gunzipSync(b.subarray(HEADER))
    pos = 0
  } else {
    return null
  }
  const count = b.readInt32BE(57)
  const records: DecodedRecord[] = new Array(count)
  const r = new Reader(data, pos)
  for (let i = 0; i < count; i++) {
    const start = r.pos
    const length = r.varint()
    const bodyStart = r.pos
    r.pos += 1 // record attributes (unused)
    const timestampDelta = r.varint()
    const offsetDelta = r.varint()
    const keyLength = r.varint()
    const keyStart = r.pos
    if (keyLength > 0) r.pos += keyLength
    const valueLength = r.varint()
    const valueStart = r.pos
    const end = bodyStart + length
    if (end > data.length) throw new Error(`record ${i} of batch at offset ${readInt64(b, 0)} runs past the batch`)
    records[i] = { start, end, timestampDelta, offsetDelta, keyStart, keyLength, valueStart, valueLength }
    r.pos = end
  }
  return { data, records }
}

/**
 * Rebuilds a batch keeping only `kept` records (spans into `decoded.data`), with the original header:
 * same baseOffset, lastOffsetDelta, timestamps and producer fields, so every offset stays where it was.
 */
export function rebuildBatch(original: Buffer, decoded: DecodedRecords, kept: DecodedRecord[]): Buffer {
  const parts = kept.map((k) => decoded.data.subarray(k.start, k.end))
  let region = Buffer.concat(parts)
  const codec = original.readInt16BE(21) & 0x07
  if (codec === 1) region = gzipSync(region)
  const out = Buffer.alloc(HEADER + region.length)
  original.copy(out, 0, 0, HEADER)
  region.copy(out, HEADER)
  out.writeInt32BE(out.length - 12, 8)
  out.writeInt32BE(kept.length, 57)
  return out // caller re-signs (writeCrc) once the header is final
}

function readInt64(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos) * TWO_32 + buf.readUInt32BE(pos + 4)
}
