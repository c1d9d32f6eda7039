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

  /** One partition done: its result, or the error that fails the whole send. */
  partitionDone(topic: string, partition: number, baseOffset: number, error: unknown): boolean {
    if (this.settled) return false
    if (error !== null) {
      this.settled = true
      this.reject(error)
      return true
    }
    this.results.push({ topic, partition, baseOffset })
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
}

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

  /** Takes everything waiting as the next batch. */
  take(transactional: boolean): InFlightBatch {
    const batch: InFlightBatch = { records: this.records, waiters: this.waiters, bytes: null, producerId: -1, baseSequence: -1, transactional, attempts: 0 }
    this.records = []
    this.waiters = []
    this.inFlight = batch
    return batch
  }
}
