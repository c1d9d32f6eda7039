/**
 * A map keyed by bytes with byte-wise ordered range scans.
 *
 * Keys are held as latin1 strings: one char per byte, so JS string comparison orders them
 * exactly as `Buffer.compare` and a hash map answers point lookups in O(1). The sorted index
 * used by scans is maintained lazily: new keys wait in `pending` and deleted keys stay in the
 * index as dead slots until the next scan needs it, so writes stay O(1) amortised.
 */
export interface BytesSlot<V> {
  readonly key: Buffer
  value: V
  /** Whether `key` is present in the sorted index. */
  indexed: boolean
}

const SPLICE_LIMIT = 16

export class OrderedBytesMap<V> {
  private readonly slots = new Map<string, BytesSlot<V>>()
  private index: string[] = []
  private pending: string[] = []
  private dead = 0
  /** Bumped whenever the index array is rearranged, so live iterators re-seek. */
  private version = 0

  get size(): number {
    return this.slots.size
  }

  get(key: Buffer): V | undefined {
    return this.slots.get(key.toString('latin1'))?.value
  }

  getSlot(key: Buffer): BytesSlot<V> | undefined {
    return this.slots.get(key.toString('latin1'))
  }

  has(key: Buffer): boolean {
    return this.slots.has(key.toString('latin1'))
  }

  /** Returns the previous value, or undefined when the key is new. */
  set(key: Buffer, value: V): V | undefined {
    const s = key.toString('latin1')
    const slot = this.slots.get(s)
    if (slot !== undefined) {
      const old = slot.value
      slot.value = value
      return old
    }
    this.slots.set(s, { key, value, indexed: false })
    this.pending.push(s)
    // Without scans the index is never rebuilt: drop pending names of keys deleted since, so a
    // map that sees many distinct keys (a cache) stays proportional to its live size.
    if (this.pending.length > (this.slots.size << 1) + 1024) this.compactPending()
    return undefined
  }

  /** Returns the removed value, or undefined when absent. */
  delete(key: Buffer): V | undefined {
    const s = key.toString('latin1')
    const slot = this.slots.get(s)
    if (slot === undefined) return undefined
    this.slots.delete(s)
    if (slot.indexed) this.dead++
    return slot.value
  }

  clear(): void {
    this.slots.clear()
    this.index = []
    this.pending = []
    this.dead = 0
    this.version++
  }

  /** Entries with from <= key <= to (null = open end), ascending or descending. */
  *range(from: Buffer | null, to: Buffer | null, reverse = false): IterableIterator<BytesSlot<V>> {
    const lo = from === null ? null : from.toString('latin1')
    const hi = to === null ? null : to.toString('latin1')
    if (lo !== null && hi !== null && lo > hi) return
    this.ensureIndexed()
    let version = this.version
    let index = this.index
    if (!reverse) {
      let i = lo === null ? 0 : lowerBound(index, lo)
      let last: string | null = null
      for (;;) {
        if (version !== this.version) {
          version = this.version
          index = this.index
          i = last === null ? (lo === null ? 0 : lowerBound(index, lo)) : upperBound(index, last)
        }
        if (i >= index.length) return
        const s = index[i++]
        if (hi !== null && s > hi) return
        last = s
        const slot = this.slots.get(s)
        if (slot !== undefined) {
          yield slot
          this.ensureIndexed()
        }
      }
    } else {
      let i = hi === null ? index.length - 1 : upperBound(index, hi) - 1
      let last: string | null = null
      for (;;) {
        if (version !== this.version) {
          version = this.version
          index = this.index
          i = (last === null ? (hi === null ? index.length : upperBound(index, hi)) : lowerBound(index, last)) - 1
        }
        if (i < 0) return
        const s = index[i--]
        if (lo !== null && s < lo) return
        last = s
        const slot = this.slots.get(s)
        if (slot !== undefined) {
          yield slot
          this.ensureIndexed()
        }
      }
    }
  }

  /** Entries whose key starts with `prefix`, ascending. */
  *prefix(prefix: Buffer): IterableIterator<BytesSlot<V>> {
    for (const slot of this.range(prefix, null)) {
      if (!startsWith(slot.key, prefix)) return
      yield slot
    }
  }

  /** Keeps each live, unindexed key once (a key deleted and re-added is pushed again). */
  private compactPending(): void {
    const live = new Set<string>()
    for (const p of this.pending) {
      const slot = this.slots.get(p)
      if (slot !== undefined && !slot.indexed) live.add(p)
    }
    this.pending = [...live]
  }

  /** Brings the sorted index up to date: merges pending keys and drops dead ones. */
  private ensureIndexed(): void {
    if (this.pending.length === 0 && this.dead <= (this.index.length >> 1) + SPLICE_LIMIT) return
    if (this.pending.length <= SPLICE_LIMIT && this.dead <= (this.index.length >> 1) + SPLICE_LIMIT) {
      for (const s of this.pending) this.spliceIn(s)
      this.pending = []
    } else {
      this.rebuild()
    }
    this.version++
  }

  private spliceIn(s: string): void {
    const slot = this.slots.get(s)
    if (slot === undefined || slot.indexed) return
    slot.indexed = true
    const i = lowerBound(this.index, s)
    if (this.index[i] === s) this.dead-- // re-added while its old entry was still indexed
    else this.index.splice(i, 0, s)
  }

  private rebuild(): void {
    const add = this.pending.filter((s) => {
      const slot = this.slots.get(s)
      return slot !== undefined && !slot.indexed
    })
    add.sort()
    const out: string[] = []
    const old = this.index
    let i = 0
    let j = 0
    while (i < old.length || j < add.length) {
      let s: string
      if (j >= add.length || (i < old.length && old[i] <= add[j])) s = old[i++]
      else s = add[j++]
      if (out.length > 0 && out[out.length - 1] === s) continue
      const slot = this.slots.get(s)
      if (slot === undefined) continue
      slot.indexed = true
      out.push(s)
    }
    this.index = out
    this.pending = []
    this.dead = 0
  }
}

function lowerBound(a: string[], s: string): number {
  let lo = 0
  let hi = a.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (a[mid] < s) lo = mid + 1
    else hi = mid
  }
  return lo
}

function upperBound(a: string[], s: string): number {
  let lo = 0
  let hi = a.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (a[mid] <= s) lo = mid + 1
    else hi = mid
  }
  return lo
}

export function startsWith(key: Buffer, prefix: Buffer): boolean {
  return key.length >= prefix.length && prefix.compare(key, 0, prefix.length) === 0
}
