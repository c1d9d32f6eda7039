// Bounds-checked big-endian reader over one Kafka protocol frame.
import { ProtocolDecodeError } from './errors.js'

const TWO_32 = 4294967296

export class Reader {
  constructor(readonly buf: Buffer, public pos = 0, readonly end = buf.length) {}

  private need(n: number): number {
    const at = this.pos
    if (n < 0 || at + n > this.end) {
      throw new ProtocolDecodeError(`buffer truncated: need ${n} bytes at offset ${at}, ${this.end - at} left`)
    }
    this.pos = at + n
    return at
  }

  remaining(): number { return this.end - this.pos }
  skip(n: number): void { this.need(n) }
  bool(): boolean { return this.buf[this.need(1)] !== 0 }
  int8(): number { return this.buf.readInt8(this.need(1)) }
  int16(): number { return this.buf.readInt16BE(this.need(2)) }
  uint16(): number { return this.buf.readUInt16BE(this.need(2)) }
  int32(): number { return this.buf.readInt32BE(this.need(4)) }
  uint32(): number { return this.buf.readUInt32BE(this.need(4)) }
  float64(): number { return this.buf.readDoubleBE(this.need(8)) }
  /** int64 as a JS number: offsets, timestamps and producer ids fit in 53 bits. */
  int64(): number {
    const at = this.need(8)
    return this.buf.readInt32BE(at) * TWO_32 + this.buf.readUInt32BE(at + 4)
  }

  uvarint(): number {
    let result = 0
    let shift = 0
    for (;;) {
      const b = this.buf[this.need(1)]!
      if (shift === 28) {
        if (b > 0x0f) throw new ProtocolDecodeError('unsigned varint longer than 32 bits')
        return (result + b * 2 ** 28)
      }
      result |= (b & 0x7f) << shift
      if ((b & 0x80) === 0) return result >>> 0
      shift += 7
    }
  }

  uuid(): Buffer { const at = this.need(16); return this.buf.subarray(at, at + 16) }
  raw(n: number): Buffer { const at = this.need(n); return this.buf.subarray(at, at + n) }

  string(): string | null {
    const len = this.int16()
    if (len < 0) return null
    const at = this.need(len)
    return this.buf.toString('utf8', at, at + len)
  }

  compactString(): string | null {
    const len = this.uvarint() - 1
    if (len < 0) return null
    const at = this.need(len)
    return this.buf.toString('utf8', at, at + len)
  }

  /** Bytes are subarrays of the frame: no copy. */
  bytes(): Buffer | null {
    const len = this.int32()
    if (len < 0) return null
    return this.raw(len)
  }

  compactBytes(): Buffer | null {
    const len = this.uvarint() - 1
    if (len < 0) return null
    return this.raw(len)
  }

  arrayLength(): number {
    const n = this.int32()
    if (n > this.remaining()) throw new ProtocolDecodeError(`buffer truncated: array of ${n} elements at offset ${this.pos - 4}, ${this.remaining()} bytes left`)
    return n
  }

  compactArrayLength(): number {
    const n = this.uvarint() - 1
    if (n > this.remaining()) throw new ProtocolDecodeError(`buffer truncated: array of ${n} elements at offset ${this.pos}, ${this.remaining()} bytes left`)
    return n
  }
}
