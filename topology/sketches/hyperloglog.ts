import { ertlEstimate, linearCounting } from './hll-estimator.js'
import { murmur3x86_128 } from './murmur3.js'

// A HyperLogLog++ sketch (Heule, Nunkesser, Hall 2013) kept in its serialized form, so a store
// holds it as bytes and reading one back costs no parsing:
//
//   byte 0  format version (1)        byte 2  encoding: 1 sparse, 2 dense
//   byte 1  precision p (4..18)       byte 3  sparse precision (25)
//   sparse: uint32 n, then n uint32 entries (sparse index << 6 | rank), sorted, one per index
//   dense:  uint32 histogram[0..65-p] (registers holding each rank), then 2^p one-byte registers
//
// Registers take a byte each rather than 6 bits: a record updates one with a plain store. The
// histogram makes the estimate O(64) instead of a pass over 16384 registers at p = 14.
//
// A sketch read from a store wraps the store's bytes and never writes them: the cache, the store
// below and a pending changelog record may share that buffer. The first change copies it
// (copy-on-write) into a buffer the sketch owns, with 8 bytes of headroom where the timestamped
// store format puts its timestamp, so writing it back costs no second copy. Once its bytes are
// handed out, a sketch is frozen again.

export const DEFAULT_PRECISION = 14
export const MIN_PRECISION = 4
export const MAX_PRECISION = 18
const SPARSE_PRECISION = 25
const FORMAT_VERSION = 1
const SPARSE = 1
const DENSE = 2
const HEADER = 4
const HEADROOM = 8

/** Items a sketch counts: strings (hashed as UTF-8) or bytes. */
export type DistinctItem = string | Buffer | Uint8Array

const hashOut = new Uint32Array(4)
const histogram = new Float64Array(66 - MIN_PRECISION)
const scratch = Buffer.allocUnsafe(1024)

function hash(item: DistinctItem): void {
  if (typeof item === 'string') {
    if (item.length * 3 <= scratch.length) murmur3x86_128(scratch, scratch.write(item, 0, 'utf8'), 0, hashOut)
    else {
      const bytes = Buffer.from(item, 'utf8')
      murmur3x86_128(bytes, bytes.length, 0, hashOut)
    }
  } else if (item instanceof Uint8Array) murmur3x86_128(item, item.length, 0, hashOut)
  else throw new TypeError(`HyperLogLog: items must be strings or Buffers, got ${item === null ? 'null' : typeof item}`)
}

/** The position of the first 1 bit (1-based) in the 64 - `used` bits of (hi, lo) after the first `used`. */
function rank(hi: number, lo: number, used: number): number {
  const rest = used === 32 ? 0 : hi << used
  if (rest !== 0) return Math.clz32(rest) + 1
  if (lo !== 0) return 32 - used + Math.clz32(lo) + 1
  return 64 - used + 1
}

const denseSize = (p: number): number => HEADER + 4 * (66 - p) + (1 << p)
const sparseLimit = (p: number): number => (1 << p) >>> 3

/** Thrown for bytes that are not a sketch this version can read. */
export class SketchFormatError extends RangeError {
  override readonly name = 'SketchFormatError'
}

export class HyperLogLog {
  private cachedEstimate = -1

  private constructor(
    private buf: Buffer,
    private off: number,
    private owned: boolean,
    readonly precision: number,
  ) {}

  /** An empty sketch (sparse) at `precision` (default 14: 16384 registers, 0.81 % standard error). */
  static empty(precision: number = DEFAULT_PRECISION): HyperLogLog {
    if (!Number.isInteger(precision) || precision < MIN_PRECISION || precision > MAX_PRECISION) {
      throw new RangeError(`HyperLogLog: precision must be an integer from ${MIN_PRECISION} to ${MAX_PRECISION}, got ${String(precision)}`)
    }
    const buf = Buffer.alloc(HEADROOM + HEADER + 4)
    writeHeader(buf, HEADROOM, precision, SPARSE)
    return new HyperLogLog(buf, HEADROOM, true, precision)
  }

