import { isControl, isTransactional, lastOffsetDeltaOf, maxTimestampOf, baseOffsetOf, producerIdOf } from './record-batch.js'

/** A batch as held by a partition log: its bytes (never mutated once stored) plus the header fields reads need. */
export interface StoredBatch {
  baseOffset: number
  lastOffset: number
  maxTimestamp: number
  buf: Buffer
  /** Tombstones in this batch may be removed by compaction from this time on (set when first cleaned). */
  deleteHorizon?: number
}

export function storedBatch(buf: Buffer): StoredBatch {
  const baseOffset = baseOffsetOf(buf)
  return { baseOffset, lastOffset: baseOffset + lastOffsetDeltaOf(buf), maxTimestamp: maxTimestampOf(buf), buf }
}

/** An aborted transaction in this partition: data from firstOffset, abort marker at lastOffset. */
export interface AbortedTxn { producerId: bigint; firstOffset: number; lastOffset: number }

/** Whether a data batch belongs to an aborted transaction. */
export function isAbortedData(b: StoredBatch, abortedByProducer: Map<bigint, AbortedTxn[]>): boolean {
  if (!isTransactional(b.buf) || isControl(b.buf)) return false
  const list = abortedByProducer.get(producerIdOf(b.buf))
  return !!list && list.some((t) => t.firstOffset <= b.baseOffset && b.baseOffset <= t.lastOffset)
}
