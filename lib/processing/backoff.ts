/** Exponential backoff with jitter: initialMs, doubling up to maxMs; reset after a success. */
export class Backoff {
  private attempt = 0

  constructor(private readonly initialMs: number, private readonly maxMs: number) {}

  next(): number {
    const base = Math.min(this.maxMs, this.initialMs * 2 ** Math.min(this.attempt, 20))
    this.attempt++
    // ±20% so instances that failed together do not retry in lockstep.
    return Math.round(base * (0.8 + Math.random() * 0.4))
  }

  reset(): void {
    this.attempt = 0
  }
}
