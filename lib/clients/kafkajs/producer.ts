import { type Kafka, type Message, type Producer, type RecordMetadata, type Transaction } from 'kafkajs'
import { streamsPartitioner } from './partitioner.js'
import { produceChannel, traced } from '../../tracing/channels.js'
import type { OutgoingRecord, RecordProducer, SendResult, TopicPartitionOffset } from '../types.js'

function toMessages(records: readonly OutgoingRecord[]): Message[] {
  const out = new Array<Message>(records.length)
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!
    out[i] = {
      key: r.key,
      value: r.value,
      partition: r.partition >= 0 ? r.partition : undefined,
      timestamp: String(r.timestamp),
      headers: r.headers as Message['headers'],
    }
  }
  return out
}

/** The produce trace's context: records per topic of one request. */
function produceContext(transactionalId: string | null, batches: readonly { topic: string; messages: readonly unknown[] }[]) {
  return () => ({ transactionalId, topics: batches.map(b => ({ topic: b.topic, records: b.messages.length })) })
}

function toResults(meta: RecordMetadata[]): SendResult[] {
  return meta.map(m => ({ partition: m.partition, baseOffset: Number(m.baseOffset) }))
}

export interface ProducerOptions {
  /** Set for exactly-once: one per task, `<applicationId>-<taskId>`. */
  transactionalId?: string
  transactionTimeoutMs?: number
}

export class KafkajsRecordProducer implements RecordProducer {
  private readonly producer: Producer
  private txn: Transaction | null = null
  private beginning: Promise<void> | null = null
  private readonly transactional: boolean
  private readonly transactionalId: string | null

  constructor(kafka: Kafka, opts: ProducerOptions = {}) {
    const transactional = opts.transactionalId !== undefined
    this.transactional = transactional
    this.transactionalId = opts.transactionalId ?? null
    this.producer = kafka.producer({
      allowAutoTopicCreation: false,
      createPartitioner: streamsPartitioner,
      idempotent: transactional,
      ...(transactional
        ? { transactionalId: opts.transactionalId, maxInFlightRequests: 1, transactionTimeout: opts.transactionTimeoutMs }
        : {}),
    })
  }

  /**
   * For a transactional producer, connecting runs InitProducerId: it fences older owners of the
   * id and completes or aborts their open transaction. (kafkajs itself would only do so at the
   * first transaction, after the caller has already read offsets and changelogs.)
   */
  async connect(): Promise<void> {
    await this.producer.connect()
    if (this.transactional) {
      const t = await this.producer.transaction()
      await t.abort()
    }
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect()
  }

  async send(topic: string, records: readonly OutgoingRecord[]): Promise<SendResult[]> {
    if (records.length === 0) return []
    const messages = toMessages(records)
    return traced(produceChannel, produceContext(this.transactionalId, [{ topic, messages }]), async () =>
      toResults(await this.producer.send({ topic, acks: -1, messages })))
  }

  async sendBatch(
    batches: readonly { topic: string; records: readonly OutgoingRecord[] }[],
    transactional: boolean,
  ): Promise<(SendResult & { topic: string })[]> {
    const topicMessages = batches.filter(b => b.records.length > 0).map(b => ({ topic: b.topic, messages: toMessages(b.records) }))
    if (topicMessages.length === 0) return []
    const sender = transactional ? this.current() : this.producer
    return traced(produceChannel, produceContext(this.transactionalId, topicMessages), async () => {
      const meta = await sender.sendBatch({ acks: -1, topicMessages })
      return meta.map(m => ({ topic: m.topicName, partition: m.partition, baseOffset: Number(m.baseOffset) }))
    })
  }

  /** Concurrent callers (parallel sends of one task) share the one transaction being begun. */
  beginTransaction(): Promise<void> {
    if (this.txn) return Promise.reject(new Error('A transaction is already open on this producer'))
    this.beginning ??= this.producer
      .transaction()
      .then(t => {
        this.txn = t
      })
      .finally(() => {
        this.beginning = null
      })
    return this.beginning
  }

  inTransaction(): boolean {
    return this.txn !== null
  }

  private current(): Transaction {
    if (!this.txn) throw new Error('No open transaction on this producer')
    return this.txn
  }

  async sendInTransaction(topic: string, records: readonly OutgoingRecord[]): Promise<SendResult[]> {
    if (records.length === 0) return []
    const messages = toMessages(records)
    const txn = this.current()
    return traced(produceChannel, produceContext(this.transactionalId, [{ topic, messages }]), async () =>
      toResults(await txn.send({ topic, acks: -1, messages })))
  }

  async sendOffsetsInTransaction(groupId: string, offsets: readonly TopicPartitionOffset[]): Promise<void> {
    if (offsets.length === 0) return
    const byTopic = new Map<string, { partition: number; offset: string; metadata: string | null }[]>()
    for (const o of offsets) {
      if (!byTopic.has(o.topic)) byTopic.set(o.topic, [])
      byTopic.get(o.topic)!.push({ partition: o.partition, offset: String(o.offset), metadata: o.metadata ?? null })
    }
    await this.current().sendOffsets({
      consumerGroupId: groupId,
      topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
    })
  }

  async commitTransaction(): Promise<void> {
    const t = this.current()
    this.txn = null
    await t.commit()
  }

  async abortTransaction(): Promise<void> {
    const t = this.txn
    this.txn = null
    if (t && t.isActive()) await t.abort()
  }
}
