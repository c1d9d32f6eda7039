import { describe, expect, it } from 'vitest'
import { HyperLogLog, SketchFormatError } from '../../../../topology/sketches/hyperloglog.js'
import { murmur3x86_128 } from '../../../../topology/sketches/murmur3.js'

/** Deterministic PRNG (mulberry32), so the property tests always see the same sets. */
function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function sketchOf(items: Iterable<string | Buffer>, precision?: number): HyperLogLog {
  let s = HyperLogLog.empty(precision)
  for (const item of items) s = s.add(item)
  return s
}

function* range(prefix: string, from: number, to: number): Generator<string> {
  for (let i = from; i < to; i++) yield `${prefix}${i}`
}

// At the default precision 14 (16384 registers): 1.04 / sqrt(16384).
const STANDARD_ERROR = 1.04 / 128

describe('MurmurHash3 x86_128', () => {
  const hex = (input: string, seed: number) => {
    const out = new Uint32Array(4)
    const bytes = Buffer.from(input)
    murmur3x86_128(bytes, bytes.length, seed, out)
    return [...out].map((w) => w.toString(16).padStart(8, '0')).join('')
  }

  it('matches the reference implementation on its published vectors', () => {
    expect(hex('', 0)).toBe('00000000000000000000000000000000')
    expect(hex('', 123)).toBe('fedc524526f3e79926f3e79926f3e799')
    expect(hex('Hello, world!', 123)).toBe('61c9129e5a1aacd7a41621629e37c886')
    expect(hex('Hello, world!', 321)).toBe('d5fbdcb3c26c4193045880c5a7170f0f')
    expect(hex('x'.repeat(28), 123)).toBe('5e40bab278825a164cf929d31fec6047')
  })
})

describe('HyperLogLog estimates', () => {
  it('counts small sets exactly and ignores repeats', () => {
    expect(HyperLogLog.empty().estimate()).toBe(0)
    expect(sketchOf(['a']).estimate()).toBe(1)
    expect(sketchOf(['a', 'b', 'a', 'c', 'b', 'a']).estimate()).toBe(3)
    expect(sketchOf([Buffer.from('a'), 'a']).estimate()).toBe(1) // a string counts as its UTF-8 bytes
    expect(sketchOf(range('user-', 0, 100)).estimate()).toBe(100)
  })

  it('property: over 100 random sets of 10 to 1e6 items, error within the standard error', () => {
    const next = random(12)
    // Sizes log-uniform over 10..300k, plus two sets of a million.
    const sizes = Array.from({ length: 98 }, () => Math.round(10 * 30000 ** next()))
    sizes.push(1_000_000, 1_000_000)
    // Items are 8 bytes (set, index): distinct by construction, and cheap to make.
    const item = Buffer.alloc(8)
    const errors = sizes.map((n, set) => {
      let s = HyperLogLog.empty()
      item.writeUInt32BE(set, 0)
      for (let i = 0; i < n; i++) {
        item.writeUInt32BE(i, 4)
        s = s.add(item)
      }
      return { n, error: s.estimate() / n - 1 }
    })
    // Sparse sketches (up to 2048 distinct indexes) count by linear counting over 2^25 buckets: nearly exact.
    for (const { n, error } of errors.filter((e) => e.n <= 2000)) expect(Math.abs(error * n)).toBeLessThanOrEqual(Math.max(1, 0.002 * n))
    const dense = errors.filter((e) => e.n > 2000).map((e) => e.error)
    expect(dense.length).toBeGreaterThanOrEqual(40)
    const mean = dense.reduce((a, e) => a + e, 0) / dense.length
    const rms = Math.sqrt(dense.reduce((a, e) => a + e * e, 0) / dense.length)
    expect(Math.abs(mean)).toBeLessThan(0.003)
    expect(rms).toBeLessThan(0.01)
    const within = errors.filter((e) => Math.abs(e.error) <= 3 * STANDARD_ERROR).length
    expect(within / errors.length).toBeGreaterThanOrEqual(0.95)
  })

  it('a lower precision trades accuracy for size', () => {
    const small = sketchOf(range('v', 0, 50_000), 10)
    expect(small.byteLength).toBeLessThan(2000)
    expect(Math.abs(small.estimate() / 50_000 - 1)).toBeLessThan(3 * (1.04 / 32))
    expect(() => HyperLogLog.empty(3)).toThrow(RangeError)
    expect(() => HyperLogLog.empty(19)).toThrow(RangeError)
  })
})

