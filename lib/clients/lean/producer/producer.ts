import { COMPRESSION_NAMES, type CompressionCodec } from '../../../../protocol/records/index.js'
import { partitionForKey } from '../../partitioner.js'
import type { GroupMetadata, OutgoingRecord, RecordProducer, SendResult, TopicPartitionOffset } from '../../types.js'
import { produceChannel, traced } from '../../../tracing/channels.js'
import type { Cluster } from '../cluster/cluster.js'
import { KafkaResponseError, LeanClientStateError } from '../errors.js'
import { PendingSend } from './accumulator.js'
import { ProduceSender } from './sender.js'
import { ProducerSession } from './transactions.js'
import { classifyClientError } from '../../errors.js'

export interface LeanProducerOptions {
  /** Makes the producer transactional. */
  transactionalId?: string
  transactionTimeoutMs?: number
  lingerMs?: number
  requestTimeoutMs?: number
  /** Compression of the batches written. Default none. */
  compression?: CompressionName
}

export type CompressionName = (typeof COMPRESSION_NAMES)[number]

type Batches = readonly { topic: string; records: readonly OutgoingRecord[] }[]

/**
 * An idempotent producer (acks=all, sequence numbers per partition), transactional when given a
 * transactional id. Records are batched per partition and sent by ProduceSender; a send of N
 * records costs one promise, not one per record.
 */
export class LeanRecordProducer implements RecordProducer {
  private readonly session: ProducerSession
  private readonly sender: ProduceSender
  private readonly roundRobin = new Map<string, number>()
  /** Sends are queued per partition in the order they were called (see place). */
  readonly keepsSendOrder = true
  /** A send waiting for metadata: later sends queue behind it, so none overtakes another. */
  private placing: Promise<void> | null = null
  private inTxn = false
  private txnStarted = false
  private readonly txnGroups = new Set<string>()
  private txnError: unknown = null
  /** Fenced: the producer can do nothing more. */
  private fatal: unknown = null

  constructor(private readonly cluster: Cluster, private readonly opts: LeanProducerOptions = {}) {
    const compression = COMPRESSION_NAMES.indexOf(opts.compression ?? 'none')
    if (compression < 0) throw new Error(`Unknown compression ${JSON.stringify(opts.compression)}; known: ${COMPRESSION_NAMES.join(', ')}`)
    this.session = new ProducerSession(cluster, opts.transactionalId ?? null, opts.transactionTimeoutMs ?? 60_000)
    this.sender = new ProduceSender(cluster, this.session, {
      lingerMs: opts.lingerMs ?? 0,
      requestTimeoutMs: opts.requestTimeoutMs ?? 30_000,
      compression: compression as CompressionCodec,
    })
    this.sender.addToTransaction = async queues => {
      await this.session.addPartitions(queues)
      this.txnStarted = true
    }
    this.sender.onTransactionalFailure = err => {
      this.txnError ??= err
      if (classifyClientError(err) === 'fenced') this.fatal ??= err
    }
  }

  /** Connects and runs InitProducerId (for a transactional id: fences older owners, finishing their transaction). */
  async connect(): Promise<void> {
    await this.cluster.connect()
    await this.session.init()
    this.sender.resetSequences()
  }

  async disconnect(): Promise<void> {
    await this.sender.idle()
    this.cluster.close()
  }

  send(topic: string, records: readonly OutgoingRecord[]): Promise<SendResult[]> {
    if (records.length === 0) return Promise.resolve([])
    return this.enqueue([{ topic, records }], this.inTxn)
  }

  sendBatch(batches: Batches, transactional: boolean): Promise<(SendResult & { topic: string })[]> {
    return this.enqueue(batches, transactional)
  }

  async beginTransaction(): Promise<void> {
    this.check()
    if (this.opts.transactionalId === undefined) throw new LeanClientStateError('beginTransaction: this producer has no transactionalId')
    if (this.inTxn) throw new LeanClientStateError('A transaction is already open on this producer')
    this.inTxn = true
    this.txnStarted = false
    this.txnError = null
    this.txnGroups.clear()
    this.sender.txnPartitions.clear()
  }

  inTransaction(): boolean {
    return this.inTxn
  }

  sendInTransaction(topic: string, records: readonly OutgoingRecord[]): Promise<SendResult[]> {
    if (records.length === 0) return Promise.resolve([])
    return this.enqueue([{ topic, records }], true)
  }

