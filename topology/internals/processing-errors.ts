import type { Headers, RecordCollector, RecordContext } from '../../stores/state-store.js'
import type { Record } from '../processor/record.js'
import { deadLetterQueueRecord, sendDeadLetter } from './dead-letter-queue.js'
import { sourceOf } from './record-context-scope.js'

export type ProcessingHandlerResponse = 'CONTINUE' | 'FAIL'

/**
 * What a processing exception handler is told (Kafka Streams' ErrorHandlerContext and the record
 * that failed). In a punctuation there is no record: topic is null, partition and offset -1.
 */
export interface ProcessingErrorContext {
  topic: string | null
  partition: number
  offset: number
  /** The processor (or punctuator's processor) that threw. */
  processorNodeId: string
  taskId: string
  timestamp: number
  headers: Headers
  /** The key and value of the record as it reached the failing processor (null in a punctuation). */
  key: unknown
  value: unknown
  record: Record<unknown, unknown> | null
  /** The source record's bytes as read from its topic (null in a punctuation or a cache flush). */
  sourceRawKey: Buffer | null
  sourceRawValue: Buffer | null
}

/** Kafka Streams' processing.exception.handler (KIP-1033). */
export type ProcessingExceptionHandler =
  | 'logAndFail'
  | 'logAndContinue'
  | ((error: Error, context: ProcessingErrorContext) => ProcessingHandlerResponse)

/** pino-shaped: the runtime's Logger fits. */
export interface ErrorLog {
  warn(fields: object, message: string): void
  error(fields: object, message: string): void
}

export interface ProcessingErrorsOptions {
  handler: ProcessingExceptionHandler
  /** Kafka Streams' errors.dead.letter.queue.topic.name: every handled record also goes there. */
  deadLetterQueueTopic?: string | null
  log?: ErrorLog
  /** Counts a record the handler let the task skip. */
  onDropped?: () => void
}

/** What a task asks when a processor or punctuator of `node` threw; throws to fail the task. */
export type ProcessingErrorHandler = (error: Error, node: string, record: Record<unknown, unknown> | null, context: RecordContext) => void

/** The handler itself threw (Kafka's "Fatal user code error in processing error callback"): the task fails with it. */
export class FailedProcessingError extends Error {
  override readonly name = 'FailedProcessingError'
  constructor(
    readonly processorNodeId: string,
    cause: unknown,
  ) {
    super(`the processingExceptionHandler threw while handling an error of processor ${processorNodeId}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause })
  }
}

/**
 * Errors a handler already decided on: the production exception handler's failures, and a
 * processor's error the processing handler chose to fail on. Enclosing nodes pass them on
 * instead of asking again (Kafka rethrows FailedProcessingException unhandled).
 */
const judged = new WeakSet<object>()

export function markJudged(error: unknown): void {
  if (typeof error === 'object' && error !== null) judged.add(error)
}

export function isJudged(error: unknown): boolean {
  return typeof error === 'object' && error !== null && judged.has(error)
}

export function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err))
}

const SILENT: ErrorLog = { warn() {}, error() {} }

/**
 * Kafka Streams' catch path of ProcessorNode.process and StreamTask.punctuate: asks the handler,
 * sends the dead-letter record when a topic is set (whatever the answer, as Kafka's built-in
 * handlers do), and fails the task on 'FAIL' with the processor's own error.
 */
export function processingHandlerFor(options: ProcessingErrorsOptions, taskId: string, collector: RecordCollector): ProcessingErrorHandler {
  const { handler, onDropped } = options
  const dlq = options.deadLetterQueueTopic ?? null
  const log = options.log ?? SILENT
  return (error, node, record, context) => {
    const source = sourceOf(context)
    const topic = context.topic === '' ? null : context.topic
    const where = { processorNodeId: node, taskId, topic, partition: context.partition, offset: context.offset }
    let response: unknown
    if (handler === 'logAndFail' || handler === 'logAndContinue') {
      const message =
        `Exception caught during message processing, processor node: ${node}, taskId: ${taskId}, ` +
        `source topic: ${topic}, source partition: ${context.partition}, source offset: ${context.offset}`
      if (handler === 'logAndFail') log.error({ ...where, err: error }, message)
      else log.warn({ ...where, err: error }, message)
      response = handler === 'logAndFail' ? 'FAIL' : 'CONTINUE'
    } else {
      try {
        response = handler(error, {
          topic,
          partition: context.partition,
          offset: context.offset,
          processorNodeId: node,
          taskId,
          timestamp: context.timestamp,
          headers: context.headers,
          key: record === null ? null : record.key,
          value: record === null ? null : record.value,
          record,
          sourceRawKey: source?.key ?? null,
          sourceRawValue: source?.value ?? null,
        })
      } catch (handlerError) {
        log.error({ ...where, err: error }, `Processing error callback failed after processing error for record of processor ${node}`)
        const failed = new FailedProcessingError(node, handlerError)
        markJudged(failed)
        throw failed
      }
      if (response !== 'CONTINUE' && response !== 'FAIL') {
        const failed = new FailedProcessingError(node, new TypeError(`the processingExceptionHandler returned ${JSON.stringify(response)}; expected 'CONTINUE' or 'FAIL'`))
        markJudged(failed)
        throw failed
      }
    }
    const fail = response === 'FAIL'
    if (dlq !== null) {
      const origin = { topic, partition: context.partition, offset: context.offset, timestamp: context.timestamp }
      sendDeadLetter(collector, dlq, deadLetterQueueRecord(error, origin, source?.key ?? null, source?.value ?? null), fail)
    }
    if (fail) {
      log.error(where, 'Processing exception handler is set to fail upon a processing error. If you would rather have the streaming pipeline continue after a processing error, set processingExceptionHandler appropriately.')
      markJudged(error)
      throw error
    }
    onDropped?.()
  }
}