  /** Reads the sketch in `bytes[offset..]` without copying; the sketch never writes to `bytes`. */
  static wrap(bytes: Buffer, offset = 0): HyperLogLog {
    const length = bytes.length - offset
    if (length < HEADER) throw new SketchFormatError(`HyperLogLog: ${length} bytes is too short for a sketch`)
    const version = bytes[offset]!
    const p = bytes[offset + 1]!
    const encoding = bytes[offset + 2]!
    if (version !== FORMAT_VERSION) throw new SketchFormatError(`HyperLogLog: unknown sketch format version ${version}`)
    if (p < MIN_PRECISION || p > MAX_PRECISION) throw new SketchFormatError(`HyperLogLog: invalid precision ${p}`)
    const expected =
      encoding === SPARSE && length >= HEADER + 4 ? HEADER + 4 + 4 * bytes.readUInt32BE(offset + HEADER) : encoding === DENSE ? denseSize(p) : -1
    if (expected !== length) throw new SketchFormatError(`HyperLogLog: a ${encoding === DENSE ? 'dense' : encoding === SPARSE ? 'sparse' : 'unknown'} sketch of ${length} bytes is malformed`)
    return new HyperLogLog(bytes, offset, false, p)
  }

  get isDense(): boolean {
    return this.buf[this.off + 2] === DENSE
  }

  /** Serialized size in bytes. */
  get byteLength(): number {
    return this.isDense ? denseSize(this.precision) : HEADER + 4 + 4 * this.sparseCount()
  }

  /** Adds an item: returns this sketch (changed in place when it owns its bytes), or a changed copy. */
  add(item: DistinctItem): HyperLogLog {
    hash(item)
    const hi = hashOut[0]!
    const lo = hashOut[1]!
    if (this.isDense) {
      const p = this.precision
      return this.raise(hi >>> (32 - p), rank(hi, lo, p))
    }
    return this.addSparse(((hi >>> (32 - SPARSE_PRECISION)) << 6) | rank(hi, lo, SPARSE_PRECISION))
  }

  /** The union of both sketches (same precision); neither is changed unless this one owns its bytes. */
  merge(other: HyperLogLog): HyperLogLog {
    if (other.precision !== this.precision) {
      throw new RangeError(`HyperLogLog: cannot merge a sketch of precision ${other.precision} into one of precision ${this.precision}`)
    }
    if (!other.isDense && other.sparseCount() === 0) return this
    // Sessions merge into an empty sketch: the other one is the union (copied only if it may still change).
    if (!this.isDense && this.sparseCount() === 0) return other.owned ? other.copy() : other
    if (!this.isDense && !other.isDense) {
      const merged = mergeSparse(this.sparseEntries(), other.sparseEntries())
      if (merged.length <= sparseLimit(this.precision)) return HyperLogLog.sparseOf(this.precision, merged)
    }
    if (!other.isDense) {
      let target: HyperLogLog = this.isDense ? this : this.toDense()
      for (const entry of other.sparseEntries()) target = target.raiseFromSparse(entry)
      return target
    }
    const target = this.isDense ? this.copy() : this.toDense()
    target.maxRegisters(other)
    return target
  }

  /** Raises this (owned, dense) sketch's registers to the other dense sketch's, then recounts the histogram. */
  private maxRegisters(other: HyperLogLog): void {
    const m = 1 << this.precision
    const mine = this.buf.subarray(this.registersOffset(), this.registersOffset() + m)
    const theirs = other.buf.subarray(other.registersOffset(), other.registersOffset() + m)
    const histogram = new Uint32Array(66 - this.precision)
    for (let j = 0; j < m; j++) {
      if (theirs[j]! > mine[j]!) mine[j] = theirs[j]!
      histogram[mine[j]!]!++
    }
    for (let k = 0; k < histogram.length; k++) this.buf.writeUInt32BE(histogram[k]!, this.off + HEADER + 4 * k)
    this.cachedEstimate = -1
  }

