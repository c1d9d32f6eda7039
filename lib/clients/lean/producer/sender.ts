import { encodeRecordBatch } from '../../../../protocol/records/index.js'
import type { ProduceResponse } from '../../../../protocol/messages/produce.js'
import type { Cluster } from '../cluster/cluster.js'
import { isRetriableError, isStaleMetadata } from '../cluster/retry.js'
import { KafkaResponseError } from '../errors.js'
import { Api } from '../net/apis.js'
import type { BrokerConnection } from '../net/connection.js'
import { PartitionQueue, type InFlightBatch, type PendingSend } from './accumulator.js'
import { produceFrame, type PartitionBatch } from './produce-frame.js'
import type { ProducerSession } from './transactions.js'

const DUPLICATE_SEQUENCE_NUMBER = 46
/** The broker lost track of this producer's sequence (OUT_OF_ORDER_SEQUENCE_NUMBER, UNKNOWN_PRODUCER_ID). */
const SEQUENCE_LOST = new Set([45, 59])
const MAX_ATTEMPTS = 10
const ACKS_ALL = -1

export interface SenderOptions {
  /** How long records wait for more to join their batch (Kafka's linger.ms). Default 0: the next turn of the event loop. */
  lingerMs: number
  requestTimeoutMs: number
}

/**
 * Sends queued records: one RecordBatch v2 per partition, one Produce request per leader, at
 * most one batch in flight per partition (so sequence numbers stay in order). Retriable errors
 * resend the same batch (same sequence: the broker drops a duplicate) after fresh metadata.
 */
export class ProduceSender {
  private readonly topics = new Map<string, PartitionQueue[]>()
  private readonly ready = new Set<PartitionQueue>()
  private scheduled = false
  private outstanding = 0
  private idleWaiters: (() => void)[] = []
  /** In a transaction: partitions added to it, and the first error of a send in it. */
  txnPartitions = new Set<PartitionQueue>()
  /** Called before a transactional batch goes to a partition the transaction does not have yet. */
  addToTransaction: ((queues: PartitionQueue[]) => Promise<void>) | null = null
  /** The first failure of a transactional send (the transaction can then only abort). */
  onTransactionalFailure: ((err: unknown) => void) | null = null

  constructor(
    private readonly cluster: Cluster,
    private readonly session: ProducerSession,
    private readonly opts: SenderOptions,
  ) {}

  /** A topic's partition queues, by partition (created on first use). */
  queues(topic: string): PartitionQueue[] {
    let qs = this.topics.get(topic)
    if (!qs) this.topics.set(topic, (qs = []))
    return qs
  }

  /** A send was queued: schedule the drain. */
  queued(send: PendingSend, transactional: boolean): void {
    this.outstanding++
    void send.promise.then(this.settledOne, this.settledOne)
    this.transactional = transactional
    if (this.scheduled) return
    this.scheduled = true
    if (this.opts.lingerMs > 0) setTimeout(this.drain, this.opts.lingerMs)
    else setImmediate(this.drain)
  }

  private transactional = false

  /** Queues one record of a send; a queue becomes ready when its first record arrives. */
  add(qs: PartitionQueue[], topic: string, partition: number, send: PendingSend, record: import('../../../../protocol/records/index.js').RecordInput): void {
    let q = qs[partition]
    if (!q) qs[partition] = q = new PartitionQueue(topic, partition)
    if (q.records.length === 0) this.ready.add(q)
    q.add(send, record)
  }

  /** Resolves once every queued send has settled. */
  idle(): Promise<void> {
    if (this.outstanding === 0) return Promise.resolve()
    return new Promise(resolve => this.idleWaiters.push(resolve))
  }

  private renewing: Promise<void> | null = null

  /** A new producer id for an idempotent producer whose sequences the broker lost (once for all partitions). */
  private renewProducerId(lostId: number): void {
    if (this.renewing || lostId !== this.session.producerId) return
    // Never rejects: a failed renewal leaves the old id, and the batch's next attempt tries again.
    this.renewing = this.session.init()
      .then(() => this.resetSequences(), () => {})
      .finally(() => {
        this.renewing = null
      })
  }

  /** Resets sequence numbers (a new producer id or epoch starts every partition at 0). */
  resetSequences(): void {
    for (const qs of this.topics.values()) for (const q of qs) if (q) q.nextSequence = 0
  }

  private readonly settledOne = (): void => {
    if (--this.outstanding === 0) {
      const waiters = this.idleWaiters
      this.idleWaiters = []
      for (const w of waiters) w()
    }
  }

  private readonly drain = (): void => {
    this.scheduled = false
    const batches: [PartitionQueue, InFlightBatch][] = []
    for (const q of this.ready) {
      if (q.inFlight || q.records.length === 0) continue
      batches.push([q, q.take(this.transactional)])
    }
    this.ready.clear()
    if (batches.length > 0) void this.sendBatches(batches)
  }

