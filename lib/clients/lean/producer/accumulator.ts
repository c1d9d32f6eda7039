import type { RecordInput } from '../../../../protocol/records/index.js'
import type { SendResult } from '../../types.js'

/** One send/sendBatch call: settles once every partition it wrote to has been acknowledged (or one failed). */
export class PendingSend {
  /** Partitions not yet acknowledged. */
  remaining = 0
  readonly results: (SendResult & { topic: string })[] = []
  error: unknown = null
  settled = false
  resolve!: (results: (SendResult & { topic: string })[]) => void
  reject!: (err: unknown) => void
  readonly promise: Promise<(SendResult & { topic: string })[]>

  constructor() {
    this.promise = new Promise((resolve, reject) => {
      this.resolve = resolve
      this.reject = reject
    })
  }

  /**
   * One partition done: its result, or the error that fails the whole send. A send's records
   * split over two batches of a partition report once, with the first batch's base offset
   * (`report` false for the later part).
   */
  partitionDone(topic: string, partition: number, baseOffset: number, error: unknown, report = true): boolean {
    if (this.settled) return false
    if (error !== null) {
      this.settled = true
      this.reject(error)
      return true
    }
    if (report) this.results.push({ topic, partition, baseOffset })
    if (--this.remaining === 0) {
      this.settled = true
      this.resolve(this.results)
      return true
    }
    return false
  }
}

/** Where a send's records start in a partition's batch: their base offset is the batch's plus `index`. */
export interface Waiter {
  send: PendingSend
  index: number
  /** The rest of a send whose first records went in an earlier batch: completes it, reports nothing. */
  continued?: boolean
}

/**
 * About what a batch may hold, in key, value and header bytes: under the 1 MiB a broker takes by
 * default (Kafka's max.message.bytes) with room for record and batch overhead.
 */
export const MAX_BATCH_BYTES = 900 * 1024

/** A batch taken from a queue: sent, and sent again with the same sequence after a retriable error. */
export interface InFlightBatch {
  records: RecordInput[]
  waiters: Waiter[]
  /** The encoded RecordBatch, kept for retries (same producer epoch and sequence, so the broker deduplicates). */
  bytes: Buffer | null
  /** The producer id and first sequence the bytes were written with. */
  producerId: number
  baseSequence: number
  transactional: boolean
  attempts: number
}

/** Records waiting to be sent to one partition; at most one batch of it is in flight (keeps sequences in order). */
export class PartitionQueue {
  records: RecordInput[] = []
  waiters: Waiter[] = []
  inFlight: InFlightBatch | null = null
  nextSequence = 0

  constructor(readonly topic: string, readonly partition: number) {}

  /** Appends one record of a send; the first of the send in this partition registers the send. */
  add(send: PendingSend, record: RecordInput): void {
    const waiters = this.waiters
    if (waiters.length === 0 || waiters[waiters.length - 1]!.send !== send) {
      waiters.push({ send, index: this.records.length })
      send.remaining++
    }
    this.records.push(record)
  }

  /** Takes the records waiting as the next batch, up to about MAX_BATCH_BYTES (at least one record). */
  take(transactional: boolean): InFlightBatch {
    const all = this.records
    let n = 0
    let bytes = 0
    while (n < all.length) {
      bytes += recordBytes(all[n]!)
      if (bytes > MAX_BATCH_BYTES && n > 0) break
      n++
    }
    let records = all
    let waiters = this.waiters
    if (n === all.length) {
      this.records = []
      this.waiters = []
    } else {
      records = all.slice(0, n)
      this.records = all.slice(n)
      const rest: Waiter[] = []
      waiters = []
      for (const w of this.waiters) {
        if (w.index < n) waiters.push(w)
        else rest.push({ send: w.send, index: w.index - n, continued: w.continued })
      }
      // A send whose records straddle the cut finishes with the next batch too.
      const last = waiters[waiters.length - 1]
      if (last && (rest.length === 0 || rest[0]!.index > 0)) {
        rest.unshift({ send: last.send, index: 0, continued: true })
        last.send.remaining++
      }
      this.waiters = rest
    }
    const batch: InFlightBatch = { records, waiters, bytes: null, producerId: -1, baseSequence: -1, transactional, attempts: 0 }
    this.inFlight = batch
    return batch
  }
}

/** A record's size, roughly (string header values counted in UTF-16 units, close enough for a bound). */
function recordBytes(r: RecordInput): number {
  let n = 24 + (r.key?.length ?? 0) + (r.value?.length ?? 0)
  const h = r.headers as Record<string, { length: number } | null | undefined> | undefined
  if (h) for (const k in h) n += k.length + 8 + (h[k]?.length ?? 0)
  return n
}
