import type { RecordDelivery } from './record-delivery.js'

/**
 * Work of async processors that must not run mid-record: results deferred to the next point
 * between records, and in-flight calls a commit awaits before returning offsets.
 */
export class DeferredWork {
  private deferred: (() => void | Promise<void>)[] = []
  private readonly inFlight = new Set<Promise<unknown>>()

  constructor(private readonly delivery: RecordDelivery) {}

  /** Whether deferred work waits; checked per record, so a plain length test. */
  get waiting(): boolean {
    return this.deferred.length > 0
  }

  defer(work: () => void | Promise<void>): void {
    this.deferred.push(work)
  }

  track(promise: Promise<unknown>): void {
    const tracked: Promise<unknown> = promise.then(
      () => this.inFlight.delete(tracked),
      () => this.inFlight.delete(tracked),
    )
    this.inFlight.add(tracked)
  }

  /** Runs the deferred work, at a point where no record is mid-flight. */
  async run(): Promise<void> {
    const delivery = this.delivery
    while (this.deferred.length > 0) {
      const batch = this.deferred
      this.deferred = []
      for (const work of batch) {
        const r = work()
        if (r instanceof Promise) await r
        if (delivery.pending.length > 0) await delivery.settlePending()
      }
    }
  }

  /** Waits for every in-flight async call and forwards its results. */
  async drain(): Promise<void> {
    for (;;) {
      if (this.deferred.length > 0) await this.run()
      if (this.inFlight.size === 0 && this.deferred.length === 0) return
      if (this.inFlight.size > 0) await Promise.all([...this.inFlight])
    }
  }
}
