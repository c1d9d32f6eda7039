/**
 * read_committed filtering of fetched batches, as Kafka's consumer does it: a Fetch response lists
 * the aborted transactions overlapping the returned range (producerId, firstOffset). Walking the
 * batches in offset order, a producer becomes "aborted" once a batch reaches its firstOffset; its
 * transactional batches are then dropped until its ABORT marker, which ends the aborted range.
 */
import { ControlRecordType, controlRecordTypeOf } from './control.js'
import type { RecordBatch } from './types.js'

export interface AbortedTransaction {
  producerId: number
  firstOffset: number
}

/**
 * The data batches a read_committed consumer returns: control batches and the batches of aborted
 * transactions are left out. The fetch position still moves past every batch given (the last
 * batch's lastOffset + 1), dropped or not.
 */
export function filterAbortedBatches(
  batches: readonly RecordBatch[], abortedTransactions: readonly AbortedTransaction[] | null | undefined,
): RecordBatch[] {
  const out: RecordBatch[] = []
  const pending = abortedTransactions && abortedTransactions.length > 0
    ? [...abortedTransactions].sort((a, b) => a.firstOffset - b.firstOffset)
    : null
  let next = 0
  let aborted: Set<number> | null = null
  for (const batch of batches) {
    if (batch.producerId >= 0 && pending !== null) {
      // Producers whose aborted transaction starts at or before this batch's last offset.
      while (next < pending.length && pending[next].firstOffset <= batch.lastOffset) {
        (aborted ??= new Set()).add(pending[next].producerId)
        next++
      }
      if (aborted !== null && aborted.has(batch.producerId)) {
        if (batch.isControl) {
          if (batch.records.length > 0 && controlRecordTypeOf(batch.records[0]) === ControlRecordType.ABORT) {
            aborted.delete(batch.producerId)
          }
        } else if (batch.isTransactional) {
          continue
        }
      }
    }
    if (!batch.isControl) out.push(batch)
  }
  return out
}

/** The offset to fetch next after these batches (from the last one, even if it is a control or aborted batch). */
export function nextFetchOffset(batches: readonly RecordBatch[], current: number): number {
  return batches.length === 0 ? current : batches[batches.length - 1].lastOffset + 1
}
