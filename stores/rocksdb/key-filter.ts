// A growable Bloom filter over every key ever written to a store that started empty. A key it
// has never seen is certainly absent from RocksDB, so the read answers null at once instead of
// paying a native lookup on the thread pool — the common case when counting new keys. Deleted
// keys stay in the filter (a false positive only costs the lookup it would have cost anyway).

const BITS_PER_KEY = 10
const HASHES = 7
const FIRST_STAGE_BITS = 1 << 20

class BloomStage {
  readonly bits: Uint32Array
  readonly mask: number
  /** Keys the stage takes: its bits over BITS_PER_KEY, so none are wasted on rounding. */
  readonly capacity: number
  count = 0

  /** `nbits` a power of two, so positions are a mask instead of a modulo. */
  constructor(nbits: number) {
    this.bits = new Uint32Array(nbits >>> 5)
    this.mask = nbits - 1
    this.capacity = Math.floor(nbits / BITS_PER_KEY)
  }

  add(h1: number, h2: number): void {
    for (let i = 0; i < HASHES; i++) {
      const bit = (h1 + Math.imul(i, h2)) & this.mask
      this.bits[bit >>> 5] |= 1 << (bit & 31)
    }
    this.count++
  }

  has(h1: number, h2: number): boolean {
    for (let i = 0; i < HASHES; i++) {
      const bit = (h1 + Math.imul(i, h2)) & this.mask
      if ((this.bits[bit >>> 5] & (1 << (bit & 31))) === 0) return false
    }
    return true
  }
}

/**
 * Bloom filter that adds a stage twice as large whenever the newest one is full: 10 bits a key
 * in full stages (1.25 to 2.5 bytes a key overall), under 1 % false positives per stage.
 */
export class KeyFilter {
  private readonly stages: BloomStage[] = [new BloomStage(FIRST_STAGE_BITS)]
  private h1 = 0
  private h2 = 0

  add(key: Buffer): void {
    this.hash(key)
    let stage = this.stages[this.stages.length - 1]
    if (stage.count >= stage.capacity) this.stages.push((stage = new BloomStage((stage.mask + 1) * 2)))
    stage.add(this.h1, this.h2)
  }

  /** False means the key was never added. */
  mightContain(key: Buffer): boolean {
    this.hash(key)
    for (let i = this.stages.length - 1; i >= 0; i--) if (this.stages[i].has(this.h1, this.h2)) return true
    return false
  }

  get sizeBytes(): number {
    let n = 0
    for (const s of this.stages) n += s.bits.byteLength
    return n
  }

  /** Two independent 32-bit hashes (FNV-1a and a multiplicative mix), kept in fields: no allocation. */
  private hash(key: Buffer): void {
    let a = 0x811c9dc5
    let b = 0x9747b28c ^ key.length
    for (let i = 0; i < key.length; i++) {
      const c = key[i]
      a = Math.imul(a ^ c, 0x01000193)
      b = Math.imul(b ^ c, 0x5bd1e995)
      b ^= b >>> 15
    }
    a ^= a >>> 16
    b = Math.imul(b ^ (b >>> 13), 0xc2b2ae35)
    b ^= b >>> 16
    this.h1 = a >>> 0
    this.h2 = (b | 1) >>> 0 // odd: successive probes never collapse onto one bit
  }
}
