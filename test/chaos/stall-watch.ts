// Watches the input partitions for one that has lag but whose committed offset stands still while
// every instance is RUNNING (none paused by the harness): the "assigned but never processed"
// failure, which a later rebalance can hide before the end of a run.
import type { GroupLag } from './group-lag.js'

export interface Stall {
  partition: number
  committed: number
  end: number
  since: string
  forMs: number
}

/** A committed offset that went back: the group will process that range again. */
export interface Regression {
  partition: number
  from: number
  to: number
  at: string
}

export class StallWatch {
  private readonly last = new Map<number, { committed: number; since: number }>()
  // The highest committed offset seen per partition, kept across unhealthy periods.
  private readonly highest = new Map<number, number>()
  readonly regressions: Regression[] = []
  private readonly open = new Set<number>()
  readonly stalls: Stall[] = []
  private timer: NodeJS.Timeout | null = null
  private busy = false

  constructor(
    private readonly lag: GroupLag,
    private readonly healthy: () => boolean,
    private readonly stallMs: number,
    private readonly onStall: (s: Stall) => void,
    private readonly onRegression: (r: Regression) => void = () => {},
  ) {}

  start(intervalMs = 1000): void {
    this.timer = setInterval(() => void this.check(), intervalMs)
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }

  private async check(): Promise<void> {
    if (this.busy) return
    this.busy = true
    try {
      const lags = await this.lag.read()
      const now = Date.now()
      for (const l of lags ?? []) {
        const high = this.highest.get(l.partition) ?? -1
        if (l.committed >= 0 && l.committed < high) {
          const r = { partition: l.partition, from: high, to: l.committed, at: new Date(now).toISOString() }
          this.regressions.push(r)
          this.onRegression(r)
        }
        // Once reported, the lower offset is the new baseline (one report per step back).
        if (l.committed >= 0) this.highest.set(l.partition, l.committed)
      }
      if (!lags || !this.healthy()) {
        // Nobody is expected to make progress now; the clock starts again once all is well.
        this.last.clear()
        return
      }
      for (const l of lags) {
        const prev = this.last.get(l.partition)
        if (!prev || prev.committed !== l.committed || l.committed >= l.end) {
          this.last.set(l.partition, { committed: l.committed, since: now })
          this.open.delete(l.partition)
          continue
        }
        const forMs = now - prev.since
        if (forMs >= this.stallMs && !this.open.has(l.partition)) {
          this.open.add(l.partition)
          const s = { partition: l.partition, committed: l.committed, end: l.end, since: new Date(prev.since).toISOString(), forMs }
          this.stalls.push(s)
          this.onStall(s)
        }
      }
    } finally {
      this.busy = false
    }
  }
}
