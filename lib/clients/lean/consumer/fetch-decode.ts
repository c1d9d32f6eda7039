import type { PartitionData } from '../../../../protocol/messages/fetch.js'
import { CorruptRecordBatchError, filterAbortedBatches, nextFetchOffset, readRecordBatches, type RecordHeader } from '../../../../protocol/records/index.js'
import type { FetchedRecord, Headers } from '../../types.js'
import { CorruptResponseError } from '../errors.js'

/** One partition of a fetch response, read_committed: its records from `fetchOffset` on, and where to fetch next. */
export interface DecodedPartition {
  records: FetchedRecord[]
  /** Past every batch returned, control and aborted ones included. */
  nextOffset: number
}

/**
 * Decodes a partition's record batches without copying (keys, values and header values stay
 * subarrays of the response), leaves out control batches and aborted transactions, and drops the
 * records before the fetch offset that a batch's start may carry. A CRC mismatch or truncated
 * batch becomes a CorruptResponseError naming the broker and the partition.
 */
export function decodePartition(data: PartitionData, topic: string, fetchOffset: number, broker: string): DecodedPartition {
  let batches
  try {
    batches = readRecordBatches(data.records, { topic, partition: data.partitionIndex })
  } catch (err) {
    if (!(err instanceof CorruptRecordBatchError)) throw err
    throw new CorruptResponseError(broker, `Fetch from broker ${broker}: corrupt records in ${topic}-${data.partitionIndex}: ${err.message}`, { cause: err })
  }
  const kept = filterAbortedBatches(batches, data.abortedTransactions)
  const records: FetchedRecord[] = []
  for (let b = 0; b < kept.length; b++) {
    const rs = kept[b]!.records
    for (let i = 0; i < rs.length; i++) {
      const r = rs[i]!
      if (r.offset < fetchOffset) continue
      // The decoded record becomes the fetched one (its headers as an object): no second object a record.
      const out = r as unknown as FetchedRecord
      out.headers = toHeaders(r.headers)
      records.push(out)
    }
  }
  return { records, nextOffset: Math.max(fetchOffset, nextFetchOffset(batches, fetchOffset)) }
}

/** Shared by every record without headers (the runtime never writes into a fetched record's headers). */
const NO_HEADERS: Headers = Object.freeze({}) as Headers

/** Kafka Streams' record context keeps the last value of a repeated header key. */
function toHeaders(list: readonly RecordHeader[]): Headers {
  if (list.length === 0) return NO_HEADERS
  const out: Headers = {}
  for (let i = 0; i < list.length; i++) {
    const h = list[i]!
    out[h.key] = h.value ?? undefined
  }
  return out
}
