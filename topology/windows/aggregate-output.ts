import type { Windowed } from './window.js'

/**
 * Where a windowed aggregation sends its results. `oldValue` is the window's previous aggregate
 * (null for a new window, or when old values are not needed); a null `newValue` deletes the window
 * (session merges). Called once for every put and removal of a window in the store (emit-on-window-
 * close tracks the windows written from it). `late` is called once for each record dropped because a window it belongs to
 * had closed.
 */
export interface WindowAggregateOutput<K, VA> {
  forward(key: Windowed<K>, newValue: VA | null, oldValue: VA | null, timestamp: number): void | Promise<void>
  late(reason: LateRecordInfo): void | Promise<void>
}

export interface LateRecordInfo {
  timestamp: number
  streamTime: number
  /** Windows that had closed (start, end) for the record. */
  closedWindows: { start: number; end: number }[]
}

/** Kafka Streams' NO_TIMESTAMP: stream time before any record. */
export const NO_TIMESTAMP = -1