  /** Offsets committed with the transaction; with group metadata, TxnOffsetCommit v3 lets the coordinator fence a zombie member (KIP-447). */
  async sendOffsetsInTransaction(groupId: string, offsets: readonly TopicPartitionOffset[], group?: GroupMetadata): Promise<void> {
    this.requireTxn()
    if (offsets.length === 0) return
    try {
      if (!this.txnGroups.has(groupId)) {
        await this.session.addOffsets(groupId)
        this.txnGroups.add(groupId)
        this.txnStarted = true
      }
      await this.session.commitOffsets(groupId, offsets, group)
    } catch (err) {
      this.txnError ??= err
      if (classifyClientError(err) === 'fenced') this.fatal ??= err
      throw err
    }
  }

  async commitTransaction(): Promise<void> {
    this.requireTxn()
    this.inTxn = false
    await this.sender.idle()
    const failed = this.txnError
    if (failed !== null) {
      // A send of this transaction failed: it can only abort (unless the producer was fenced).
      if (this.fatal === null && this.txnStarted) await this.session.endTxn(false).catch(() => {})
      throw failed
    }
    if (this.txnStarted) await this.endTxn(true)
  }

  async abortTransaction(): Promise<void> {
    if (!this.inTxn) return
    this.inTxn = false
    await this.sender.idle()
    if (this.fatal !== null) throw this.fatal
    if (this.txnStarted) await this.endTxn(false)
  }

  private async endTxn(commit: boolean): Promise<void> {
    try {
      await this.session.endTxn(commit)
    } catch (err) {
      if (classifyClientError(err) === 'fenced') this.fatal ??= err
      throw err
    }
  }

  private check(): void {
    if (this.fatal !== null) throw this.fatal
  }

  private requireTxn(): void {
    this.check()
    if (!this.inTxn) throw new LeanClientStateError('No open transaction on this producer')
  }

  private enqueue(batches: Batches, transactional: boolean): Promise<(SendResult & { topic: string })[]> {
    if (this.fatal !== null) return Promise.reject(this.fatal)
    if (transactional && !this.inTxn) return Promise.reject(new LeanClientStateError('No open transaction on this producer'))
    const context = () => ({ transactionalId: this.opts.transactionalId ?? null, topics: batches.map(b => ({ topic: b.topic, records: b.records.length })) })
    return traced(produceChannel, context, () => this.place(batches, transactional))
  }

  /** Assigns each record its partition and queues it; waits for metadata only for a topic not yet known. */
  private async place(batches: Batches, transactional: boolean): Promise<(SendResult & { topic: string })[]> {
    if (this.placing !== null || batches.some(b => b.records.length > 0 && !this.cluster.cached(b.topic))) {
      const before = this.placing
      const ready = (async () => {
        if (before !== null) await before.catch(() => {})
        for (const b of batches) if (b.records.length > 0 && !this.cluster.cached(b.topic)) await this.topicInfo(b.topic)
      })()
      this.placing = ready
      try {
        await ready
      } finally {
        if (this.placing === ready) this.placing = null
      }
    }
    const send = new PendingSend()
    for (const b of batches) {
      const records = b.records
      if (records.length === 0) continue
      const count = this.cluster.cached(b.topic)!.partitions.length
      for (let i = 0; i < records.length; i++) {
        const p = records[i]!.partition
        if (p >= count) throw new KafkaResponseError(3, this.cluster.any().address, 'Produce', `${b.topic}-${p}`, `the topic has ${count} partitions`)
      }
    }
    for (const b of batches) {
      const records = b.records
      if (records.length === 0) continue
      const count = this.cluster.cached(b.topic)!.partitions.length
      const queues = this.sender.queues(b.topic)
      for (let i = 0; i < records.length; i++) {
        const r = records[i]!
        let p = r.partition
        if (p < 0) p = r.key !== null ? partitionForKey(r.key, count) : this.nextRoundRobin(b.topic, count)
        this.sender.add(queues, b.topic, p, send, r)
      }
    }
    if (send.remaining === 0) return []
    this.sender.queued(send, transactional)
    return send.promise
  }

  private async topicInfo(topic: string): Promise<void> {
    await this.cluster.retry(async () => {
      const info = (await this.cluster.metadata([topic], true)).get(topic)
      if (!info) throw new KafkaResponseError(3, this.cluster.any().address, 'Metadata', `topic ${topic}`)
    }, { retries: 5 })
  }

  private nextRoundRobin(topic: string, count: number): number {
    const n = this.roundRobin.get(topic) ?? Math.floor(Math.random() * count)
    this.roundRobin.set(topic, n + 1)
    return n % count
  }
}
