/**
 * One topic-partition: v2 record batches stored as received (baseOffset assigned at append), producer
 * state for idempotence and transactions, the last stable offset and the aborted-transaction index,
 * DeleteRecords, retention, compaction and (optionally) a segment file on disk.
 *
 * Plain data costs no per-record work: append checks the batch header and CRC, rewrites baseOffset in
 * place and keeps a slice of the request (a copy for batches below COPY_BATCHES_BELOW_BYTES); read
 * hands back the stored batches themselves (Fetch writes them to the socket as separate chunks).
 */
import { ErrorCode } from '../../protocol/errors.js'
import {
  buildControlBatch, baseSequenceOf, compressionOf, controlMarkerOf, isControl, isLogAppendTime, isTransactional,
  lastOffsetDeltaOf, lastSequenceOf, maxTimestampOf, producerEpochOf, producerIdOf, recordCountOf, setBaseOffset,
  setLogAppendTime, splitBatches, baseTimestampOf, Compression,
} from './record-batch.js'
import { decodeRecords } from './records-codec.js'
import { ProducerStateTable } from './producer-state.js'
import { compactBatches } from './compaction.js'
import { storedBatch, type AbortedTxn, type StoredBatch } from './stored-batch.js'
import type { TopicSettings } from './topic-config.js'
import type { SegmentFile } from './segment-file.js'

/**
 * Asks the transaction coordinator whether a producer's transaction includes this partition, before
 * the first transactional batch of a transaction is appended here (Kafka's partition verification).
 * Returns an error code, 0 when the write may proceed.
 */
export type TxnVerifier = (producerId: bigint, producerEpoch: number, topic: string, partition: number) => number

/** Shared by the partitions of one LogManager: the verifier is installed once the coordinator exists. */
export interface LogContext {
  verifier?: TxnVerifier
  onAppend?: (topic: string, partition: number) => void
}

export interface AppendResult { errorCode: number; errorMessage?: string; baseOffset: number; logAppendTime: number; logStartOffset: number }
export interface ReadResult {
  errorCode: number
  /** The stored batches read, by reference, in offset order (what Fetch writes to the socket). */
  chunks: readonly Buffer[]
  /** Total bytes of `chunks`. */
  size: number
  /** The same bytes as one buffer (a copy when there are several batches; computed on access). */
  readonly records: Buffer | null
  highWatermark: number
  lastStableOffset: number
  logStartOffset: number
  abortedTransactions: { producerId: bigint; firstOffset: bigint }[] | null
}

const EMPTY = Buffer.alloc(0)
const NO_CHUNKS: readonly Buffer[] = Object.freeze([])
/**
 * Batches arrive as slices of the request (often of a 64 KiB socket read shared with other
 * requests). A stored slice keeps that whole buffer alive, so small batches get their own copy; large
 * ones are most of their buffer anyway and stay zero-copy.
 */
export const COPY_BATCHES_BELOW_BYTES = 4096

export class PartitionLog {
  private batches: StoredBatch[] = []
  private startOffset = 0
  private endOffset = 0
  private totalBytes = 0
  private readonly producers = new ProducerStateTable()
  private aborted: AbortedTxn[] = [] // in marker (lastOffset) order
  private firstDirtyOffset = 0 // compaction has cleaned everything below
  private dirtyBytes = 0
  private deadBytes = 0 // bytes still in the segment file but below logStartOffset
  // Kafka's active segment, emulated: batches from activeSegmentStart on are never compacted. A new
  // segment rolls when segment.bytes would be exceeded or segment.ms of record time has passed.
  private activeSegmentStart = 0
  private activeSegmentBytes = 0
  private activeSegmentFirstTimestamp = -1

  constructor(
    readonly topic: string,
    readonly partition: number,
    public settings: TopicSettings,
    private readonly context: LogContext = {},
    private readonly file: SegmentFile | null = null,
  ) {
    if (file) this.loadFromFile(file)
  }

