import type { Headers, RecordContext } from '../../stores/state-store.js'
import { readLong, writeLong } from '../windows/long-bytes.js'

/** One buffered key: its eviction time, the value before the first buffered update, the latest change. */
export interface BufferedBytes {
  time: number
  prior: Buffer | null
  oldValue: Buffer | null
  newValue: Buffer | null
  context: RecordContext
}

// Layout: time(8) timestamp(8) offset(8) partition(4) topic(str) headers(count(4) + name(str) kind(1) bytes(blob))
// prior(blob) old(blob) new(blob); str = len(2) + utf8; blob = len(4, -1 = null) + bytes.

export function encodeBuffered(rec: BufferedBytes): Buffer {
  const topic = Buffer.from(rec.context.topic, 'utf8')
  const headerParts: { name: Buffer; kind: number; bytes: Buffer | null }[] = []
  for (const [name, v] of Object.entries(rec.context.headers ?? {})) {
    headerParts.push({
      name: Buffer.from(name, 'utf8'),
      kind: v === undefined ? 0 : typeof v === 'string' ? 1 : 2,
      bytes: v === undefined ? null : typeof v === 'string' ? Buffer.from(v, 'utf8') : v,
    })
  }
  let size = 8 + 8 + 8 + 4 + 2 + topic.length + 4 + blobLength(rec.prior) + blobLength(rec.oldValue) + blobLength(rec.newValue)
  for (const h of headerParts) size += 2 + h.name.length + 1 + blobLength(h.bytes)
  const out = Buffer.allocUnsafe(size)
  let o = 0
  writeLong(out, rec.time, o); o += 8
  writeLong(out, rec.context.timestamp, o); o += 8
  writeLong(out, rec.context.offset, o); o += 8
  out.writeInt32BE(rec.context.partition, o); o += 4
  o = writeStr(out, topic, o)
  out.writeInt32BE(headerParts.length, o); o += 4
  for (const h of headerParts) {
    o = writeStr(out, h.name, o)
    out.writeUInt8(h.kind, o); o += 1
    o = writeBlob(out, h.bytes, o)
  }
  o = writeBlob(out, rec.prior, o)
  o = writeBlob(out, rec.oldValue, o)
  writeBlob(out, rec.newValue, o)
  return out
}

export function decodeBuffered(buf: Buffer): BufferedBytes {
  const r = new Reader(buf)
  const time = r.long()
  const timestamp = r.long()
  const offset = r.long()
  const partition = r.int()
  const topic = r.str()
  const headers: Headers = {}
  for (let n = r.int(); n > 0; n--) {
    const name = r.str()
    const kind = r.byte()
    const bytes = r.blob()
    headers[name] = kind === 0 ? undefined : kind === 1 ? bytes!.toString('utf8') : bytes!
  }
  const prior = r.blob()
  const oldValue = r.blob()
  const newValue = r.blob()
  return { time, prior, oldValue, newValue, context: { topic, partition, offset, timestamp, headers } }
}

function blobLength(b: Buffer | null): number {
  return 4 + (b === null ? 0 : b.length)
}

function writeStr(out: Buffer, s: Buffer, o: number): number {
  out.writeUInt16BE(s.length, o)
  s.copy(out, o + 2)
  return o + 2 + s.length
}

function writeBlob(out: Buffer, b: Buffer | null, o: number): number {
  if (b === null) {
    out.writeInt32BE(-1, o)
    return o + 4
  }
  out.writeInt32BE(b.length, o)
  b.copy(out, o + 4)
  return o + 4 + b.length
}

class Reader {
  private o = 0
  constructor(private readonly buf: Buffer) {}
  long(): number {
    const v = readLong(this.buf, this.o)
    this.o += 8
    return v
  }
  int(): number {
    const v = this.buf.readInt32BE(this.o)
    this.o += 4
    return v
  }
  byte(): number {
    return this.buf.readUInt8(this.o++)
  }
  str(): string {
    const n = this.buf.readUInt16BE(this.o)
    const s = this.buf.toString('utf8', this.o + 2, this.o + 2 + n)
    this.o += 2 + n
    return s
  }
  blob(): Buffer | null {
    const n = this.buf.readInt32BE(this.o)
    this.o += 4
    if (n < 0) return null
    const b = Buffer.from(this.buf.subarray(this.o, this.o + n))
    this.o += n
    return b
  }
}
