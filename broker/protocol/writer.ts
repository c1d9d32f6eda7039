// Growable writer that keeps large byte fields (record batches) as separate chunks, so a
// fetch response is written to the socket without copying the stored batches.

const TWO_32 = 4294967296
const BIG_CHUNK = 1024

export class Writer {
  private buf: Buffer
  private pos = 0
  private start = 0
  private readonly chunks: Buffer[] = []
  private flushed = 0

  constructor(initial = 256) {
    this.buf = Buffer.allocUnsafe(initial)
  }

  get length(): number { return this.flushed + this.pos - this.start }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return
    this.cut()
    this.buf = Buffer.allocUnsafe(Math.max(n, this.buf.length * 2, 256))
    this.pos = 0
    this.start = 0
  }

  private cut(): void {
    if (this.pos > this.start) {
      const chunk = this.buf.subarray(this.start, this.pos)
      this.chunks.push(chunk)
      this.flushed += chunk.length
      this.start = this.pos
    }
  }

  int8(v: number): this { this.ensure(1); this.buf.writeInt8(v, this.pos); this.pos += 1; return this }
  int16(v: number): this { this.ensure(2); this.buf.writeInt16BE(v, this.pos); this.pos += 2; return this }
  int32(v: number): this { this.ensure(4); this.buf.writeInt32BE(v, this.pos); this.pos += 4; return this }
  uint32(v: number): this { this.ensure(4); this.buf.writeUInt32BE(v, this.pos); this.pos += 4; return this }
  bool(v: boolean): this { this.ensure(1); this.buf[this.pos++] = v ? 1 : 0; return this }
  float64(v: number): this { this.ensure(8); this.buf.writeDoubleBE(v, this.pos); this.pos += 8; return this }

  int64(v: number | bigint): this {
    this.ensure(8)
    if (typeof v === 'bigint') {
      this.buf.writeBigInt64BE(v, this.pos)
    } else {
      if (!Number.isSafeInteger(v)) throw new RangeError(`int64 value ${v} is not a safe integer`)
      this.buf.writeInt32BE(Math.floor(v / TWO_32), this.pos)
      this.buf.writeUInt32BE(v >>> 0, this.pos + 4)
    }
    this.pos += 8
    return this
  }

  uvarint(v: number): this {
    this.ensure(5)
    let n = v >>> 0
    while (n >= 0x80) {
      this.buf[this.pos++] = (n & 0x7f) | 0x80
      n >>>= 7
    }
    this.buf[this.pos++] = n
    return this
  }

  raw(data: Buffer): this {
    if (data.length >= BIG_CHUNK) {
      this.cut()
      this.chunks.push(data)
      this.flushed += data.length
    } else {
      this.ensure(data.length)
      data.copy(this.buf, this.pos)
      this.pos += data.length
    }
    return this
  }

  string(v: string | null): this {
    if (v === null) return this.int16(-1)
    const len = Buffer.byteLength(v)
    this.int16(len)
    this.ensure(len)
    this.pos += this.buf.write(v, this.pos, 'utf8')
    return this
  }

  compactString(v: string | null): this {
    if (v === null) return this.uvarint(0)
    const len = Buffer.byteLength(v)
    this.uvarint(len + 1)
    this.ensure(len)
    this.pos += this.buf.write(v, this.pos, 'utf8')
    return this
  }

  /** `data` may be several buffers written back to back (record batches read from a log). */
  bytes(data: Buffer | readonly Buffer[] | null, compact: boolean): this {
    if (data === null) return compact ? this.uvarint(0) : this.int32(-1)
    if (Buffer.isBuffer(data)) {
      if (compact) this.uvarint(data.length + 1)
      else this.int32(data.length)
      return this.raw(data)
    }
    let len = 0
    for (const d of data) len += d.length
    if (compact) this.uvarint(len + 1)
    else this.int32(len)
    for (const d of data) this.raw(d)
    return this
  }

  /** The written bytes as chunks, in order. */
  finish(): Buffer[] {
    this.cut()
    return this.chunks
  }

  /** The written bytes as one buffer (copies when there are several chunks). */
  toBuffer(): Buffer {
    const chunks = this.finish()
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, this.flushed)
  }
}
