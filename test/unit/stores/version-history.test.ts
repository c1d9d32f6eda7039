// The versioned store's row layout: expired versions are physically removed (not only hidden by
// the retention check of reads), and the latest versions never are.
import { describe, expect, it } from 'vitest'
import { OrderedBytesMap } from '../../../stores/internals/ordered-bytes-map.js'
import { VersionHistory, type VersionTable } from '../../../stores/versioned/version-history.js'
import { EXPIRY, HISTORY, LATEST } from '../../../stores/versioned/versioned-layout.js'

class Table implements VersionTable {
  readonly map = new OrderedBytesMap<Buffer>()
  get(key: Buffer): Buffer | null {
    return this.map.get(key) ?? null
  }
  put(key: Buffer, value: Buffer | null): void {
    if (value === null) this.map.delete(key)
    else this.map.set(Buffer.from(key), value)
  }
  async *range(b: { gte?: Buffer; lte?: Buffer; lt?: Buffer; reverse?: boolean }): AsyncIterable<{ key: Buffer; value: Buffer }> {
    for (const slot of this.map.range(b.gte ?? null, b.lte ?? b.lt ?? null, b.reverse === true)) {
      if (b.lt !== undefined && Buffer.compare(slot.key, b.lt) >= 0) continue
      yield { key: slot.key, value: slot.value }
    }
  }
  rows(tag: number): number {
    return [...this.map.range(null, null)].filter((s) => s.key[0] === tag).length
  }
}

const k = (s: string) => Buffer.from(s)

describe('VersionHistory.purge', () => {
  it('deletes the older versions (and their index rows) that ended before the bound, and keeps every latest version', async () => {
    const table = new Table()
    const history = new VersionHistory(table)
    await history.put(k('a'), k('a1'), 10)
    await history.put(k('a'), k('a2'), 20) // a1 valid [10, 20)
    await history.put(k('a'), k('a3'), 30) // a2 valid [20, 30)
    await history.put(k('b'), k('b1'), 5)
    await history.put(k('b'), null, 15) // b1 valid [5, 15), then deleted
    expect(table.rows(HISTORY)).toBe(3)
    expect(table.rows(LATEST)).toBe(1)

    expect(await history.purge(25)).toBe(2) // a1 (ended 20) and b1 (ended 15)
    expect(table.rows(HISTORY)).toBe(1)
    expect(table.rows(EXPIRY)).toBe(1)
    expect(await history.get(k('a'), 25)).toEqual({ value: k('a2'), timestamp: 20, validTo: 30 })
    expect(await history.get(k('a'))).toEqual({ value: k('a3'), timestamp: 30 })

    expect(await history.purge(1_000)).toBe(1)
    expect(table.rows(HISTORY)).toBe(0)
    expect(table.rows(EXPIRY)).toBe(0)
    expect(await history.get(k('a'))).toEqual({ value: k('a3'), timestamp: 30 })
  })

  it('drops index rows left behind when a version was split, without deleting the live row', async () => {
    const table = new Table()
    const history = new VersionHistory(table)
    await history.put(k('a'), k('a1'), 10)
    await history.put(k('a'), k('a3'), 30) // a1 valid [10, 30)
    await history.put(k('a'), k('a2'), 20) // splits a1: [10, 20), a2 [20, 30)
    expect(table.rows(EXPIRY)).toBe(3) // a1's stale entry at 30, its new one at 20, a2's at 30
    expect(await history.purge(25)).toBe(1) // only a1
    expect(await history.get(k('a'), 25)).toEqual({ value: k('a2'), timestamp: 20, validTo: 30 })
  })
})