  get logStartOffset(): number { return this.startOffset }
  get logEndOffset(): number { return this.endOffset }
  get highWatermark(): number { return this.endOffset }
  get lastStableOffset(): number {
    const first = this.producers.firstUnstableOffset()
    // Never below logStartOffset, even when retention removed the start of an open transaction (as Kafka).
    return first < 0 ? this.endOffset : Math.max(first, this.startOffset)
  }
  get sizeInBytes(): number { return this.totalBytes }
  /** Producer ids with a transaction open in this partition (for the coordinator's recovery). */
  openTransactions(): { producerId: bigint; epoch: number }[] {
    return [...this.producers.ongoing.keys()].map((producerId) => ({ producerId, epoch: this.producers.entries.get(producerId)!.epoch }))
  }
  /** Whether the producer has a transaction open in this partition (data without its marker). */
  hasOpenTransaction(producerId: bigint): boolean {
    return this.producers.hasOngoingTxn(producerId)
  }
  /** Highest producer id seen in this partition, or -1n. */
  maxProducerId(): bigint {
    let max = -1n
    for (const pid of this.producers.entries.keys()) if (pid > max) max = pid
    return max
  }

  append(records: Buffer, now: number): AppendResult {
    const split = splitBatches(records)
    if (split.errorCode) return this.fail(split.errorCode, split.errorMessage)
    const spans = split.spans
    const where = `${this.topic}-${this.partition}`
    let producerId = -1n
    for (const { start, end } of spans) {
      if (isControl(records, start)) return this.fail(ErrorCode.INVALID_RECORD, `clients may not write control batches (${where})`)
      if (end - start > this.settings.maxMessageBytes) {
        return this.fail(ErrorCode.MESSAGE_TOO_LARGE, `batch of ${end - start} bytes exceeds max.message.bytes ${this.settings.maxMessageBytes} of ${where}`)
      }
      const count = recordCountOf(records, start)
      if (count < 1 || lastOffsetDeltaOf(records, start) !== count - 1) {
        return this.fail(ErrorCode.INVALID_RECORD, `batch has ${count} records but lastOffsetDelta ${lastOffsetDeltaOf(records, start)} (${where})`)
      }
      const pid = producerIdOf(records, start)
      if (isTransactional(records, start) && pid < 0n) return this.fail(ErrorCode.INVALID_RECORD, `transactional batch without a producer id (${where})`)
      if (pid >= 0n) producerId = pid
      if (this.settings.compact && compressionOf(records, start) === Compression.NONE) {
        const message = nullKeyError(records.subarray(start, end), where)
        if (message) return this.fail(ErrorCode.INVALID_RECORD, message)
      }
    }

    if (producerId >= 0n) {
      // Kafka (produce v3+) carries exactly one batch per partition; idempotence is defined for that.
      if (spans.length > 1) return this.fail(ErrorCode.INVALID_RECORD, `idempotent produce to ${where} must carry exactly one record batch`)
      const start = spans[0].start
      const epoch = producerEpochOf(records, start)
      const transactional = isTransactional(records, start)
      const check = this.producers.check(producerId, epoch, baseSequenceOf(records, start), lastSequenceOf(records, start), transactional, where)
      if (check.kind === 'duplicate') {
        return { errorCode: 0, baseOffset: check.batch.firstOffset, logAppendTime: this.settings.logAppendTime ? check.batch.timestamp : -1, logStartOffset: this.startOffset }
      }
      if (check.kind === 'error') return this.fail(check.errorCode, check.errorMessage)
      if (transactional && !this.producers.hasOngoingTxn(producerId) && this.context.verifier) {
        const code = this.context.verifier(producerId, epoch, this.topic, this.partition)
        if (code) return this.fail(code, `transactional write by producer ${producerId} to ${where}, which is not part of its ongoing transaction`)
      }
    }

    const baseOffset = this.endOffset
    for (const { start, end } of spans) {
      setBaseOffset(records, start, this.endOffset)
      if (this.settings.logAppendTime) setLogAppendTime(records, start, end, now)
      const buf = end - start < COPY_BATCHES_BELOW_BYTES ? copyOf(records, start, end) : records.subarray(start, end)
      const lastOffset = this.endOffset + lastOffsetDeltaOf(buf)
      const maxTimestamp = maxTimestampOf(buf)
      this.store({ baseOffset: this.endOffset, lastOffset, maxTimestamp, buf })
      if (producerId >= 0n) {
        this.producers.applyData(producerId, producerEpochOf(buf), baseSequenceOf(buf), lastSequenceOf(buf), this.endOffset, lastOffset, maxTimestamp, isTransactional(buf))
      }
      this.endOffset = lastOffset + 1
    }
    this.context.onAppend?.(this.topic, this.partition)
    return { errorCode: 0, baseOffset, logAppendTime: this.settings.logAppendTime ? now : -1, logStartOffset: this.startOffset }
  }

