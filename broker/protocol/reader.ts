// Bounds-checked reader over one request frame. Every read past the end throws a
// ProtocolDecodeError, which the server turns into closing that one connection.

export class ProtocolDecodeError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ProtocolDecodeError'
  }
}

const TWO_32 = 4294967296

export class Reader {
  constructor(readonly buf: Buffer, public pos = 0, readonly end = buf.length) {}

  remaining(): number { return this.end - this.pos }

  private need(n: number): number {
    const at = this.pos
    if (n < 0 || at + n > this.end) {
      throw new ProtocolDecodeError(`truncated frame: need ${n} bytes at ${at}, have ${this.end - at}`)
    }
    this.pos = at + n
    return at
  }

  int8(): number { return this.buf.readInt8(this.need(1)) }
  int16(): number { return this.buf.readInt16BE(this.need(2)) }
  int32(): number { return this.buf.readInt32BE(this.need(4)) }
  bool(): boolean { return this.buf[this.need(1)] !== 0 }
  float64(): number { return this.buf.readDoubleBE(this.need(8)) }

  /** int64 as a JS number: offsets, timestamps and producer ids all fit in 53 bits. */
  int64(): number {
    const at = this.need(8)
    return this.buf.readInt32BE(at) * TWO_32 + this.buf.readUInt32BE(at + 4)
  }

  uvarint(): number {
    let result = 0
    let shift = 0
    for (;;) {
      const b = this.buf[this.need(1)]!
      if (shift < 28) result |= (b & 0x7f) << shift
      else result += (b & 0x7f) * 2 ** shift
      if ((b & 0x80) === 0) break
      shift += 7
      if (shift > 35) throw new ProtocolDecodeError('unsigned varint longer than 5 bytes')
    }
    return result >>> 0
  }

  uuid(): Buffer { const at = this.need(16); return this.buf.subarray(at, at + 16) }

  private text(len: number): string {
    const at = this.need(len)
    return this.buf.toString('utf8', at, at + len)
  }

  /** Nullable strings share the encoding of plain ones: length -1 means null. */
  string(): string | null {
    const len = this.int16()
    if (len < -1) throw new ProtocolDecodeError(`negative string length ${len}`)
    return len === -1 ? null : this.text(len)
  }

  compactString(): string | null {
    const len = this.uvarint() - 1
    return len === -1 ? null : this.text(len)
  }

  /** Byte fields are views into the frame, never copies. */
  bytes(): Buffer | null {
    const len = this.int32()
    if (len < -1) throw new ProtocolDecodeError(`negative bytes length ${len}`)
    if (len === -1) return null
    const at = this.need(len)
    return this.buf.subarray(at, at + len)
  }

  compactBytes(): Buffer | null {
    const len = this.uvarint() - 1
    if (len === -1) return null
    const at = this.need(len)
    return this.buf.subarray(at, at + len)
  }

  arrayLength(): number {
    const len = this.int32()
    if (len < -1) throw new ProtocolDecodeError(`negative array length ${len}`)
    this.checkCount(len)
    return len
  }

  compactArrayLength(): number {
    const len = this.uvarint() - 1
    this.checkCount(len)
    return len
  }

  // Every element takes at least one byte, so a count beyond the remaining bytes is garbage;
  // rejecting it early stops a 4-byte frame from allocating a two-billion-slot array.
  private checkCount(len: number): void {
    if (len > this.end - this.pos) throw new ProtocolDecodeError(`array length ${len} exceeds frame`)
  }

  skip(n: number): void { this.need(n) }
}
