import { describe, expect, it } from 'vitest'
import { SuppressionBuffer } from '../../../topology/suppress/suppression-buffer.js'
import type { RecordContext } from '../../../stores/state-store.js'

const ctx = (timestamp: number): RecordContext => ({ topic: 'in', partition: 0, offset: timestamp, timestamp, headers: {} })
const b = (s: string) => Buffer.from(s)

// Kafka Streams' InMemoryTimeOrderedKeyValueBuffer keeps its records sorted by (time, key bytes).
describe('suppression buffer order', () => {
  it('one buffer time leaves in the order of the key bytes (unsigned), whatever the arrival order', async () => {
    const buf = new SuppressionBuffer(null)
    buf.put(b('B'), 0, null, b('1'), ctx(0))
    buf.put(Buffer.from([0xff]), 0, null, b('2'), ctx(0))
    buf.put(b('A'), 0, null, b('3'), ctx(0))
    buf.put(b('C'), -1, null, b('4'), ctx(0))
    const out: string[] = []
    await buf.evictWhile(() => true, (k) => {
      out.push(k.toString('hex'))
    })
    expect(out).toEqual(['43', '41', '42', 'ff'])
  })

  it('a restore rebuilds the same order whatever order the backing store yields', async () => {
    const rows = new Map<string, Buffer>()
    const store = {
      put(key: Buffer, value: Buffer | null) {
        if (value === null) rows.delete(key.toString('latin1'))
        else rows.set(key.toString('latin1'), value)
      },
      async *all() {
        // reverse key order: the buffer must not depend on it
        for (const [k, v] of [...rows].sort().reverse()) yield { key: Buffer.from(k, 'latin1'), value: v }
      },
    }
    const first = new SuppressionBuffer(store)
    first.put(b('a'), 5, null, b('1'), ctx(1))
    first.put(b('c'), 5, null, b('2'), ctx(2))
    first.put(b('b'), 5, null, b('3'), ctx(3))
    const second = new SuppressionBuffer(store)
    await second.load()
    const out: string[] = []
    await second.evictWhile(() => true, (k) => {
      out.push(k.toString())
    })
    expect(out).toEqual(['a', 'b', 'c'])
  })
})