describe('HyperLogLog merge', () => {
  const cases: [string, number, number, number][] = [
    ['sparse with sparse', 300, 500, 200],
    ['sparse with sparse, the union turning dense', 1500, 1500, 100],
    ['sparse with dense', 700, 15_000, 300],
    ['dense with dense', 12_000, 20_000, 5000],
  ]
  for (const [label, sizeA, sizeB, overlap] of cases) {
    it(`property: the merge is the sketch of the union (${label})`, () => {
      // A = [0, sizeA), B = [sizeA - overlap, sizeA - overlap + sizeB)
      const a = sketchOf(range('i', 0, sizeA))
      const b = sketchOf(range('i', sizeA - overlap, sizeA - overlap + sizeB))
      const union = sketchOf(range('i', 0, sizeA - overlap + sizeB))
      const aBytes = Buffer.from(a.toBytes())
      const bBytes = Buffer.from(b.toBytes())
      const ab = a.merge(b)
      const ba = b.merge(a)
      expect(ab.toBytes()).toEqual(union.toBytes())
      expect(ba.toBytes()).toEqual(union.toBytes())
      expect(ab.merge(a).toBytes()).toEqual(union.toBytes()) // idempotent
      // merging never changes its inputs once they were handed out as bytes
      expect(a.toBytes()).toEqual(aBytes)
      expect(b.toBytes()).toEqual(bBytes)
    })
  }

  it('an empty sketch is the identity; precisions must match', () => {
    const a = sketchOf(range('x', 0, 5000))
    expect(a.merge(HyperLogLog.empty()).toBytes()).toEqual(a.toBytes())
    expect(HyperLogLog.empty().merge(a).toBytes()).toEqual(a.toBytes())
    expect(() => a.merge(HyperLogLog.empty(12))).toThrow(/precision 12 into one of precision 14/)
  })
})

describe('HyperLogLog serialization', () => {
  it('round trips sparse and dense sketches; adding after a round trip equals adding before', () => {
    for (const n of [0, 1, 100, 2500, 100_000]) {
      const original = sketchOf(range('r', 0, n))
      const bytes = Buffer.from(original.toBytes())
      expect([bytes[0], bytes[1], bytes[2]]).toEqual([1, 14, n > 2048 ? 2 : 1]) // version, precision, encoding
      const read = HyperLogLog.wrap(bytes)
      expect(read.estimate()).toBe(original.estimate())
      expect(read.add('more').add('again').toBytes()).toEqual(sketchOf([...range('r', 0, n), 'more', 'again']).toBytes())
    }
  })

  it('reading is copy-free and copy-on-write: the bytes read are never written', () => {
    for (const n of [10, 50_000]) {
      const stored = Buffer.from(sketchOf(range('c', 0, n)).toBytes())
      const before = Buffer.from(stored)
      const read = HyperLogLog.wrap(stored)
      const changed = read.add('new-1').add('new-2')
      expect(changed).not.toBe(read)
      expect(changed.estimate()).toBeGreaterThan(read.estimate() - 1)
      expect(stored).toEqual(before)
      // an item already counted changes nothing, so nothing is copied
      expect(read.add('c1')).toBe(read)
    }
  })

  it('the timestamped form: timestamp first, then the sketch; unchanged sketches read with that timestamp are not copied', () => {
    const s = sketchOf(range('t', 0, 10))
    const bytes = s.toTimestampedBytes(1234)
    expect(bytes.readBigInt64BE(0)).toBe(1234n)
    expect(bytes.subarray(8)).toEqual(s.toBytes())
    const read = HyperLogLog.wrap(bytes, 8)
    expect(read.toTimestampedBytes(1234).buffer).toBe(bytes.buffer)
    const moved = read.toTimestampedBytes(99)
    expect(moved.readBigInt64BE(0)).toBe(99n)
    expect(bytes.readBigInt64BE(0)).toBe(1234n)
  })

  it('rejects bytes that are not a sketch it can read, by kind', () => {
    const good = Buffer.from(sketchOf(range('m', 0, 3)).toBytes())
    expect(() => HyperLogLog.wrap(Buffer.from([1, 14]))).toThrow(SketchFormatError)
    expect(() => HyperLogLog.wrap(Buffer.concat([Buffer.from([9]), good.subarray(1)]))).toThrow(/format version 9/)
    expect(() => HyperLogLog.wrap(good.subarray(0, good.length - 1))).toThrow(SketchFormatError)
    expect(() => HyperLogLog.wrap(Buffer.concat([good.subarray(0, 2), Buffer.from([7]), good.subarray(3)]))).toThrow(SketchFormatError)
    expect(() => HyperLogLog.empty().add(42 as unknown as string)).toThrow(/strings or Buffers/)
  })
})
