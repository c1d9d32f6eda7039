import type { ProcessorContext } from '../processor/processor.js'
import type { Record } from '../processor/record.js'
import type { InternalProcessorContext } from './processor-node.js'

/**
 * Reports that the processor behind `ctx` skips the current record (Kafka Streams logs a warning
 * and records the task's dropped-records sensor). The task warns and calls its `onDroppedRecord`;
 * a context outside a task (a unit test's fake) ignores it.
 */
export function reportDroppedRecord(ctx: ProcessorContext<any, any>, reason: string): void {
  const internal = ctx as Partial<InternalProcessorContext>
  const task = internal.task as { reportDroppedRecord?: (processor: string, reason: string) => void } | undefined
  task?.reportDroppedRecord?.(internal.nodeName ?? '', reason)
}

/**
 * Reports a record dropped because it is late (past a window's grace or a join store's retention):
 * the task's `onLateRecord`, which the runtime and the driver count as late and dropped.
 */
export function reportLateRecord(ctx: ProcessorContext<any, any>, record: Record<unknown, unknown>): void {
  const internal = ctx as Partial<InternalProcessorContext>
  const task = internal.task as { reportLateRecord?: (processor: string, record: Record<unknown, unknown>) => void } | undefined
  task?.reportLateRecord?.(internal.nodeName ?? '', record)
}
