import type { CompressionCodec, TimestampTypeId } from './layout.js'

/** A header value to write: a string is written as UTF-8; null writes a null value; undefined is left out. */
export type HeaderValueInput = Buffer | string | null | undefined

/** Headers to write: an object (an array value writes one header per element) or an ordered list. */
export type HeadersInput =
  | Record<string, HeaderValueInput | HeaderValueInput[]>
  | ReadonlyArray<{ key: string; value: Buffer | string | null }>

export interface RecordInput {
  key: Buffer | null
  value: Buffer | null
  /** Defaults to the batch's firstTimestamp, else the time of encoding. */
  timestamp?: number
  headers?: HeadersInput
}

export interface RecordBatchInput {
  records: readonly RecordInput[]
  /** 0 from a producer; the broker assigns offsets. */
  baseOffset?: number
  /** -1 from a producer. */
  partitionLeaderEpoch?: number
  /** -1, -1, -1 unless idempotent. */
  producerId?: number
  producerEpoch?: number
  baseSequence?: number
  isTransactional?: boolean
  isControl?: boolean
  compression?: CompressionCodec
  timestampType?: TimestampTypeId
  /** Defaults to the first record's timestamp (deltas may be negative, as in Kafka). */
  firstTimestamp?: number
  /** Defaults to the largest record timestamp. */
  maxTimestamp?: number
}

export interface RecordHeader {
  key: string
  value: Buffer | null
}

/** A decoded record. key, value and header values are subarrays of the fetched (or decompressed) bytes. */
export interface KafkaRecord {
  offset: number
  timestamp: number
  key: Buffer | null
  value: Buffer | null
  /** Shared frozen empty array when the record has no headers. */
  headers: RecordHeader[]
}

/** A decoded batch: the header fields and its records. */
export interface RecordBatch {
  baseOffset: number
  /** baseOffset + lastOffsetDelta: the offset after which fetching resumes, even if records were compacted away. */
  lastOffset: number
  batchLength: number
  partitionLeaderEpoch: number
  magic: number
  crc: number
  attributes: number
  compression: CompressionCodec
  timestampType: TimestampTypeId
  isTransactional: boolean
  isControl: boolean
  lastOffsetDelta: number
  firstTimestamp: number
  maxTimestamp: number
  producerId: number
  producerEpoch: number
  baseSequence: number
  recordCount: number
  records: KafkaRecord[]
}
