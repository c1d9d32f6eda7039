import type { RecordContext } from '../../stores/state-store.js'
import type { Record } from '../processor/record.js'
import { isJudged, toError, type ProcessingErrorHandler } from './processing-errors.js'
import type { ProcessorNode } from './processor-node.js'
import type { RecordContextScope } from './record-context-scope.js'
import { SinkProcessor } from './sink-processor.js'

/**
 * Runs a node on a record under its record context, and sends what processors and punctuators
 * throw to the processing exception handler when one is configured. Promises of async nodes are
 * kept until the task settles them between records.
 */
export class RecordDelivery {
  /** Promises of records still running; the task settles them before the next record. */
  pending: Promise<unknown>[] = []

  constructor(
    /** Which record context is current; the context itself travels with each delivered record. */
    readonly scope: RecordContextScope,
    /** Null unless configured: the catch path then costs nothing. */
    private readonly processingErrors: ProcessingErrorHandler | null,
  ) {}

  get handlesErrors(): boolean {
    return this.processingErrors !== null
  }

  deliver(node: ProcessorNode, record: Record<unknown, unknown>, context: RecordContext): void | Promise<void> {
    if (this.processingErrors !== null) return this.deliverHandled(node, record, context)
    const r = this.scope.run(context, processRecord, node, record)
    if (r instanceof Promise) {
      this.pending.push(r)
      return r
    }
  }

  /**
   * As Kafka Streams' ProcessorNode.process: an error of this node's processor goes to the
   * processing exception handler here, at the innermost node, so on 'CONTINUE' the parent goes on
   * forwarding to its other children; an error already decided on passes through.
   */
  private deliverHandled(node: ProcessorNode, record: Record<unknown, unknown>, context: RecordContext): void | Promise<void> {
    let r: void | Promise<void>
    try {
      r = this.scope.run(context, processRecord, node, record)
    } catch (err) {
      return this.failed(err, node, record, context)
    }
    if (r instanceof Promise) {
      const handled = r.then(undefined, (err: unknown) => this.failed(err, node, record, context))
      this.pending.push(handled)
      return handled
    }
  }

  /** See TaskRuntime.handleUserError. */
  handleUserError(nodeName: string, record: Record<unknown, unknown>, context: RecordContext, error: unknown): boolean {
    if (this.processingErrors === null) return false
    if (isJudged(error)) throw error
    this.processingErrors(toError(error), nodeName, record, context)
    return true
  }

  /** Hands an error of `node` (a punctuator's when `record` is null) to the handler; throws on FAIL. */
  failed(err: unknown, node: ProcessorNode, record: Record<unknown, unknown> | null, context: RecordContext): void {
    // a sink's own errors are its parent's, as Kafka's SinkNode does not catch
    if (isJudged(err) || node.processor instanceof SinkProcessor) throw err
    this.processingErrors!(toError(err), node.name, record, context)
  }

  async settlePending(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending
      this.pending = []
      await Promise.all(batch)
    }
  }
}

function processRecord(node: ProcessorNode, record: Record<unknown, unknown>): void | Promise<void> {
  return node.processor.process(record)
}