  private async sendBatches(batches: [PartitionQueue, InFlightBatch][]): Promise<void> {
    const adding = batches.filter(([q, b]) => b.transactional && !this.txnPartitions.has(q)).map(([q]) => q)
    if (adding.length > 0 && this.addToTransaction) {
      try {
        await this.addToTransaction(adding)
        for (const q of adding) this.txnPartitions.add(q)
      } catch (err) {
        for (const [q, b] of batches) this.finish(q, b, -1, err)
        return
      }
    }
    const byLeader = new Map<BrokerConnection, [PartitionQueue, InFlightBatch][]>()
    for (const entry of batches) {
      const [q] = entry
      let conn: BrokerConnection
      try {
        conn = await this.cluster.leaderFor(q.topic, q.partition)
      } catch (err) {
        entry[1].attempts++
        this.failedAttempt(entry[0], entry[1], err)
        continue
      }
      let list = byLeader.get(conn)
      if (!list) byLeader.set(conn, (list = []))
      list.push(entry)
    }
    for (const [conn, list] of byLeader) void this.produce(conn, list)
  }

  private async produce(conn: BrokerConnection, list: [PartitionQueue, InFlightBatch][]): Promise<void> {
    if (this.renewing) await this.renewing
    const topics = new Map<string, PartitionBatch[]>()
    for (const [q, b] of list) {
      if (b.bytes === null) {
        // Sequences are given when a batch is first written (one batch in flight a partition keeps them in order).
        b.producerId = this.session.producerId
        b.baseSequence = b.producerId >= 0 ? q.nextSequence : -1
        b.bytes = encodeRecordBatch({
          records: b.records,
          producerId: this.session.producerId,
          producerEpoch: this.session.producerEpoch,
          baseSequence: b.baseSequence,
          isTransactional: b.transactional,
        })
      }
      b.attempts++
      let ps = topics.get(q.topic)
      if (!ps) topics.set(q.topic, (ps = []))
      ps.push({ partition: q.partition, batch: b.bytes })
    }
    let version = 0
    let res: ProduceResponse
    try {
      res = await conn.requestFrame(Api.Produce, (v, id, clientId) => {
        version = v
        return produceFrame(v, id, clientId, list[0]![1].transactional ? this.session.transactionalId : null, ACKS_ALL, this.opts.requestTimeoutMs, topics)
      }, { timeoutMs: this.opts.requestTimeoutMs + 5000 })
    } catch (err) {
      for (const [q, b] of list) this.failedAttempt(q, b, err)
      return
    }
    const answers = new Map<string, { errorCode: number; baseOffset: number; errorMessage?: string | null }>()
    for (const t of res.responses) for (const p of t.partitionResponses) answers.set(`${t.name}\u0000${p.index}`, p)
    for (const [q, b] of list) {
      const a = answers.get(`${q.topic}\u0000${q.partition}`)
      if (!a) {
        this.failedAttempt(q, b, new KafkaResponseError(2, conn.address, `Produce v${version}`, `${q.topic}-${q.partition}`, 'the response has no answer for this partition'))
      } else if (a.errorCode === 0 || a.errorCode === DUPLICATE_SEQUENCE_NUMBER) {
        this.finish(q, b, a.baseOffset, null)
      } else if (SEQUENCE_LOST.has(a.errorCode) && this.session.transactionalId === null && b.attempts < MAX_ATTEMPTS) {
        // An idempotent producer starts over under a new producer id (as Kafka's does) and writes
        // the batch again: at least once, never lost.
        this.renewProducerId(b.producerId)
        b.bytes = null
        setTimeout(() => void this.sendBatches([[q, b]]), 0)
      } else {
        this.failedAttempt(q, b, new KafkaResponseError(a.errorCode, conn.address, `Produce v${version}`, `${q.topic}-${q.partition}`, a.errorMessage))
      }
    }
  }

  private failedAttempt(q: PartitionQueue, b: InFlightBatch, err: unknown): void {
    if (!isRetriableError(err) || b.attempts >= MAX_ATTEMPTS) return this.finish(q, b, -1, err)
    if (isStaleMetadata(err)) this.cluster.invalidate(q.topic)
    const backoff = Math.min(1000, 50 * 2 ** b.attempts)
    setTimeout(() => void this.sendBatches([[q, b]]), backoff)
  }

  private finish(q: PartitionQueue, b: InFlightBatch, baseOffset: number, err: unknown): void {
    q.inFlight = null
    // A batch of an older producer id says nothing about the current one's sequences.
    if (err === null && b.producerId === this.session.producerId && b.producerId >= 0) q.nextSequence = (b.baseSequence + b.records.length) % 0x80000000
    else if (b.transactional) this.onTransactionalFailure?.(err)
    for (const w of b.waiters) w.send.partitionDone(q.topic, q.partition, err === null && baseOffset >= 0 ? baseOffset + w.index : -1, err)
    if (q.records.length > 0) {
      this.ready.add(q)
      if (!this.scheduled) {
        this.scheduled = true
        setImmediate(this.drain)
      }
    }
  }
}