  read(fetchOffset: number, maxBytes: number, isolation: 0 | 1): ReadResult {
    const lso = this.lastStableOffset
    const base = { highWatermark: this.endOffset, lastStableOffset: lso, logStartOffset: this.startOffset }
    if (!Number.isFinite(fetchOffset) || fetchOffset < this.startOffset || fetchOffset > this.endOffset) {
      return { errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, chunks: NO_CHUNKS, size: 0, records: EMPTY, abortedTransactions: null, ...base }
    }
    const upper = isolation === 1 ? lso : this.endOffset
    let i = this.indexOf(fetchOffset)
    const first = i
    let bytes = 0
    const n = this.batches.length
    // Whole batches up to maxBytes, but always the first one, however large (Kafka's minOneMessage).
    while (i < n && this.batches[i].baseOffset < upper) {
      const size = this.batches[i].buf.length
      if (i > first && bytes + size > maxBytes) break
      bytes += size
      i++
    }
    const chunks: Buffer[] = new Array(i - first)
    for (let k = first; k < i; k++) chunks[k - first] = this.batches[k].buf
    const abortedTransactions = isolation === 1
      ? this.abortedIn(fetchOffset, i > first ? this.batches[i - 1].lastOffset + 1 : fetchOffset)
      : null
    return {
      errorCode: 0, chunks, size: bytes, abortedTransactions, ...base,
      get records() { return chunks.length === 0 ? EMPTY : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, bytes) },
    }
  }

  offsetForTime(timestamp: number): { offset: number; timestamp: number } {
    if (timestamp === -1) return { offset: this.endOffset, timestamp: -1 }
    if (timestamp === -2) return { offset: this.startOffset, timestamp: -1 }
    if (timestamp === -3) return this.offsetOfMaxTimestamp()
    for (const b of this.batches) {
      if (b.maxTimestamp < timestamp || isControl(b.buf)) continue
      const found = firstRecordAtOrAfter(b, timestamp)
      if (found) return found
    }
    return { offset: -1, timestamp: -1 }
  }

  deleteRecordsBefore(offset: number): { errorCode: number; lowWatermark: number } {
    const target = offset === -1 ? this.endOffset : offset
    if (!Number.isInteger(target) || target < 0 || target > this.endOffset) {
      return { errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, lowWatermark: this.startOffset }
    }
    if (target > this.startOffset) this.advanceStart(target)
    return { errorCode: 0, lowWatermark: this.startOffset }
  }

  /** Appends a COMMIT or ABORT marker for the producer's transaction, completing it in this partition. */
  writeMarker(producerId: bigint, producerEpoch: number, commit: boolean, coordinatorEpoch: number, now: number): void {
    const offset = this.endOffset
    const buf = buildControlBatch({ baseOffset: offset, producerId, producerEpoch, commit, coordinatorEpoch, timestamp: now })
    this.store({ baseOffset: offset, lastOffset: offset, maxTimestamp: now, buf })
    this.endOffset = offset + 1
    const completed = this.producers.applyMarker(producerId, producerEpoch, commit, coordinatorEpoch, offset)
    if (completed?.aborted) this.aborted.push({ producerId, firstOffset: completed.firstOffset, lastOffset: offset })
    this.context.onAppend?.(this.topic, this.partition)
  }

  /** Retention (unless `retention` is false) and compaction as the topic's cleanup.policy asks. */
  maintain(now: number, retention = true): void {
    if (retention && this.settings.delete) this.applyRetention(now)
    if (this.settings.compact && this.compactionDue(now)) this.compact(now)
    // Reclaim disk once most of the file lies below logStartOffset.
    if (this.file && this.deadBytes > 0 && this.deadBytes >= this.totalBytes) this.rewriteFile()
  }

  /** Drops whole batches from the head that are past retention.ms or beyond retention.bytes. */
  applyRetention(now: number): void {
    const { retentionMs, retentionBytes } = this.settings
    let drop = 0
    let size = this.totalBytes
    while (drop < this.batches.length) {
      const b = this.batches[drop]
      const expired = retentionMs >= 0 && b.maxTimestamp < now - retentionMs
      const oversize = retentionBytes >= 0 && size - b.buf.length >= retentionBytes
      if (!expired && !oversize) break
      size -= b.buf.length
      drop++
    }
    if (drop > 0) this.advanceStart(this.batches[drop - 1].lastOffset + 1)
  }

  /** Cleans the cleanable part of the log now (tick calls this when the dirty ratio is reached). */
  compact(now: number): void {
    let limit = Math.min(this.lastStableOffset, this.activeSegmentStart)
    let count = 0
    const lagLimit = now - this.settings.minCompactionLagMs
    while (count < this.batches.length) {
      const b = this.batches[count]
      if (b.lastOffset >= limit || (this.settings.minCompactionLagMs > 0 && b.maxTimestamp > lagLimit)) break
      count++
    }
    limit = count < this.batches.length ? this.batches[count].baseOffset : this.endOffset
    const result = compactBatches(this.batches, count, this.aborted, now, this.settings.deleteRetentionMs)
    this.batches = result.batches
    this.firstDirtyOffset = limit
    this.totalBytes = 0
    this.dirtyBytes = 0
    for (const b of this.batches) {
      this.totalBytes += b.buf.length
      if (b.baseOffset >= limit) this.dirtyBytes += b.buf.length
    }
    if (result.changed && this.file) this.rewriteFile()
  }

  /** Persists metadata and closes the segment file. */
  close(): void {
    this.file?.close(this.meta())
  }

  /** Removes the partition's files (topic deletion). */
  destroy(): void {
    this.file?.destroy()
  }

  // ---- internals ----

  private fail(errorCode: number, errorMessage?: string): AppendResult {
    return { errorCode, errorMessage, baseOffset: -1, logAppendTime: -1, logStartOffset: this.startOffset }
  }

  private store(b: StoredBatch): void {
    this.track(b)
    this.batches.push(b)
    this.totalBytes += b.buf.length
    if (b.baseOffset >= this.firstDirtyOffset) this.dirtyBytes += b.buf.length
    this.file?.append(b.buf)
  }

  /** Rolls the emulated active segment before b joins it, as Kafka's LogSegment.shouldRoll. */
  private track(b: StoredBatch): void {
    const { segmentBytes, segmentMs } = this.settings
    const roll = this.activeSegmentBytes > 0 && (
      this.activeSegmentBytes + b.buf.length > segmentBytes ||
      (this.activeSegmentFirstTimestamp >= 0 && b.maxTimestamp - this.activeSegmentFirstTimestamp > segmentMs))
    if (roll) {
      this.activeSegmentStart = b.baseOffset
      this.activeSegmentBytes = 0
      this.activeSegmentFirstTimestamp = -1
    }
    this.activeSegmentBytes += b.buf.length
    if (this.activeSegmentFirstTimestamp < 0) this.activeSegmentFirstTimestamp = b.maxTimestamp
  }

  /** Index of the first batch whose lastOffset >= offset (batches.length if none). */
  private indexOf(offset: number): number {
    let lo = 0
    let hi = this.batches.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.batches[mid].lastOffset < offset) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  /** Aborted transactions overlapping [from, to): Kafka's collectAbortedTxns. */
  private abortedIn(from: number, to: number): { producerId: bigint; firstOffset: bigint }[] {
    const out: { producerId: bigint; firstOffset: bigint }[] = []
    for (let k = this.aborted.length - 1; k >= 0; k--) {
      const t = this.aborted[k]
      if (t.lastOffset < from) break
      if (t.firstOffset < to) out.push({ producerId: t.producerId, firstOffset: BigInt(t.firstOffset) })
    }
    return out.reverse()
  }

  private advanceStart(offset: number): void {
    this.startOffset = offset
    const removed = this.batches.splice(0, this.indexOf(offset))
    for (const b of removed) {
      this.totalBytes -= b.buf.length
      this.deadBytes += b.buf.length
      if (b.baseOffset >= this.firstDirtyOffset) this.dirtyBytes -= b.buf.length
    }
    this.aborted = this.aborted.filter((t) => t.lastOffset >= offset)
    this.producers.removeBefore(offset)
    if (this.firstDirtyOffset < offset) this.firstDirtyOffset = offset
    this.file?.saveMeta(this.meta())
  }

  private compactionDue(now: number): boolean {
    // Only when new data became cleanable (stable and past the lag): a stuck LSO must not re-clean every tick.
    const next = this.batches[this.indexOf(this.firstDirtyOffset)]
    const cleanable = next !== undefined && next.lastOffset < Math.min(this.lastStableOffset, this.activeSegmentStart) &&
      (this.settings.minCompactionLagMs <= 0 || next.maxTimestamp <= now - this.settings.minCompactionLagMs)
    if (cleanable && this.dirtyBytes > 0 && this.dirtyBytes >= this.settings.minCleanableDirtyRatio * this.totalBytes) return true
    for (const b of this.batches) {
      if (b.baseOffset >= this.firstDirtyOffset) break
      if (b.deleteHorizon !== undefined && now >= b.deleteHorizon) return true
    }
    return false
  }

  private offsetOfMaxTimestamp(): { offset: number; timestamp: number } {
    let best: StoredBatch | null = null
    for (const b of this.batches) if (!isControl(b.buf) && (!best || b.maxTimestamp > best.maxTimestamp)) best = b
    if (!best) return { offset: -1, timestamp: -1 }
    return firstRecordAtOrAfter(best, best.maxTimestamp) ?? { offset: best.lastOffset, timestamp: best.maxTimestamp }
  }

  private meta() {
    return { logStartOffset: this.startOffset, logEndOffset: this.endOffset }
  }

  private rewriteFile(): void {
    this.file!.rewrite(this.batches.map((b) => b.buf), this.meta())
    this.deadBytes = 0
  }

  /** Rebuilds offsets, producer state, open transactions and the aborted index by replaying batch headers. */
  private loadFromFile(file: SegmentFile): void {
    const { batches, meta } = file.load()
    const startOffset = meta?.logStartOffset ?? 0
    let end = meta?.logEndOffset ?? 0
    for (const buf of batches) {
      const b = storedBatch(buf)
      end = Math.max(end, b.lastOffset + 1)
      if (b.lastOffset < startOffset) {
        this.deadBytes += buf.length
        continue
      }
      this.track(b)
      this.batches.push(b)
      this.totalBytes += buf.length
      const pid = producerIdOf(buf)
      if (pid < 0n) continue
      if (isControl(buf)) {
        const commit = controlMarkerOf(buf)
        if (commit === null) continue
        const value = decodeRecords(buf)
        const coordinatorEpoch = value && value.records[0].valueLength >= 6 ? value.data.readInt32BE(value.records[0].valueStart + 2) : -1
        const done = this.producers.applyMarker(pid, producerEpochOf(buf), commit, coordinatorEpoch, b.baseOffset)
        if (done?.aborted) this.aborted.push({ producerId: pid, firstOffset: done.firstOffset, lastOffset: b.baseOffset })
      } else {
        this.producers.applyData(pid, producerEpochOf(buf), baseSequenceOf(buf), lastSequenceOf(buf), b.baseOffset, b.lastOffset, b.maxTimestamp, isTransactional(buf))
      }
    }
    this.startOffset = startOffset
    this.endOffset = Math.max(end, startOffset)
    this.dirtyBytes = this.totalBytes
  }
}

