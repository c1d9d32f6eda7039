import type { RecordContext, StateStore } from '../../../stores/state-store.js'
import type { InternalProcessorContext, TaskRuntime } from '../../internals/processor-node.js'
import { FixedKeyRecord, type FixedKeyProcessor, type FixedKeyProcessorContext } from '../../processor/fixed-key.js'
import type { Cancellable, Processor, ProcessorContext, PunctuationType, Punctuator } from '../../processor/processor.js'
import type { Record } from '../../processor/record.js'

/** The context a FixedKeyProcessor sees: forwards only FixedKeyRecords, so keys stay as they came. */
class FixedKeyContext<K, V> implements FixedKeyProcessorContext<K, V> {
  constructor(private readonly ctx: InternalProcessorContext<K, V>) {}

  get applicationId(): string {
    return this.ctx.applicationId
  }
  get taskId(): string {
    return this.ctx.taskId
  }
  get partition(): number {
    return this.ctx.partition
  }
  /** The runtime's handles, so internal helpers work on this context too. */
  get task(): TaskRuntime {
    return this.ctx.task
  }
  get nodeName(): string {
    return this.ctx.nodeName
  }

  forward(record: FixedKeyRecord<K, V>, childName?: string): void | Promise<void> {
    if (!(record instanceof FixedKeyRecord)) {
      throw new TypeError(
        `${this.ctx.nodeName}: a FixedKeyProcessor forwards records made from its input (record.withValue(...)); it cannot set keys`,
      )
    }
    return this.ctx.forward(record, childName)
  }

  getStateStore<S extends StateStore = StateStore>(name: string): S {
    return this.ctx.getStateStore<S>(name)
  }
  schedule(intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable {
    return this.ctx.schedule(intervalMs, type, punctuator)
  }
  recordContext(): RecordContext {
    return this.ctx.recordContext()
  }
  currentStreamTimeMs(): number {
    return this.ctx.currentStreamTimeMs()
  }
  currentSystemTimeMs(): number {
    return this.ctx.currentSystemTimeMs()
  }
}

/** Runs a FixedKeyProcessor as a processor node of `processValues`. */
export class FixedKeyProcessorAdapter<K, V, VOut> implements Processor<K, V, K, VOut> {
  constructor(private readonly inner: FixedKeyProcessor<K, V, VOut>) {}

  init(ctx: ProcessorContext<K, VOut>): void | Promise<void> {
    return this.inner.init?.(new FixedKeyContext(ctx as InternalProcessorContext<K, VOut>))
  }

  process(record: Record<K, V>): void | Promise<void> {
    return this.inner.process(FixedKeyRecord.of(record))
  }

  close(): void | Promise<void> {
    return this.inner.close?.()
  }
}
