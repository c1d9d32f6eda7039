/**
 * Default bucket upper bounds, in seconds: from 10 µs (one stateless record) to 10 s (a commit
 * waiting on a slow broker).
 */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = [
  0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
]

/**
 * A fixed-bucket histogram: a short scan and three additions per observation, no allocation. `counts[i]` holds the observations in bucket i only; the last slot is
 * the +Inf bucket. Cumulative counts are computed when read.
 */
export class Histogram {
  readonly counts: Float64Array
  count = 0
  sum = 0
  /** Also receives every observation (the OpenTelemetry adapter's histogram); null when unused. */
  sink: ((v: number) => void) | null = null

  constructor(readonly bounds: readonly number[] = LATENCY_BUCKETS_SECONDS) {
    this.counts = new Float64Array(bounds.length + 1)
  }

  observe(v: number): void {
    const b = this.bounds
    let i = 0
    while (i < b.length && v > b[i]!) i++
    this.counts[i]!++
    this.count++
    this.sum += v
    if (this.sink !== null) this.sink(v)
  }

  /** `n` observations of `v` at the cost of one (a batch's records, each counted at the batch's mean). */
  observeMany(v: number, n: number): void {
    const b = this.bounds
    let i = 0
    while (i < b.length && v > b[i]!) i++
    this.counts[i]! += n
    this.count += n
    this.sum += v * n
    if (this.sink !== null) for (let k = 0; k < n; k++) this.sink(v)
  }

  /** Cumulative counts per upper bound, `+Inf` last (Prometheus' `le` buckets). */
  cumulative(): { le: number; count: number }[] {
    const out: { le: number; count: number }[] = []
    let acc = 0
    for (let i = 0; i < this.counts.length; i++) {
      acc += this.counts[i]!
      out.push({ le: i < this.bounds.length ? this.bounds[i]! : Infinity, count: acc })
    }
    return out
  }
}