  /** The estimated number of distinct items, rounded. */
  estimate(): number {
    if (this.cachedEstimate >= 0) return this.cachedEstimate
    let e: number
    if (this.isDense) {
      const buf = this.buf
      for (let k = 0, at = this.off + HEADER; k <= 65 - this.precision; k++, at += 4) {
        histogram[k] = ((buf[at]! << 24) | (buf[at + 1]! << 16) | (buf[at + 2]! << 8) | buf[at + 3]!) >>> 0
      }
      e = ertlEstimate(histogram, this.precision)
    } else {
      e = linearCounting(2 ** SPARSE_PRECISION, this.sparseCount())
    }
    this.cachedEstimate = Math.round(e)
    return this.cachedEstimate
  }

  /** The serialized sketch. The sketch is frozen afterwards: the bytes are the caller's. */
  toBytes(): Buffer {
    this.owned = false
    return this.buf.subarray(this.off, this.off + this.byteLength)
  }

  /**
   * Kafka Streams' timestamped value format (8-byte big-endian timestamp, then the sketch). No copy
   * when the sketch owns its bytes, or is unchanged and was read with this very timestamp.
   */
  toTimestampedBytes(timestamp: number): Buffer {
    const length = this.byteLength
    const ts = BigInt(timestamp)
    if (this.off >= 8 && (this.owned || this.buf.readBigInt64BE(this.off - 8) === ts)) {
      if (this.owned) this.buf.writeBigInt64BE(ts, this.off - 8)
      this.owned = false
      return this.buf.subarray(this.off - 8, this.off + length)
    }
    const out = Buffer.allocUnsafe(8 + length)
    out.writeBigInt64BE(ts, 0)
    this.buf.copy(out, 8, this.off, this.off + length)
    return out
  }

  // --- dense ---

  private registersOffset(): number {
    return this.off + HEADER + 4 * (66 - this.precision)
  }

  /** Sets register j to `value` if that raises it; copies first unless this sketch owns its bytes. */
  private raise(j: number, value: number): HyperLogLog {
    const regs = this.registersOffset()
    const old = this.buf[regs + j]!
    if (value <= old) return this
    const target = this.writable()
    const buf = target.buf
    const histogram = target.off + HEADER
    buf.writeUInt32BE(buf.readUInt32BE(histogram + 4 * old) - 1, histogram + 4 * old)
    buf.writeUInt32BE(buf.readUInt32BE(histogram + 4 * value) + 1, histogram + 4 * value)
    buf[target.registersOffset() + j] = value
    target.cachedEstimate = -1
    return target
  }

  /** Applies a sparse entry (index at precision 25, rank there) to a dense sketch. */
  private raiseFromSparse(entry: number): HyperLogLog {
    const p = this.precision
    const index = entry >>> 6
    const extra = SPARSE_PRECISION - p
    const low = index & ((1 << extra) - 1)
    // The bits between p and 25 come first in the dense rank; when all zero, the sparse rank follows them.
    const value = low !== 0 ? Math.clz32(low) - (32 - extra) + 1 : extra + (entry & 63)
    return this.raise(index >>> extra, value)
  }

  private toDense(): HyperLogLog {
    const p = this.precision
    const buf = Buffer.alloc(HEADROOM + denseSize(p))
    writeHeader(buf, HEADROOM, p, DENSE)
    buf.writeUInt32BE(1 << p, HEADROOM + HEADER)
    let dense = new HyperLogLog(buf, HEADROOM, true, p)
    for (const entry of this.sparseEntries()) dense = dense.raiseFromSparse(entry)
    return dense
  }

  /** This sketch if it owns its bytes, else a copy that does. */
  private writable(): HyperLogLog {
    return this.owned ? this : this.copy()
  }

  private copy(): HyperLogLog {
    const length = this.byteLength
    const buf = Buffer.allocUnsafe(HEADROOM + length)
    this.buf.copy(buf, HEADROOM, this.off, this.off + length)
    return new HyperLogLog(buf, HEADROOM, true, this.precision)
  }

