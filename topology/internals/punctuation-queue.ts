import type { Cancellable, PunctuationType, Punctuator } from '../processor/processor.js'
import type { ProcessorNode } from './processor-node.js'

export interface PunctuationSchedule extends Cancellable {
  node: ProcessorNode
  type: PunctuationType
  interval: number
  /** The next time (stream or wall-clock) at which the punctuator fires. */
  next: number
  punctuator: Punctuator
  cancelled: boolean
}

/** Schedules of one punctuation type; fires the due ones in time order. */
export class PunctuationQueue {
  private schedules: PunctuationSchedule[] = []

  add(node: ProcessorNode, type: PunctuationType, interval: number, start: number, punctuator: Punctuator): PunctuationSchedule {
    const schedule: PunctuationSchedule = {
      node,
      type,
      interval,
      next: start,
      punctuator,
      cancelled: false,
      cancel() {
        this.cancelled = true
      },
    }
    this.schedules.push(schedule)
    return schedule
  }

  get size(): number {
    return this.schedules.length
  }

  /** Whether a schedule is due at `now` (cancelled ones are dropped by nextDue). */
  hasDue(now: number): boolean {
    const schedules = this.schedules
    for (let i = 0; i < schedules.length; i++) if (schedules[i].next <= now) return true
    return false
  }

  /**
   * Returns the next schedule due at `now` and advances it, or undefined. A schedule that missed
   * several intervals fires once and realigns, as Kafka Streams' PunctuationSchedule.next().
   */
  nextDue(now: number): PunctuationSchedule | undefined {
    let best: PunctuationSchedule | undefined
    for (let i = 0; i < this.schedules.length; i++) {
      const s = this.schedules[i]
      if (s.cancelled) {
        this.schedules.splice(i--, 1)
        continue
      }
      if (s.next <= now && (best === undefined || s.next < best.next)) best = s
    }
    if (best) {
      let next = best.next + best.interval
      if (now >= next) next = best.next + (Math.floor((now - best.next) / best.interval) + 1) * best.interval
      best.next = next
    }
    return best
  }
}
