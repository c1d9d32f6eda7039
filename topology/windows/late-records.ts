import type { ProcessorContext } from '../processor/processor.js'
import type { Record } from '../processor/record.js'
import type { LateRecordInfo } from './aggregate-output.js'

/** What the runtime learns about each late record: which operator dropped it, and why. */
export interface LateRecordEvent extends LateRecordInfo {
  taskId: string
  processorName: string
  storeName: string
  topic: string
  partition: number
  offset: number
}

/**
 * An executor that counts late records exposes this on its ProcessorContext; windowed
 * aggregations and suppression report every record they drop as late through it.
 */
export interface LateRecordReporter {
  reportLateRecord(event: LateRecordEvent): void
}

function hasReporter(ctx: object): ctx is LateRecordReporter {
  return typeof (ctx as Partial<LateRecordReporter>).reportLateRecord === 'function'
}

/**
 * Counts a late record (per processor, readable by the runtime through `lateRecordCount`),
 * tells the executor when it listens, and forwards the record unchanged to the late-records
 * branch when the topology has one.
 */
export class LateRecordHandler {
  private count = 0

  constructor(
    private readonly processorName: string,
    private readonly storeName: string,
    private readonly lateChild: string | null,
  ) {}

  get lateRecordCount(): number {
    return this.count
  }

  handle(ctx: ProcessorContext<any, any>, record: Record<unknown, unknown>, info: LateRecordInfo): void {
    this.count++
    if (hasReporter(ctx)) {
      const rc = ctx.recordContext()
      ctx.reportLateRecord({
        ...info,
        taskId: ctx.taskId,
        processorName: this.processorName,
        storeName: this.storeName,
        topic: rc.topic,
        partition: rc.partition,
        offset: rc.offset,
      })
    }
    if (this.lateChild !== null) ctx.forward(record, this.lateChild)
  }
}
