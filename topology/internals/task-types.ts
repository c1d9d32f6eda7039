import type { Headers, RestoreCallback } from '../../stores/state-store.js'
import type { DeserializationError } from '../serdes/serde-errors.js'

/** A record as fetched from Kafka: raw bytes and its offset. */
export interface RawRecord {
  key: Buffer | null
  value: Buffer | null
  timestamp: number
  offset: number
  headers?: Headers
}

export type DeserializationHandlerResponse = 'CONTINUE' | 'FAIL'

/**
 * Decides what happens to a record that cannot be deserialized: 'CONTINUE' skips it (its offset
 * still commits), 'FAIL' stops the task with the error (the default, as Kafka Streams).
 */
export type DeserializationHandler = (
  error: DeserializationError,
  record: RawRecord & { topic: string; partition: number },
) => DeserializationHandlerResponse

/** What the runtime must replay into a store before the task processes anything. */
export interface ChangelogToRestore {
  storeName: string
  topic: string
  /** -1 for a global store: every partition of its source topic */
  partition: number
  /** The next changelog offset to read (from the checkpoint); null restores from the beginning. */
  offset: number | null
  /** Whether the store keeps its data on disk (only those are checkpointed). */
  persistent: boolean
  restore: RestoreCallback
}

export interface CommittableOffset {
  topic: string
  partition: number
  /** The next offset to consume (last processed + 1). */
  offset: number
  /** Largest timestamp processed from the partition (-1 if none): committed as offset metadata. */
  partitionTime: number
}
