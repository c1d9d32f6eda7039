import { DeserializationError } from '../serdes/serde-errors.js'
import type { PartitionQueue } from './partition-queue.js'
import { NO_HEADERS } from './record-context-scope.js'
import type { DeserializationHandler, RawRecord } from './task-types.js'
import { TopologyError } from './topology-error.js'

/**
 * Deserializes the head of a partition's queue and extracts its timestamp (Kafka Streams'
 * RecordDeserializer and the timestamp step of RecordQueue), so the head can take part in
 * choosing the next record. Records the deserialization handler drops, or whose extracted
 * timestamp is invalid, are skipped here.
 */
export class HeadDeserializer {
  constructor(
    private readonly taskId: string,
    private readonly handler: DeserializationHandler | undefined,
    private readonly warn: (message: string) => void,
  ) {}

  /** Prepares the head of `q`; leaves `q.prepared` false when the queue ran empty. */
  prepare(q: PartitionQueue): void | Promise<void> {
    for (;;) {
      const raw = q.peekRaw()
      if (!raw) return
      let key: unknown
      let value: unknown
      let part: 'key' | 'value' = 'key'
      try {
        key = q.keySerde.deserialize(q.topic, raw.key)
        part = 'value'
        value = q.valueSerde.deserialize(q.topic, raw.value)
      } catch (err) {
        if (this.failed(q, raw, part, err)) continue
        return
      }
      if (key instanceof Promise || value instanceof Promise) {
        return Promise.all([key, value]).then(
          ([k, v]) => {
            this.finish(q, raw, k, v)
          },
          (err: unknown) => {
            // which part failed is unknown once both are in flight; name the value unless the key alone was async
            const failedPart = key instanceof Promise && !(value instanceof Promise) ? 'key' : 'value'
            if (this.failed(q, raw, failedPart, err)) return this.prepare(q)
          },
        )
      }
      if (this.finish(q, raw, key, value)) return
    }
  }

  /** Returns true when the head is ready, false when it was dropped. */
  private finish(q: PartitionQueue, raw: RawRecord, key: unknown, value: unknown): boolean {
    let timestamp = raw.timestamp
    const extractor = q.source.timestampExtractor
    if (extractor) {
      timestamp = extractor({ topic: q.topic, partition: q.partition, offset: raw.offset, key, value, timestamp: raw.timestamp }, q.partitionTime)
      if (!Number.isFinite(timestamp) || timestamp < 0) {
        this.warn(`task ${this.taskId}: skipping the record at ${q.topic}-${q.partition} offset ${raw.offset}: the timestamp extractor returned ${timestamp}`)
        q.poll()
        return false
      }
    } else if (!(timestamp >= 0)) {
      throw new TopologyError(
        `task ${this.taskId}: the record at ${q.topic}-${q.partition} offset ${raw.offset} has an invalid timestamp ${timestamp}; use a timestamp extractor that handles it`,
      )
    }
    q.prepared = true
    q.headKey = key
    q.headValue = value
    q.headTimestamp = timestamp
    q.headHeaders = raw.headers ?? NO_HEADERS
    return true
  }

  /** Returns true when the record was skipped and the next one should be tried. */
  private failed(q: PartitionQueue, raw: RawRecord, part: 'key' | 'value', err: unknown): boolean {
    const error = err instanceof DeserializationError ? err : new DeserializationError(q.topic, q.partition, raw.offset, part, err)
    const response = this.handler ? this.handler(error, { ...raw, topic: q.topic, partition: q.partition }) : 'FAIL'
    if (response === 'CONTINUE') {
      this.warn(`task ${this.taskId}: skipping a record: ${error.message}`)
      q.poll()
      return true
    }
    throw error
  }
}