  // --- sparse ---

  private sparseCount(): number {
    return this.buf.readUInt32BE(this.off + HEADER)
  }

  private sparseEntries(): Uint32Array {
    const n = this.sparseCount()
    const out = new Uint32Array(n)
    const at = this.off + HEADER + 4
    for (let i = 0; i < n; i++) out[i] = this.buf.readUInt32BE(at + 4 * i)
    return out
  }

  private addSparse(entry: number): HyperLogLog {
    const n = this.sparseCount()
    const at = this.off + HEADER + 4
    const index = entry >>> 6
    let lo = 0
    let hi = n
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.buf.readUInt32BE(at + 4 * mid) >>> 6 < index) lo = mid + 1
      else hi = mid
    }
    if (lo < n) {
      const found = this.buf.readUInt32BE(at + 4 * lo)
      if (found >>> 6 === index) {
        if ((found & 63) >= (entry & 63)) return this
        const target = this.writable()
        target.buf.writeUInt32BE(entry, target.off + HEADER + 4 + 4 * lo)
        target.cachedEstimate = -1
        return target
      }
    }
    if (n + 1 > sparseLimit(this.precision)) return this.toDense().raiseFromSparse(entry)
    // A new index: the sketch grows by one entry, in place when it owns room for it (a sketch
    // being built), else into a new buffer (a sketch read from a store: it is written back next).
    const size = HEADROOM + HEADER + 4 + 4 * (n + 1)
    if (this.owned && this.off === HEADROOM && this.buf.length >= size) {
      this.buf.copyWithin(at + 4 * (lo + 1), at + 4 * lo, at + 4 * n)
      this.buf.writeUInt32BE(entry, at + 4 * lo)
      this.buf.writeUInt32BE(n + 1, this.off + HEADER)
      this.cachedEstimate = -1
      return this
    }
    const buf = Buffer.allocUnsafe(this.owned ? size + 4 * (n >>> 1) : size)
    this.buf.copy(buf, HEADROOM, this.off, at + 4 * lo)
    buf.writeUInt32BE(entry, HEADROOM + HEADER + 4 + 4 * lo)
    this.buf.copy(buf, HEADROOM + HEADER + 4 + 4 * (lo + 1), at + 4 * lo, at + 4 * n)
    buf.writeUInt32BE(n + 1, HEADROOM + HEADER)
    return new HyperLogLog(buf, HEADROOM, true, this.precision)
  }

  private static sparseOf(p: number, entries: Uint32Array): HyperLogLog {
    const buf = Buffer.allocUnsafe(HEADROOM + HEADER + 4 + 4 * entries.length)
    writeHeader(buf, HEADROOM, p, SPARSE)
    buf.writeUInt32BE(entries.length, HEADROOM + HEADER)
    for (let i = 0; i < entries.length; i++) buf.writeUInt32BE(entries[i]!, HEADROOM + HEADER + 4 + 4 * i)
    return new HyperLogLog(buf, HEADROOM, true, p)
  }
}

function writeHeader(buf: Buffer, at: number, p: number, encoding: number): void {
  buf.fill(0, 0, at)
  buf[at] = FORMAT_VERSION
  buf[at + 1] = p
  buf[at + 2] = encoding
  buf[at + 3] = SPARSE_PRECISION
}

/** Sorted union of two sorted entry lists, keeping the higher rank for an index in both. */
function mergeSparse(a: Uint32Array, b: Uint32Array): Uint32Array {
  const out = new Uint32Array(a.length + b.length)
  let i = 0
  let j = 0
  let n = 0
  while (i < a.length || j < b.length) {
    const x = i < a.length ? a[i]! >>> 6 : Infinity
    const y = j < b.length ? b[j]! >>> 6 : Infinity
    if (x === y) out[n++] = Math.max(a[i++]!, b[j++]!)
    else if (x < y) out[n++] = a[i++]!
    else out[n++] = b[j++]!
  }
  return out.subarray(0, n)
}