/** First record of a batch with timestamp >= target, or null if none (LogAppendTime batches: the batch start). */
function firstRecordAtOrAfter(b: StoredBatch, target: number): { offset: number; timestamp: number } | null {
  if (b.maxTimestamp < target) return null
  if (isLogAppendTime(b.buf)) return { offset: b.baseOffset, timestamp: b.maxTimestamp }
  const decoded = decodeRecords(b.buf)
  if (!decoded) return { offset: b.baseOffset, timestamp: b.maxTimestamp }
  const base = baseTimestampOf(b.buf)
  for (const r of decoded.records) {
    const ts = base + r.timestampDelta
    if (ts >= target) return { offset: b.baseOffset + r.offsetDelta, timestamp: ts }
  }
  return null
}

/** The bytes in their own allocation (not Node's shared pool, which would pin an 8 KiB slab instead). */
function copyOf(src: Buffer, start: number, end: number): Buffer {
  const out = Buffer.allocUnsafeSlow(end - start)
  src.copy(out, 0, start, end)
  return out
}

/** Kafka rejects records without a key on compacted topics. */
function nullKeyError(batch: Buffer, where: string): string | null {
  const decoded = decodeRecords(batch)
  if (!decoded) return null
  return decoded.records.some((r) => r.keyLength < 0) ? `compacted topic ${where} cannot accept a record without a key` : null
}
