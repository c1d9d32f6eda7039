import type { RecordContext } from '../../../stores/state-store.js'
import type { InternalProcessorContext } from '../../internals/processor-node.js'
import type { Processor, ProcessorContext } from '../../processor/processor.js'
import type { Record } from '../../processor/record.js'

export interface AsyncMapValuesOptions {
  /** Calls in flight at once across keys (default 4). Calls for one key always run one at a time. */
  concurrency?: number
}

interface Pending<K, V, VR> {
  record: Record<K, V>
  context: RecordContext
  done: boolean
  failed: boolean
  result: VR | undefined
  error: unknown
}

function keyIdentity(key: unknown): unknown {
  if (key === null || key === undefined || typeof key !== 'object') return key
  if (Buffer.isBuffer(key)) return `b:${key.toString('hex')}`
  return `j:${JSON.stringify(key)}`
}

/**
 * mapValuesAsync: runs an async mapper with bounded concurrency while keeping the output in
 * input order. Calls for the same key are chained, so they run in record order. Results are
 * forwarded at the task's next safe point (between records), never in the middle of another
 * record; the task's commit waits for every call in flight, so no offset commits past an
 * unfinished call. A failed call fails the task.
 */
export class AsyncMapValuesProcessor<K, V, VR> implements Processor<K, V, K, VR> {
  private ctx!: InternalProcessorContext<K, VR>
  private readonly queue: Pending<K, V, VR>[] = []
  private readonly tails = new Map<unknown, Promise<void>>()
  private readonly waiters: (() => void)[] = []
  private inFlight = 0
  private drainScheduled = false
  private readonly concurrency: number

  constructor(
    private readonly mapper: (value: V, key: K) => Promise<VR> | VR,
    options: AsyncMapValuesOptions,
    private readonly nodeName: string,
  ) {
    const c = options.concurrency ?? 4
    if (!Number.isInteger(c) || c < 1) throw new RangeError(`mapValuesAsync: concurrency must be a positive integer, got ${String(c)}`)
    this.concurrency = c
  }

  init(ctx: ProcessorContext<K, VR>): void {
    this.ctx = ctx as InternalProcessorContext<K, VR>
  }

  process(record: Record<K, V>): void | Promise<void> {
    const entry: Pending<K, V, VR> = { record, context: this.ctx.recordContext(), done: false, failed: false, result: undefined, error: undefined }
    this.queue.push(entry)
    const id = keyIdentity(record.key)
    const previous = this.tails.get(id)
    const call = (): Promise<VR> | VR => this.mapper(record.value, record.key)
    const started: Promise<VR> = previous ? previous.then(call) : Promise.resolve().then(call)
    const settled: Promise<void> = started.then(
      (result) => {
        entry.result = result
        this.settle(entry)
      },
      (error: unknown) => {
        entry.failed = true
        entry.error = error
        this.settle(entry)
      },
    )
    this.tails.set(id, settled)
    void settled.then(() => {
      if (this.tails.get(id) === settled) this.tails.delete(id)
    })
    this.ctx.task.trackInFlight(settled)
    this.inFlight++
    if (this.inFlight >= this.concurrency) return new Promise<void>((resolve) => this.waiters.push(resolve))
  }

  private settle(entry: Pending<K, V, VR>): void {
    entry.done = true
    this.inFlight--
    this.waiters.shift()?.()
    if (!this.drainScheduled) {
      this.drainScheduled = true
      this.ctx.task.defer(() => this.drain())
    }
  }

  /** Forwards finished results from the head of the queue, in input order. */
  private drain(): void | Promise<void> {
    this.drainScheduled = false
    while (this.queue.length > 0 && this.queue[0].done) {
      const entry = this.queue.shift()!
      if (entry.failed) {
        // the processing exception handler decides, as for a synchronous mapper
        if (this.ctx.task.handleUserError(this.nodeName, entry.record, entry.context, entry.error)) continue
        const cause = entry.error
        throw new Error(`${this.nodeName}: the async mapper failed for the record at ${entry.context.topic}-${entry.context.partition} offset ${entry.context.offset}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause })
      }
      const r = entry.record
      const out = this.ctx.forward({ key: r.key, value: entry.result as VR, timestamp: r.timestamp, headers: r.headers }, undefined, entry.context)
      if (out instanceof Promise) return out.then(() => this.drain())
    }
  }
}
