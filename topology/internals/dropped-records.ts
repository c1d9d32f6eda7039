import type { ProcessorContext } from '../processor/processor.js'
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
