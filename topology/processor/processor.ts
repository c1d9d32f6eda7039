import type { RecordContext, StateStore } from '../../stores/state-store.js'
import type { Record } from './record.js'

export type PunctuationType = 'STREAM_TIME' | 'WALL_CLOCK_TIME'

/** Called with the stream time (STREAM_TIME) or the wall-clock time (WALL_CLOCK_TIME). */
export type Punctuator = (timestamp: number) => void | Promise<void>

export interface Cancellable {
  cancel(): void
}

export interface ProcessorContext<KOut = unknown, VOut = unknown> {
  readonly applicationId: string
  /** "<subtopology>_<partition>" */
  readonly taskId: string
  readonly partition: number
  /**
   * Sends a record to every child, or to the named child only. Children that return a promise
   * are awaited by the task before the next input record, in forward order.
   */
  forward(record: Record<KOut, VOut>, childName?: string): void
  /** The store (outermost, typed layer) connected to this processor. */
  getStateStore<S extends StateStore = StateStore>(name: string): S
  /**
   * STREAM_TIME: fires when stream time advances to the next multiple of the interval (aligned
   * to 0), at most once per advance. WALL_CLOCK_TIME: every interval of wall-clock time.
   */
  schedule(intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable
  /** The context of the record being processed (topic, partition, offset, timestamp, headers). */
  recordContext(): RecordContext
  currentStreamTimeMs(): number
  currentSystemTimeMs(): number
}

export interface Processor<KIn = unknown, VIn = unknown, KOut = unknown, VOut = unknown> {
  init?(ctx: ProcessorContext<KOut, VOut>): void | Promise<void>
  process(record: Record<KIn, VIn>): void | Promise<void>
  close?(): void | Promise<void>
}

export type ProcessorSupplier<KIn = unknown, VIn = unknown, KOut = unknown, VOut = unknown> = () => Processor<KIn, VIn, KOut, VOut>
