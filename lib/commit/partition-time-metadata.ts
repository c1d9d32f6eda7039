/**
 * Kafka Streams' committed-offset metadata: the partition time (largest timestamp processed from
 * the partition) as base64 of a version byte and an 8-byte big-endian timestamp, so a restarted
 * or migrated task resumes stream time instead of starting from nothing. Version 2 (Kafka
 * Streams 3.x) appends processor metadata, which is read past and ignored.
 */
export const PARTITION_TIME_METADATA_VERSION = 1
/** No partition time known (Kafka Streams' RecordQueue.UNKNOWN). */
export const UNKNOWN_PARTITION_TIME = -1

export function encodePartitionTime(partitionTime: number): string {
  if (!Number.isSafeInteger(partitionTime)) throw new RangeError(`partition time must be an integer, got ${partitionTime}`)
  const buf = Buffer.allocUnsafe(9)
  buf.writeUInt8(PARTITION_TIME_METADATA_VERSION, 0)
  buf.writeBigInt64BE(BigInt(partitionTime), 1)
  return buf.toString('base64')
}

/** The partition time in committed metadata; UNKNOWN_PARTITION_TIME for empty, foreign or damaged metadata. */
export function decodePartitionTime(metadata: string | null | undefined, warn?: (message: string) => void): number {
  if (!metadata) return UNKNOWN_PARTITION_TIME
  const buf = Buffer.from(metadata, 'base64')
  const version = buf.length > 0 ? buf.readUInt8(0) : -1
  if ((version === 1 || version === 2) && buf.length >= 9) return Number(buf.readBigInt64BE(1))
  warn?.(`unsupported committed offset metadata (version ${version}, ${buf.length} bytes): partition time unknown`)
  return UNKNOWN_PARTITION_TIME
}
