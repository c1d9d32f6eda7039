import type { ChangelogRecord, RecordCollector } from '../../stores/state-store.js'
import type { OutgoingRecord, RecordProducer } from '../clients/types.js'
import { tpKey } from '../clients/types.js'
import type { ProductionErrorRouter } from '../errors/production-errors.js'
import { classifyClientError } from '../clients/errors.js'

/** Error kinds the production exception handler decides on (the records may be at fault). */
const RECORD_FAULTS = new Set(['fatal', 'authorization', 'unknown_topic'])

/** Records buffered before a send starts in the background (batches share one request). */
const SEND_BATCH_RECORDS = 500

/**
 * The runtime's RecordCollector for one task: buffers sends per topic and ships them in batches.
 * Under at_least_once the records go out as plain (idempotent-free) produce requests whose acks
 * `flush()` awaits; under exactly_once_v2 they go into the task producer's open transaction,
 * begun on first use. Changelog offsets of acked records are tracked for checkpoints.
 */
export class RuntimeRecordCollector implements RecordCollector {
  private buffer = new Map<string, OutgoingRecord[]>()
  private buffered = 0
  /** Sends go out one batch at a time: an idempotent producer's sequences stay in order per partition. */
  private chain: Promise<void> = Promise.resolve()
  private error: Error | null = null
  /** tpKey → next offset after the last acked record, for partitions sent explicitly. */
  private readonly acked = new Map<string, { topic: string; partition: number; offset: number }>()
  sentRecords = 0

  constructor(
    private readonly producer: RecordProducer,
    private readonly transactional: boolean,
    private readonly errors: ProductionErrorRouter,
  ) {}

  send(topic: string, record: ChangelogRecord, partition: number): void {
    let list = this.buffer.get(topic)
    if (!list) {
      list = []
      this.buffer.set(topic, list)
    }
    list.push({ key: record.key, value: record.value, timestamp: record.timestamp, headers: record.headers, partition })
    if (++this.buffered >= SEND_BATCH_RECORDS) this.kick()
  }

  /**
   * Starts sending what is buffered, without waiting. The thread calls this when a task's input
   * runs dry, so output never waits for the commit interval at moderate rates.
   */
  sendBuffered(): void {
    this.kick()
  }

  private kick(): void {
    if (this.buffered === 0) return
    const batch = this.buffer
    this.buffer = new Map()
    this.buffered = 0
    // sendBatch never rejects, so the chain's tail settles after every earlier send.
    this.chain = this.chain.then(() => this.sendBatch(batch))
  }

  private async sendBatch(batch: Map<string, OutgoingRecord[]>): Promise<void> {
    const batches = [...batch].map(([topic, records]) => ({ topic, records }))
    try {
      if (this.transactional && !this.producer.inTransaction()) await this.producer.beginTransaction()
      const results = await this.producer.sendBatch(batches, this.transactional)
      for (const b of batches) {
        this.sentRecords += b.records.length
        this.noteAcks(b.topic, b.records, results.filter(r => r.topic === b.topic))
      }
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err))
      if (this.transactional) {
        // Fencing and transaction state errors are never the records' fault: no handler.
        this.error ??= e
        return
      }
      // A broker that is away or moving is not the records' fault: the task restarts from its
      // last commit instead of asking the handler (which could drop them).
      if (!RECORD_FAULTS.has(classifyClientError(e))) {
        this.error ??= e
        return
      }
      for (const b of batches) {
        const decision = await this.errors.handle(b.topic, b.records, e).catch(() => 'FAIL' as const)
        if (decision === 'FAIL') this.error ??= e
      }
    }
  }

  private noteAcks(topic: string, records: readonly OutgoingRecord[], results: { partition: number; baseOffset: number }[]): void {
    if (results.length === 0) return
    const counts = new Map<number, number>()
    for (const r of records) if (r.partition >= 0) counts.set(r.partition, (counts.get(r.partition) ?? 0) + 1)
    for (const res of results) {
      const n = counts.get(res.partition)
      if (n === undefined || !(res.baseOffset >= 0)) continue
      const key = tpKey(topic, res.partition)
      const next = res.baseOffset + n
      const prev = this.acked.get(key)
      if (!prev || prev.offset < next) this.acked.set(key, { topic, partition: res.partition, offset: next })
    }
  }

  /** Sends everything buffered and waits for every ack; throws the first unhandled send error. */
  async flush(): Promise<void> {
    this.kick()
    let tail: Promise<void>
    do {
      tail = this.chain
      await tail
    } while (tail !== this.chain)
    if (this.error) {
      const e = this.error
      this.error = null
      throw e
    }
  }

  /** Next offsets of the changelog partitions this collector wrote to. */
  ackedOffset(topic: string, partition: number): number | undefined {
    return this.acked.get(tpKey(topic, partition))?.offset
  }

  /** Drops what was never sent (a dirty close). */
  discard(): void {
    this.buffer = new Map()
    this.buffered = 0
  }
}
