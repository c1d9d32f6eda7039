/**
 * The store-range times (window starts, session ends) an aggregation wrote and emit-on-window-close
 * has not read yet, as a multiset: a sorted array of distinct times with their counts, read from
 * `head`. Times mostly arrive in increasing order (appended); removals (merged-away sessions)
 * decrement and leave a zero-count entry that is skipped when it reaches the head, and a compaction
 * drops such entries once they outnumber the live ones. No allocation on the common paths.
 */
export class PendingWindowTimes {
  private readonly times: number[] = []
  private readonly counts: number[] = []
  private head = 0
  /** Entries with a count above zero. */
  private live = 0

  /** The smallest pending time, or Infinity when none. */
  min(): number {
    const times = this.times
    const counts = this.counts
    while (this.head < times.length && counts[this.head] === 0) this.head++
    return this.head < times.length ? times[this.head]! : Number.POSITIVE_INFINITY
  }

  add(time: number): void {
    const times = this.times
    const last = times.length - 1
    if (last < this.head || time > times[last]!) {
      times.push(time)
      this.counts.push(1)
      this.live++
      return
    }
    const i = time === times[last] ? last : this.search(time)
    if (i < times.length && times[i] === time) {
      if (this.counts[i]!++ === 0) this.live++
      return
    }
    times.splice(i, 0, time)
    this.counts.splice(i, 0, 1)
    this.live++
  }

  /** How many writes of `time` are pending (puts less removals). */
  countOf(time: number): number {
    const i = this.search(time)
    return i < this.times.length && this.times[i] === time ? this.counts[i]! : 0
  }

  /** One write of `time` was undone (its session merged away). Unknown times are ignored. */
  remove(time: number): void {
    const i = this.search(time)
    if (i >= this.times.length || this.times[i] !== time || this.counts[i] === 0) return
    if (--this.counts[i]! === 0) {
      this.live--
      if (this.times.length - this.head > 2 * this.live + 64) this.compact()
    }
  }

  /** Forgets every time at or below `upper`: a read of the store up to it emitted them. */
  dropThrough(upper: number): void {
    const times = this.times
    const counts = this.counts
    while (this.head < times.length && times[this.head]! <= upper) {
      if (counts[this.head] !== 0) this.live--
      this.head++
    }
    if (this.head === times.length) {
      times.length = 0
      counts.length = 0
      this.head = 0
    } else if (this.head > 1024 && this.head > times.length >> 1) this.compact()
  }

  get size(): number {
    return this.live
  }

  /** First index in [head, length) whose time is >= `time`. */
  private search(time: number): number {
    const times = this.times
    let lo = this.head
    let hi = times.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (times[mid]! < time) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  /** Moves the live entries to the front, in place. */
  private compact(): void {
    const times = this.times
    const counts = this.counts
    let w = 0
    for (let r = this.head; r < times.length; r++) {
      if (counts[r] === 0) continue
      times[w] = times[r]!
      counts[w] = counts[r]!
      w++
    }
    times.length = w
    counts.length = w
    this.head = 0
  }
}
