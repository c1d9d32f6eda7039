import { OrderedBytesMap } from './ordered-bytes-map.js'

/**
 * Ordered byte maps grouped by time segment, so expiry drops whole segments and time-bounded
 * scans skip segments outside the range. Ids are kept sorted (few at a time).
 */
export class TimeSegments<V> {
  private readonly byId = new Map<number, OrderedBytesMap<V>>()
  private ids: number[] = []

  get(id: number): OrderedBytesMap<V> | undefined {
    return this.byId.get(id)
  }

  getOrCreate(id: number): OrderedBytesMap<V> {
    let segment = this.byId.get(id)
    if (segment === undefined) {
      segment = new OrderedBytesMap<V>()
      this.byId.set(id, segment)
      let i = this.ids.length
      while (i > 0 && this.ids[i - 1] > id) i--
      this.ids.splice(i, 0, id)
    }
    return segment
  }

  /** Drops segments with id < minId. */
  dropBefore(minId: number): void {
    let n = 0
    while (n < this.ids.length && this.ids[n] < minId) this.byId.delete(this.ids[n++])
    if (n > 0) this.ids = this.ids.slice(n)
  }

  /** Segments with minId <= id <= maxId, ascending (or descending). */
  *between(minId: number, maxId: number, reverse = false): IterableIterator<OrderedBytesMap<V>> {
    const ids = this.ids.filter((id) => id >= minId && id <= maxId)
    if (reverse) ids.reverse()
    for (const id of ids) {
      const segment = this.byId.get(id)
      if (segment !== undefined) yield segment
    }
  }

  get segmentCount(): number {
    return this.ids.length
  }

  clear(): void {
    this.byId.clear()
    this.ids = []
  }
}
