import type { Headers } from '../../stores/state-store.js'

/** A record the topology wrote, as bytes, in the order it was sent. */
export interface CapturedRecord {
  topic: string
  partition: number
  key: Buffer | null
  value: Buffer | null
  timestamp: number
  headers: Headers
}

/** A record read from a TestOutputTopic. */
export interface TestRecord<K, V> {
  key: K
  value: V
  timestamp: number
  headers: Headers
}
