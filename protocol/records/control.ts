/**
 * Control records: the records of a control batch. Their key is (version int16, type int16); a
 * transaction marker (ABORT or COMMIT) has the value of Kafka's EndTransactionMarker,
 * (version int16 = 0, coordinatorEpoch int32).
 */
import { encodeRecordBatch } from './encode.js'
import { NO_SEQUENCE } from './layout.js'
import type { KafkaRecord } from './types.js'

/** Kafka's ControlRecordType ids (the ones past COMMIT belong to KRaft's metadata log). */
export const ControlRecordType = {
  ABORT: 0, COMMIT: 1, LEADER_CHANGE: 2, SNAPSHOT_HEADER: 3, SNAPSHOT_FOOTER: 4, KRAFT_VERSION: 5, KRAFT_VOTERS: 6,
} as const

/** The key of a control record of the given type (version 0). */
export function encodeControlRecordKey(type: number): Buffer {
  const b = Buffer.allocUnsafe(4)
  b.writeInt16BE(0, 0)
  b.writeInt16BE(type, 2)
  return b
}

/** The value of a transaction marker (version 0). */
export function encodeEndTxnMarkerValue(coordinatorEpoch: number): Buffer {
  const b = Buffer.allocUnsafe(6)
  b.writeInt16BE(0, 0)
  b.writeInt32BE(coordinatorEpoch, 2)
  return b
}

/** The control type of a control record's key, or -1 when the key is not a control key. */
export function controlRecordTypeOf(record: Pick<KafkaRecord, 'key'>): number {
  const key = record.key
  if (key === null || key.length < 4) return -1
  return key.readInt16BE(2)
}

export interface EndTxnMarker {
  commit: boolean
  coordinatorEpoch: number
}

/** Reads a transaction marker record; null if the record is not one (another control type or a short value). */
export function readEndTxnMarker(record: Pick<KafkaRecord, 'key' | 'value'>): EndTxnMarker | null {
  const type = controlRecordTypeOf(record)
  if (type !== ControlRecordType.ABORT && type !== ControlRecordType.COMMIT) return null
  const value = record.value
  if (value === null || value.length < 6) return null
  return { commit: type === ControlRecordType.COMMIT, coordinatorEpoch: value.readInt32BE(2) }
}

export interface EndTxnMarkerBatchInput {
  baseOffset: number
  producerId: number
  producerEpoch: number
  commit: boolean
  coordinatorEpoch: number
  timestamp: number
  partitionLeaderEpoch?: number
}

/** A transaction marker batch as Kafka's coordinator writes it: transactional, control, one record. */
export function encodeEndTxnMarkerBatch(m: EndTxnMarkerBatchInput): Buffer {
  return encodeRecordBatch({
    baseOffset: m.baseOffset,
    partitionLeaderEpoch: m.partitionLeaderEpoch ?? 0,
    producerId: m.producerId,
    producerEpoch: m.producerEpoch,
    baseSequence: NO_SEQUENCE,
    isTransactional: true,
    isControl: true,
    firstTimestamp: m.timestamp,
    maxTimestamp: m.timestamp,
    records: [{
      key: encodeControlRecordKey(m.commit ? ControlRecordType.COMMIT : ControlRecordType.ABORT),
      value: encodeEndTxnMarkerValue(m.coordinatorEpoch),
      timestamp: m.timestamp,
    }],
  })
}
