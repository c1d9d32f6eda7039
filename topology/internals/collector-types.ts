import type { ChangelogRecord, Headers, RecordContext } from '../../stores/state-store.js'
import type { StreamPartitioner } from '../options/produced.js'
import type { AnySerde } from '../serdes/serde.js'
import type { SerializationError } from '../serdes/serde-errors.js'

/** A record on its way to a topic, as bytes. Partition -1 leaves the producer's default partitioner (murmur2 of the key). */
export interface ProducedRecord {
  key: Buffer | null
  value: Buffer | null
  timestamp: number
  headers?: Headers
  partition: number
  /** Where the record came from, kept (by reference) only when a dead-letter queue is configured. */
  context?: RecordContext
}

/** The broker's answer for one partition of a send: the offset of its first record. */
export interface ProducedAck {
  topic: string
  partition: number
  baseOffset: number
}

/**
 * What the record collector needs of a producer: the runtime's client producers satisfy it, the
 * test driver plugs in an in-memory one. `sendBatch` resolves once every record is acknowledged.
 */
export interface CollectorProducer {
  /**
   * Sends begun one after another reach each partition in that order, whatever becomes of the
   * earlier ones (kstreams' own producer: one queue per partition, one batch in flight). The
   * collector then starts each send at once instead of after the previous send's acks.
   */
  readonly keepsSendOrder?: boolean
  sendBatch(batches: readonly { topic: string; records: readonly ProducedRecord[] }[], transactional: boolean): Promise<ProducedAck[]>
  inTransaction(): boolean
  beginTransaction(): Promise<void>
}

export type ProductionResponse = 'CONTINUE' | 'FAIL'

/** A record the handler routes to a dead-letter topic instead of the one it could not reach. */
export interface DeadLetter {
  topic: string
  record: ChangelogRecord
}

/**
 * The production exception handler, as the collector asks it (the runtime injects its router,
 * the test driver its own from its options).
 */
export interface ProductionErrorHandler {
  /** A `{ deadLetterTopic }` handler writes its own dead-letter records: the dead-letter queue is not written for its errors. */
  readonly writesDeadLetters?: boolean
  /** Whether a failed send may be the records' fault; if not, the handler is not asked and the task restarts from its last commit. */
  isRecordFault(error: Error): boolean
  /** Records whose send failed: 'CONTINUE' drops them (or sends them to a dead-letter topic), 'FAIL' fails the task. */
  handle(topic: string, records: readonly ProducedRecord[], error: Error): Promise<ProductionResponse>
  /**
   * A record a sink could not serialize (Kafka's handleSerializationException). Synchronous: it
   * runs inside processing. `key` is the key's bytes when only the value failed.
   */
  handleSerializationError(topic: string, key: Buffer | null, timestamp: number, error: SerializationError): ProductionResponse | DeadLetter
}

/** What a sink hands the collector with each record: fixed per sink, so no record allocates it. */
export interface SinkSerialization {
  readonly sinkName: string
  readonly keySerde: AnySerde<unknown>
  readonly valueSerde: AnySerde<unknown>
  /** Whether the sink fell back to the default serdes (named in the error's hint). */
  readonly usesDefaultSerdes: boolean
  readonly partitioner: StreamPartitioner<any, any> | null
  /** Partition count of a topic; undefined leaves the producer's default partitioner. */
  readonly partitionCount: (topic: string) => number | undefined
}
