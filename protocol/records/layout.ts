/**
 * RecordBatch v2 (magic 2) layout. Offsets are from the batch start:
 *   0 baseOffset int64 | 8 batchLength int32 | 12 partitionLeaderEpoch int32 | 16 magic int8 | 17 crc uint32
 *   21 attributes int16 | 23 lastOffsetDelta int32 | 27 baseTimestamp int64 | 35 maxTimestamp int64
 *   43 producerId int64 | 51 producerEpoch int16 | 53 baseSequence int32 | 57 recordCount int32 | 61 records
 * batchLength counts the bytes after itself; the CRC-32C covers attributes to the end of the batch.
 * Legacy message sets (magic 0 and 1) keep their magic byte at offset 16 too, which is how they are told apart.
 */
export const LOG_OVERHEAD = 12
export const RECORD_BATCH_HEADER_SIZE = 61
export const BATCH_LENGTH_OFFSET = 8
export const PARTITION_LEADER_EPOCH_OFFSET = 12
export const MAGIC_OFFSET = 16
export const CRC_OFFSET = 17
export const ATTRIBUTES_OFFSET = 21
export const LAST_OFFSET_DELTA_OFFSET = 23
export const BASE_TIMESTAMP_OFFSET = 27
export const MAX_TIMESTAMP_OFFSET = 35
export const PRODUCER_ID_OFFSET = 43
export const PRODUCER_EPOCH_OFFSET = 51
export const BASE_SEQUENCE_OFFSET = 53
export const RECORD_COUNT_OFFSET = 57
export const CURRENT_MAGIC = 2
/** The smallest record: length, attributes, two deltas, key and value lengths and header count, one byte each. */
export const MIN_RECORD_SIZE = 7

export const COMPRESSION_MASK = 0x07
export const TIMESTAMP_TYPE_FLAG = 0x08
export const TRANSACTIONAL_FLAG = 0x10
export const CONTROL_FLAG = 0x20

/** Compression codec ids as in the batch attributes (Kafka's CompressionType). */
export const Compression = { NONE: 0, GZIP: 1, SNAPPY: 2, LZ4: 3, ZSTD: 4 } as const
export type CompressionCodec = (typeof Compression)[keyof typeof Compression]
export const COMPRESSION_NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const

/** Timestamp types: CreateTime (set by the producer) or LogAppendTime (set by the broker, batch maxTimestamp). */
export const TimestampType = { CREATE_TIME: 0, LOG_APPEND_TIME: 1 } as const
export type TimestampTypeId = (typeof TimestampType)[keyof typeof TimestampType]

/** No producer id / epoch / sequence: what a non-idempotent producer writes. */
export const NO_PRODUCER_ID = -1
export const NO_PRODUCER_EPOCH = -1
export const NO_SEQUENCE = -1
export const NO_PARTITION_LEADER_EPOCH = -1

const TWO_32 = 0x100000000

/** int64 as a JS number (offsets, timestamps and producer ids fit in 53 bits). */
export function readInt64(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos) * TWO_32 + buf.readUInt32BE(pos + 4)
}

export function writeInt64(buf: Buffer, pos: number, value: number): void {
  const hi = Math.floor(value / TWO_32)
  buf.writeInt32BE(hi, pos)
  buf.writeUInt32BE(value - hi * TWO_32, pos + 4)
}
