// Growable big-endian writer. Large byte runs given to `chunk` (record batches a broker sends
// from its log) are kept by reference as separate chunks, so `finish()` hands the socket the
// bytes without copying them; `toBuffer()` joins the chunks when there are any.

const TWO_32 = 4294967296

export class Writer {
  buf: Buffer
  /** Position in `buf`; bytes before `start` were cut into `chunks`. */
  pos = 0
  private start = 0
  private chunks: Buffer[] | null = null
  private flushed = 0

  constructor(initial = 256) { this.buf = Buffer.allocUnsafe(initial) }

  /** Bytes written so far, chunks included. */
  get length(): number { return this.flushed + this.pos - this.start }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return
    if (this.chunks !== null) {
      // Already chunked: cut what is written and go on in a fresh buffer.
      this.cut()
      this.buf = Buffer.allocUnsafe(Math.max(n, this.buf.length * 2, 256))
      this.pos = 0
      this.start = 0
      return
    }
    let size = this.buf.length * 2
    while (size < this.pos + n) size *= 2
    const next = Buffer.allocUnsafe(size)
    this.buf.copy(next, 0, 0, this.pos)
    this.buf = next
  }

  private cut(): void {
    if (this.pos > this.start) {
      const c = this.buf.subarray(this.start, this.pos)
      this.chunks!.push(c)
      this.flushed += c.length
      this.start = this.pos
    }
  }

  /** Appends `b` by reference (no copy); it must not change until the bytes are sent. */
  chunk(b: Buffer): void {
    if (b.length < 1024) { this.raw(b); return }
    if (this.chunks === null) this.chunks = []
    this.cut()
    this.chunks.push(b)
    this.flushed += b.length
  }

  /** The written bytes as chunks in order (one when nothing was appended by reference). */
  finish(): Buffer[] {
    if (this.chunks === null) return [this.buf.subarray(0, this.pos)]
    this.cut()
    return this.chunks
  }

  toBuffer(): Buffer {
    if (this.chunks === null) return this.buf.subarray(0, this.pos)
    const all = this.finish()
    return Buffer.concat(all, this.flushed)
  }

  bool(v: boolean): void { this.ensure(1); this.buf[this.pos++] = v ? 1 : 0 }
  int8(v: number): void { this.ensure(1); this.buf.writeInt8(v, this.pos); this.pos += 1 }
  int16(v: number): void { this.ensure(2); this.buf.writeInt16BE(v, this.pos); this.pos += 2 }
  uint16(v: number): void { this.ensure(2); this.buf.writeUInt16BE(v, this.pos); this.pos += 2 }
  int32(v: number): void { this.ensure(4); this.buf.writeInt32BE(v, this.pos); this.pos += 4 }
  uint32(v: number): void { this.ensure(4); this.buf.writeUInt32BE(v >>> 0, this.pos); this.pos += 4 }
  float64(v: number): void { this.ensure(8); this.buf.writeDoubleBE(v, this.pos); this.pos += 8 }
  int64(v: number): void {
    this.ensure(8)
    const hi = Math.floor(v / TWO_32)
    this.buf.writeInt32BE(hi, this.pos)
    this.buf.writeUInt32BE(v - hi * TWO_32, this.pos + 4)
    this.pos += 8
  }

  uvarint(v: number): void {
    this.ensure(5)
    while (v >= 0x80) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80
      v = Math.floor(v / 128)
    }
    this.buf[this.pos++] = v
  }

  raw(b: Uint8Array): void { this.ensure(b.length); this.buf.set(b, this.pos); this.pos += b.length }

  string(v: string | null): void {
    if (v === null) { this.int16(-1); return }
    const len = Buffer.byteLength(v)
    this.int16(len)
    this.ensure(len); this.buf.write(v, this.pos, 'utf8'); this.pos += len
  }

  compactString(v: string | null): void {
    if (v === null) { this.uvarint(0); return }
    const len = Buffer.byteLength(v)
    this.uvarint(len + 1)
    this.ensure(len); this.buf.write(v, this.pos, 'utf8'); this.pos += len
  }

  bytes(v: Uint8Array | null): void {
    if (v === null) { this.int32(-1); return }
    this.int32(v.length); this.raw(v)
  }

  compactBytes(v: Uint8Array | null): void {
    if (v === null) { this.uvarint(0); return }
    this.uvarint(v.length + 1); this.raw(v)
  }
}
