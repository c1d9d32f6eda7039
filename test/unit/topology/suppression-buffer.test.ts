import { describe, expect, it } from 'vitest'
import { SuppressionBuffer } from '../../../topology/suppress/suppression-buffer.js'
import { decodeBuffered, encodeBuffered } from '../../../topology/suppress/buffered-record-codec.js'
import type { RecordContext } from '../../../stores/state-store.js'

const ctx = (timestamp: number, headers: RecordContext['headers'] = {}): RecordContext => ({ topic: 'in', partition: 2, offset: 40 + timestamp, timestamp, headers })
const b = (s: string) => Buffer.from(s)

describe('suppression buffer', () => {
  it('codec round-trips time, record context, headers and null values', () => {
    const rec = { time: 1_700_000_000_123, prior: null, oldValue: b('o'), newValue: b('n'), context: ctx(7, { a: 'x', bin: b('\u0001'), gone: undefined }) }
    expect(decodeBuffered(encodeBuffered(rec))).toEqual(rec)
  })

  it('evicts by buffer time then arrival; a re-buffered key keeps its time and prior value', async () => {
    const buf = new SuppressionBuffer(null)
    buf.put(b('k1'), 20, null, b('a1'), ctx(5))
    buf.put(b('k2'), 10, b('p2'), b('b1'), ctx(6))
    buf.put(b('k3'), 10, null, b('c1'), ctx(7))
    buf.put(b('k1'), 30, b('a1'), b('a2'), ctx(8))
    expect(buf.numRecords()).toBe(3)
    expect(buf.minTimestamp()).toBe(10)
    expect(buf.priorValueFor(b('k1'))).toBeNull()
    expect(buf.priorValueFor(b('k2'))).toEqual(b('p2'))
    expect(buf.priorValueFor(b('zz'))).toBeUndefined()

    const out: string[] = []
    await buf.evictWhile(() => buf.minTimestamp() <= 20, (k, e) => {
      out.push(`${k}@${e.time}:${e.prior}->${e.newValue}@${e.context.timestamp}`)
    })
    expect(out).toEqual(['k2@10:p2->b1@6', 'k3@10:null->c1@7', 'k1@20:null->a2@8'])
    expect(buf.numRecords()).toBe(0)
    expect(buf.bufferSize()).toBe(0)
    expect(buf.minTimestamp()).toBe(Infinity)
  })

  it('writes every change through to its store and reloads from it', async () => {
    const rows = new Map<string, Buffer>()
    const store = {
      put(key: Buffer, value: Buffer | null) {
        if (value === null) rows.delete(key.toString('latin1'))
        else rows.set(key.toString('latin1'), value)
      },
      async *all() {
        for (const [k, v] of [...rows].sort()) yield { key: Buffer.from(k, 'latin1'), value: v }
      },
    }
    const first = new SuppressionBuffer(store)
    first.put(b('a'), 5, null, b('1'), ctx(1))
    first.put(b('b'), 3, null, b('2'), ctx(2))
    first.put(b('c'), 9, null, b('3'), ctx(3))
    await first.evictWhile(() => first.minTimestamp() <= 3, () => {})
    expect([...rows.keys()]).toEqual(['a', 'c'])

    const second = new SuppressionBuffer(store)
    await second.load()
    expect(second.numRecords()).toBe(2)
    expect(second.bufferSize()).toBe(first.bufferSize())
    const order: string[] = []
    await second.evictWhile(() => true, (k, e) => {
      order.push(`${k}:${e.newValue}`)
    })
    expect(order).toEqual(['a:1', 'c:3'])
  })
})
