import type { InternalProcessorContext } from '../internals/processor-node.js'
import type { ProcessorContext } from '../processor/processor.js'
import type { Record } from '../processor/record.js'
import type { LateRecordInfo } from './aggregate-output.js'

/**
 * Counts the late records of one windowed processor (readable as `lateRecordCount`), reports each to
 * the task (StreamTask.reportLateRecord, which calls the runtime's `onLateRecord`), and forwards it
 * unchanged to the late-records branch when the topology has one.
 */
export class LateRecordHandler {
  private count = 0
  /** Diagnostics: stream time and closed windows of the most recent late record. */
  lastLate: LateRecordInfo | null = null

  constructor(private readonly lateChild: string | null) {}

  get lateRecordCount(): number {
    return this.count
  }

  handle(ctx: ProcessorContext<any, any>, record: Record<unknown, unknown>, info: LateRecordInfo): void | Promise<void> {
    this.count++
    this.lastLate = info
    const internal = ctx as Partial<InternalProcessorContext>
    const task = internal.task as { reportLateRecord?: (processor: string, record: Record<unknown, unknown>) => void } | undefined
    task?.reportLateRecord?.(internal.nodeName ?? '', record)
    if (this.lateChild !== null) return (ctx as InternalProcessorContext).forward(record, this.lateChild)
  }
}
