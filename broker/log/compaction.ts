/**
 * Log compaction (cleanup.policy=compact), after Kafka's LogCleaner: in the cleanable part of the log
 * (below the last stable offset and the active segment, older than min.compaction.lag.ms) keep only the latest record per key,
 * drop data of aborted transactions, and drop tombstones once their batch's delete horizon
 * (first cleaning + delete.retention.ms) has passed. Offsets never change: a batch that loses records
 * is rebuilt with its original header (baseOffset, lastOffsetDelta, producer fields) and a fresh CRC.
 * Uncompressed and gzip batches are compacted; batches in other codecs are kept whole (their records
 * stay readable and are superseded in value by later records of the same key).
 */
import { decodeRecords, rebuildBatch, type DecodedRecords } from './records-codec.js'
import { isControl, writeCrc } from './record-batch.js'
import { isAbortedData, type AbortedTxn, type StoredBatch } from './stored-batch.js'

/** `changed` = some batch bytes changed (the file needs rewriting); horizons alone live in memory. */
export interface CompactionResult { batches: StoredBatch[]; changed: boolean }

export function compactBatches(
  batches: StoredBatch[], cleanableCount: number, aborted: AbortedTxn[], now: number, deleteRetentionMs: number,
): CompactionResult {
  const abortedByProducer = new Map<bigint, AbortedTxn[]>()
  for (const t of aborted) {
    const list = abortedByProducer.get(t.producerId)
    if (list) list.push(t)
    else abortedByProducer.set(t.producerId, [t])
  }

  // Pass 1: latest offset per key across the cleanable range.
  const decoded: (DecodedRecords | null)[] = new Array(cleanableCount).fill(null)
  const latest = new Map<string, number>()
  for (let i = 0; i < cleanableCount; i++) {
    const b = batches[i]
    if (isControl(b.buf) || isAbortedData(b, abortedByProducer)) continue
    const d = decodeRecords(b.buf)
    decoded[i] = d
    if (!d) continue
    for (const r of d.records) {
      if (r.keyLength < 0) continue
      latest.set(d.data.toString('latin1', r.keyStart, r.keyStart + r.keyLength), b.baseOffset + r.offsetDelta)
    }
  }

  // Pass 2: rebuild what lost records.
  const out: StoredBatch[] = []
  let changed = false
  for (let i = 0; i < cleanableCount; i++) {
    const b = batches[i]
    if (isControl(b.buf)) { out.push(b); continue }
    if (isAbortedData(b, abortedByProducer)) { changed = true; continue }
    const d = decoded[i]
    if (!d) { out.push(b); continue }
    const horizonPassed = b.deleteHorizon !== undefined && now >= b.deleteHorizon
    let hasTombstone = false
    const kept = d.records.filter((r) => {
      if (r.keyLength < 0) return true
      const key = d.data.toString('latin1', r.keyStart, r.keyStart + r.keyLength)
      if (latest.get(key) !== b.baseOffset + r.offsetDelta) return false
      if (r.valueLength < 0) {
        if (horizonPassed) return false
        hasTombstone = true
      }
      return true
    })
    const deleteHorizon = hasTombstone ? (b.deleteHorizon ?? now + deleteRetentionMs) : undefined
    if (kept.length === d.records.length) {
      out.push(deleteHorizon === b.deleteHorizon ? b : { ...b, deleteHorizon })
      continue
    }
    changed = true
    if (kept.length === 0) continue
    const buf = rebuildBatch(b.buf, d, kept)
    writeCrc(buf, 0, buf.length)
    out.push({ baseOffset: b.baseOffset, lastOffset: b.lastOffset, maxTimestamp: b.maxTimestamp, buf, deleteHorizon })
  }
  for (let i = cleanableCount; i < batches.length; i++) out.push(batches[i])
  return { batches: out, changed }
}
