import { isCachedStateStore } from '../../stores/cached-state-store.js'
import type { ValueAndTimestamp } from '../../stores/key-value.js'
import type { StateStore } from '../../stores/state-store.js'
import type { InternalProcessorContext } from '../internals/processor-node.js'
import type { Processor, ProcessorContext } from '../processor/processor.js'
import type { Record } from '../processor/record.js'
import type { WindowAggregateOutput } from './aggregate-output.js'
import { WindowCloseEmitter, type ClosedWindowReader, type FinalResult } from './emit-final.js'
import { LateRecordHandler } from './late-records.js'
import { isPromise, type KeyValueStoreView } from './store-views.js'
import type { TableChange } from './table-change.js'
import type { Windowed } from './window.js'

/** One of the aggregation cores (time, sliding, session) bound to its store and output. */
export interface WindowAggregatorCore<K, V> {
  /** The largest timestamp seen; seeded at init with the task's (restored) stream time. */
  streamTime: number
  process(key: K, value: V, timestamp: number): void | Promise<void>
}

export interface WindowedAggregateOptions<K, V, VA> {
  storeName: string
  makeCore(store: any, out: WindowAggregateOutput<K, VA>): WindowAggregatorCore<K, V>
  /** Time and sliding windows store ValueAndTimestamp; session stores hold the plain aggregate. */
  timestampedStore: boolean
  /** Records with a null value are skipped (sliding windows, reduce) rather than aggregated. */
  skipNullValues: boolean
  /** Read at init: downstream operators (suppress, table joins) may ask for old values after the node is built. */
  sendOldValues: () => boolean
  /** With a late-records branch, updates go to this child only and late records to `lateChild`. */
  resultChild: string | null
  lateChild: string | null
  /** With EmitStrategy.onWindowClose(): updates are not forwarded, closed windows are, once. */
  emitFinal?: EmitFinalOptions<K, VA> | null
}

export interface EmitFinalOptions<K, VA> {
  reader: ClosedWindowReader<K, VA>
  /** The key-value store keeping the last emitted close time (emitFinalStoreName). */
  metaStoreName: string
}

/**
 * The processor of every windowed aggregation. It forwards `Windowed<K>` keys with Change values,
 * directly, or from the store's cache flush when the store caches (deduplicated per window).
 */
export class WindowedAggregateProcessor<K, V, VA> implements Processor<K, V, Windowed<K>, TableChange<VA>> {
  private ctx!: InternalProcessorContext<Windowed<K>, TableChange<VA>>
  private core!: WindowAggregatorCore<K, V>
  private current: Record<K, V> | null = null
  private sendOld = false
  private forwardsOnFlush = false
  private emitter: WindowCloseEmitter<K, VA> | null = null
  private forwardFinal!: (result: FinalResult<K, VA>) => void | Promise<void>
  readonly late: LateRecordHandler

  constructor(private readonly opts: WindowedAggregateOptions<K, V, VA>) {
    this.late = new LateRecordHandler(opts.lateChild)
  }

  init(context: ProcessorContext<Windowed<K>, TableChange<VA>>): void {
    const ctx = context as InternalProcessorContext<Windowed<K>, TableChange<VA>>
    this.ctx = ctx
    this.sendOld = this.opts.sendOldValues()
    const child = this.opts.resultChild ?? undefined
    const store = ctx.getStateStore<StateStore>(this.opts.storeName)
    const emitFinal = this.opts.emitFinal ?? null
    if (emitFinal !== null) {
      const meta = ctx.getStateStore<StateStore>(emitFinal.metaStoreName) as unknown as KeyValueStoreView<string, number>
      this.emitter = new WindowCloseEmitter(emitFinal.reader, store, meta, this.opts.storeName)
      // final results carry the current record's context and headers (as Kafka Streams); no old value
      this.forwardFinal = (r) => ctx.forward({ key: r.key, value: { newValue: r.value, oldValue: null }, timestamp: r.timestamp, headers: this.current!.headers }, child)
    } else if (isCachedStateStore(store)) {
      const timestamped = this.opts.timestampedStore
      const unwrap = (v: unknown): VA | null => (v === null ? null : timestamped ? (v as ValueAndTimestamp<VA>).value : (v as VA))
      this.forwardsOnFlush = store.setFlushListener((k, newValue, oldValue, rc) => {
        const key = k as Windowed<K>
        // Time windows carry the max record timestamp of the window; sessions their end (as Kafka Streams).
        const timestamp = !timestamped ? key.window.end : newValue === null ? rc.timestamp : (newValue as ValueAndTimestamp<VA>).timestamp
        const value = { newValue: unwrap(newValue), oldValue: this.sendOld ? unwrap(oldValue) : null }
        return ctx.forward({ key, value, timestamp, headers: rc.headers }, child, rc)
      }, this.sendOld)
    }
    const out: WindowAggregateOutput<K, VA> = {
      forward: (key, newValue, oldValue, timestamp) => {
        // every put (and session removal) of the cores comes through here: emit-final learns the window
        if (this.emitter !== null) return this.emitter.written(key.window, newValue === null)
        if (this.forwardsOnFlush) return
        const value = { newValue, oldValue: this.sendOld ? oldValue : null }
        return ctx.forward({ key, value, timestamp, headers: this.current!.headers }, child)
      },
      late: (info) => this.late.handle(ctx, this.current!, info),
    }
    this.core = this.opts.makeCore(store, out)
    // after a restart the task's stream time comes back from the committed offsets: windows it closed stay closed
    this.core.streamTime = Math.max(this.core.streamTime, ctx.currentStreamTimeMs())
  }

  process(record: Record<K, V>): Promise<void> | void {
    if (record.key === null || record.key === undefined) return
    if (this.opts.skipNullValues && (record.value === null || record.value === undefined)) return
    this.current = record
    const done = this.core.process(record.key, record.value, record.timestamp)
    if (this.emitter === null) return done
    if (isPromise(done)) return done.then(() => this.emitter!.maybeEmit(this.core.streamTime, this.forwardFinal))
    return this.emitter.maybeEmit(this.core.streamTime, this.forwardFinal)
  }
}
