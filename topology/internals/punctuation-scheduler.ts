import type { Cancellable, PunctuationType, Punctuator } from '../processor/processor.js'
import type { ProcessorNode } from './processor-node.js'
import { PunctuationQueue } from './punctuation-queue.js'
import { NO_HEADERS, type SourceRecordContext } from './record-context-scope.js'
import type { RecordDelivery } from './record-delivery.js'

/** A task's punctuation schedules, stream-time and wall-clock, and firing the due ones. */
export class PunctuationScheduler {
  private readonly streamTime = new PunctuationQueue()
  private readonly wallClock = new PunctuationQueue()

  constructor(
    private readonly delivery: RecordDelivery,
    private readonly now: () => number,
  ) {}

  schedule(node: ProcessorNode, intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable {
    if (!Number.isFinite(intervalMs) || intervalMs < 1) {
      throw new RangeError(`Processor ${node.name}: the punctuation interval must be at least 1 ms, got ${intervalMs}`)
    }
    if (typeof punctuator !== 'function') throw new TypeError(`Processor ${node.name}: the punctuator must be a function`)
    if (type === 'STREAM_TIME') return this.streamTime.add(node, type, intervalMs, 0, punctuator)
    if (type === 'WALL_CLOCK_TIME') return this.wallClock.add(node, type, intervalMs, this.now() + intervalMs, punctuator)
    throw new TypeError(`Processor ${node.name}: unknown punctuation type ${String(type)}; use 'STREAM_TIME' or 'WALL_CLOCK_TIME'`)
  }

  /** Checked synchronously after each record: a schedule that is not due costs no promise hop. */
  streamTimeDue(streamTime: number): boolean {
    return this.streamTime.size > 0 && this.streamTime.hasDue(streamTime)
  }

  async punctuateStreamTime(streamTime: number): Promise<number> {
    if (streamTime < 0) return 0
    return this.run(this.streamTime, streamTime)
  }

  punctuateWallClock(wallClockMs: number): Promise<number> {
    return this.run(this.wallClock, wallClockMs)
  }

  private async run(queue: PunctuationQueue, time: number): Promise<number> {
    const delivery = this.delivery
    const scope = delivery.scope
    let fired = 0
    for (let s = queue.nextDue(time); s; s = queue.nextDue(time)) {
      // Kafka Streams: a punctuation's context has its time and no topic, offset or headers
      const context: SourceRecordContext = { topic: '', partition: -1, offset: -1, timestamp: time, headers: NO_HEADERS, source: null }
      scope.enter(context)
      if (!delivery.handlesErrors) {
        const r = scope.run(context, s.punctuator, time, undefined)
        if (r instanceof Promise) await r
      } else {
        // Kafka Streams 4.x hands a punctuator's errors to the processing handler too (no record)
        try {
          const r = scope.run(context, s.punctuator, time, undefined)
          if (r instanceof Promise) await r
        } catch (err) {
          delivery.failed(err, s.node, null, context)
        }
      }
      if (delivery.pending.length > 0) await delivery.settlePending()
      fired++
    }
    return fired
  }
}
