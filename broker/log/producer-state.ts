/**
 * Per-partition producer state for idempotence and transactions, after Kafka's ProducerStateManager:
 * for each producerId the current epoch, metadata of its last 5 batches (for duplicate detection and
 * sequence checks), and the first offset of its open transaction in this partition, if any.
 */
import { ErrorCode } from '../../protocol/errors.js'

/** Kafka keeps this many batches per producer; a duplicate of any of them is acknowledged, not re-appended. */
export const MAX_CACHED_BATCHES = 5
const NO_EPOCH = -1

export interface BatchMetadata { firstSeq: number; lastSeq: number; firstOffset: number; lastOffset: number; timestamp: number }

export class ProducerEntry {
  epoch = NO_EPOCH
  coordinatorEpoch = -1
  batches: BatchMetadata[] = []
  currentTxnFirstOffset = -1
  get lastDataOffset(): number { return this.batches.length ? this.batches[this.batches.length - 1].lastOffset : -1 }
}

export type SequenceCheck =
  | { kind: 'ok' }
  | { kind: 'duplicate'; batch: BatchMetadata }
  | { kind: 'error'; errorCode: number; errorMessage: string }

export interface CompletedTxn { producerId: bigint; firstOffset: number; lastOffset: number; aborted: boolean }

function inSequence(lastSeq: number, nextSeq: number): boolean {
  return nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === 0x7fffffff)
}

export class ProducerStateTable {
  readonly entries = new Map<bigint, ProducerEntry>()
  /** producerId → first offset of its open transaction here; the minimum is the last stable offset. */
  readonly ongoing = new Map<bigint, number>()

  /** Validates a client data batch without changing state (Kafka's ProducerAppendInfo checks). */
  check(producerId: bigint, epoch: number, firstSeq: number, lastSeq: number, transactional: boolean, where: string): SequenceCheck {
    const entry = this.entries.get(producerId)
    if (!entry) return { kind: 'ok' } // unknown producer: any sequence is accepted, as Kafka does since KIP-360
    if (epoch === entry.epoch) {
      const dup = entry.batches.find((b) => b.firstSeq === firstSeq && b.lastSeq === lastSeq)
      if (dup) return { kind: 'duplicate', batch: dup }
    }
    if (epoch < entry.epoch) {
      return err(ErrorCode.INVALID_PRODUCER_EPOCH, `epoch ${epoch} of producer ${producerId} in ${where} is smaller than the last seen epoch ${entry.epoch}`)
    }
    if (epoch !== entry.epoch) {
      if (firstSeq !== 0 && entry.epoch !== NO_EPOCH) {
        return err(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, `invalid sequence ${firstSeq} for new epoch ${epoch} of producer ${producerId} in ${where}: a new epoch starts at 0`)
      }
    } else {
      const currentLastSeq = entry.batches.length ? entry.batches[entry.batches.length - 1].lastSeq : -1
      if (!inSequence(currentLastSeq, firstSeq)) {
        return err(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, `out of order sequence ${firstSeq} for producer ${producerId} in ${where}: last appended sequence is ${currentLastSeq}`)
      }
    }
    if (entry.currentTxnFirstOffset >= 0 && !transactional) {
      return err(ErrorCode.INVALID_TXN_STATE, `non-transactional write from producer ${producerId} in ${where} while its transaction is open`)
    }
    return { kind: 'ok' }
  }

  hasOngoingTxn(producerId: bigint): boolean {
    return this.ongoing.has(producerId)
  }

  /** Records an appended data batch (after check, or while rebuilding state from the log). */
  applyData(producerId: bigint, epoch: number, firstSeq: number, lastSeq: number, firstOffset: number, lastOffset: number, timestamp: number, transactional: boolean): void {
    let entry = this.entries.get(producerId)
    if (!entry) this.entries.set(producerId, (entry = new ProducerEntry()))
    if (epoch !== entry.epoch) {
      entry.epoch = epoch
      entry.batches = []
    }
    if (firstSeq >= 0) {
      entry.batches.push({ firstSeq, lastSeq, firstOffset, lastOffset, timestamp })
      if (entry.batches.length > MAX_CACHED_BATCHES) entry.batches.shift()
    }
    if (transactional && entry.currentTxnFirstOffset < 0) {
      entry.currentTxnFirstOffset = firstOffset
      this.ongoing.set(producerId, firstOffset)
    }
  }

  /** Records a commit/abort marker at markerOffset; returns the transaction it completed here, if any. */
  applyMarker(producerId: bigint, epoch: number, commit: boolean, coordinatorEpoch: number, markerOffset: number): CompletedTxn | null {
    let entry = this.entries.get(producerId)
    if (!entry) this.entries.set(producerId, (entry = new ProducerEntry()))
    if (epoch !== entry.epoch) {
      entry.epoch = epoch
      entry.batches = []
    }
    entry.coordinatorEpoch = coordinatorEpoch
    const first = entry.currentTxnFirstOffset
    entry.currentTxnFirstOffset = -1
    this.ongoing.delete(producerId)
    return first >= 0 ? { producerId, firstOffset: first, lastOffset: markerOffset, aborted: !commit } : null
  }

  /** First offset of the earliest open transaction, or -1 when none is open. */
  firstUnstableOffset(): number {
    let min = -1
    for (const offset of this.ongoing.values()) if (min < 0 || offset < min) min = offset
    return min
  }

  /** Forgets producers whose data all lies before logStartOffset (Kafka's truncateHead). */
  removeBefore(logStartOffset: number): void {
    for (const [pid, entry] of this.entries) {
      if (entry.currentTxnFirstOffset < 0 && entry.lastDataOffset < logStartOffset) this.entries.delete(pid)
    }
  }
}

function err(errorCode: number, errorMessage: string): SequenceCheck {
  return { kind: 'error', errorCode, errorMessage }
}
