import type { RecordContext, StateStore } from '../../stores/state-store.js'
import type { Cancellable, Processor, ProcessorContext, PunctuationType, Punctuator } from '../processor/processor.js'
import type { Record } from '../processor/record.js'
import { contextForChild } from './record-context-scope.js'
import { TopologyError } from './topology-error.js'

/** What a node's context needs from the task running it. */
export interface TaskRuntime {
  readonly applicationId: string
  readonly id: string
  readonly partition: number
  /**
   * Runs `node` on `record` with `context` as its record context, for the whole call, awaits
   * included; a returned promise is also tracked until the record completes.
   */
  deliver(node: ProcessorNode, record: Record<unknown, unknown>, context: RecordContext): void | Promise<void>
  store(node: ProcessorNode, name: string): StateStore
  schedule(node: ProcessorNode, intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable
  /** The record context of the code running now (see RecordContextScope). */
  recordContext(): RecordContext
  streamTime(): number
  wallClockTime(): number
  /** Defers work (async results) to the next safe point between records; see StreamTask. */
  defer(work: () => void | Promise<void>): void
  /** Registers work that commit must await before returning offsets. */
  trackInFlight(promise: Promise<unknown>): void
  /**
   * User code of `nodeName` failed outside the node's own call (an async mapper's result, met
   * later): asks the processing exception handler. Returns true when the record is to be
   * skipped, false when no handler is configured (the caller fails as it would); throws on FAIL.
   */
  handleUserError(nodeName: string, record: Record<unknown, unknown>, context: RecordContext, error: unknown): boolean
}

/**
 * The internal view of a context: `forward` returns the children's promise when one is async,
 * and takes the record context to forward under when it is not the current one (a flushed cache
 * entry's, an async result's).
 */
export interface InternalProcessorContext<KOut = unknown, VOut = unknown> extends ProcessorContext<KOut, VOut> {
  forward(record: Record<KOut, VOut>, childName?: string, context?: RecordContext): void | Promise<void>
  readonly task: TaskRuntime
  readonly nodeName: string
}

/** A processor instance in a running task, with its children in the order they were added. */
export class ProcessorNode {
  readonly children: ProcessorNode[] = []
  readonly childByName = new Map<string, ProcessorNode>()
  context!: NodeContext

  constructor(
    readonly name: string,
    readonly processor: Processor<any, any, any, any>,
    readonly storeNames: ReadonlySet<string>,
  ) {}

  addChild(child: ProcessorNode): void {
    this.children.push(child)
    this.childByName.set(child.name, child)
  }
}

export class NodeContext implements InternalProcessorContext<any, any> {
  constructor(
    readonly task: TaskRuntime,
    private readonly node: ProcessorNode,
  ) {}

  get applicationId(): string {
    return this.task.applicationId
  }
  get taskId(): string {
    return this.task.id
  }
  get partition(): number {
    return this.task.partition
  }
  get nodeName(): string {
    return this.node.name
  }

  forward(record: Record<any, any>, childName?: string, context?: RecordContext): void | Promise<void> {
    const node = this.node
    const rc = contextForChild(context ?? this.task.recordContext(), record)
    if (childName !== undefined) {
      const child = node.childByName.get(childName)
      if (!child) throw new TopologyError(`Processor ${node.name} has no child named ${childName}`)
      return this.task.deliver(child, record, rc)
    }
    const children = node.children
    const n = children.length
    if (n === 1) return this.task.deliver(children[0], record, rc)
    for (let i = 0; i < n; i++) {
      const r = this.task.deliver(children[i], record, rc)
      if (r instanceof Promise) return this.forwardFrom(r, record, rc, i + 1)
    }
  }

  /** Keeps children in order once one of them went async. */
  private async forwardFrom(previous: Promise<void>, record: Record<any, any>, rc: RecordContext, from: number): Promise<void> {
    await previous
    const children = this.node.children
    for (let i = from; i < children.length; i++) {
      const r = this.task.deliver(children[i], record, rc)
      if (r instanceof Promise) await r
    }
  }

  getStateStore<S extends StateStore = StateStore>(name: string): S {
    return this.task.store(this.node, name) as S
  }

  schedule(intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable {
    return this.task.schedule(this.node, intervalMs, type, punctuator)
  }

  recordContext(): RecordContext {
    return this.task.recordContext()
  }

  currentStreamTimeMs(): number {
    return this.task.streamTime()
  }

  currentSystemTimeMs(): number {
    return this.task.wallClockTime()
  }
}
