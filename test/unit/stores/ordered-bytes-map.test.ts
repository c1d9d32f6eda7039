import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { OrderedBytesMap } from '../../../stores/internals/ordered-bytes-map.js'

type Op = { set: number[] } | { del: number[] } | { scan: [number[] | null, number[] | null, boolean] }

const keyArb = fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }) // few distinct bytes: many collisions and prefixes
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: keyArb.map((k) => ({ set: k })) },
  { weight: 3, arbitrary: keyArb.map((k) => ({ del: k })) },
  { weight: 1, arbitrary: fc.tuple(fc.option(keyArb), fc.option(keyArb), fc.boolean()).map((scan) => ({ scan })) },
)

describe('OrderedBytesMap', () => {
  it('property: scans equal the sorted model through inserts, deletes, re-inserts and rebuilds', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 200 }), (ops) => {
        const map = new OrderedBytesMap<number>()
        const model = new Map<string, number>()
        let n = 0
        for (const op of ops) {
          if ('set' in op) {
            const k = Buffer.from(op.set)
            map.set(k, ++n)
            model.set(k.toString('hex'), n)
          } else if ('del' in op) {
            const k = Buffer.from(op.del)
            expect(map.delete(k)).toBe(model.get(k.toString('hex')))
            model.delete(k.toString('hex'))
          } else {
            const [lo, hi, reverse] = op.scan
            const from = lo === null ? null : Buffer.from(lo)
            const to = hi === null ? null : Buffer.from(hi)
            const expected = [...model.keys()]
              .map((h) => Buffer.from(h, 'hex'))
              .filter((k) => (from === null || Buffer.compare(k, from) >= 0) && (to === null || Buffer.compare(k, to) <= 0))
              .sort(Buffer.compare)
            if (reverse) expected.reverse()
            const got = [...map.range(from, to, reverse)].map((s) => s.key)
            expect(got.map((k) => k.toString('hex'))).toEqual(expected.map((k) => k.toString('hex')))
          }
          expect(map.size).toBe(model.size)
        }
      }),
      { numRuns: 300 },
    )
  })

  it('handles bulk inserts (index rebuild) and mass deletes (compaction)', () => {
    const map = new OrderedBytesMap<number>()
    const keys = Array.from({ length: 5000 }, (_, i) => Buffer.from(String((i * 7919) % 5000).padStart(4, '0')))
    keys.forEach((k, i) => map.set(k, i))
    expect([...map.range(null, null)].map((s) => s.key.toString())).toEqual([...keys].map((k) => k.toString()).sort())
    for (let i = 0; i < 5000; i += 2) map.delete(Buffer.from(String(i).padStart(4, '0')))
    const left = [...map.range(Buffer.from('0100'), Buffer.from('0110'))].map((s) => s.key.toString())
    expect(left).toEqual(['0101', '0103', '0105', '0107', '0109'])
    expect([...map.prefix(Buffer.from('499'))].map((s) => s.key.toString())).toEqual(['4991', '4993', '4995', '4997', '4999'])
  })

  it('a reverse scan sees keys inserted before its cursor but not after', () => {
    const map = new OrderedBytesMap<number>()
    for (const k of ['b', 'd', 'f']) map.set(Buffer.from(k), 0)
    const seen: string[] = []
    for (const slot of map.range(null, null, true)) {
      seen.push(slot.key.toString())
      if (seen.length === 1) {
        map.set(Buffer.from('g'), 0) // behind the cursor (already passed): not seen
        map.set(Buffer.from('c'), 0) // ahead: seen
      }
    }
    expect(seen).toEqual(['f', 'd', 'c', 'b'])
  })
})

describe('OrderedBytesMap bookkeeping', () => {
  it('keeps keys that come and go without a scan from piling up', () => {
    const map = new OrderedBytesMap<number>()
    for (let i = 0; i < 50_000; i++) {
      map.set(Buffer.from(`k${i}`), i)
      map.delete(Buffer.from(`k${i - 10}`))
      map.set(Buffer.from('same'), i) // re-added after each delete below
      map.delete(Buffer.from('same'))
    }
    const pending = (map as unknown as { pending: string[] }).pending
    expect(pending.length).toBeLessThanOrEqual(2 * map.size + 1024 + 1)
    expect([...map.range(null, null)].map((s) => s.key.toString())).toEqual(
      Array.from({ length: 10 }, (_, i) => `k${49_990 + i}`).sort(),
    )
  })
})
