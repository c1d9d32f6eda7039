import type { ChangelogRecord, Headers, RecordCollector, RecordContext } from '../../stores/state-store.js'
import type { Record } from '../processor/record.js'
import { SerializationError } from '../serdes/serde-errors.js'
import type { CollectorProducer, ProducedAck, ProducedRecord, ProductionErrorHandler, SinkSerialization } from './collector-types.js'
import { deadLetterQueueRecord, sendDeadLetter } from './dead-letter-queue.js'
import { markJudged } from './processing-errors.js'
import { NO_RECORD_CONTEXT, sourceOf } from './record-context-scope.js'

/** Partition -1 asks the producer for its default partitioner (murmur2 of the key bytes). */
export const DEFAULT_PARTITION = -1

/** Records buffered before a send starts in the background (batches share one request). */
const SEND_BATCH_RECORDS = 500

/** A collector a sink can hand unserialized records to. */
export interface SinkRecordCollector extends RecordCollector {
  /** Serializes, partitions and sends; a promise only when a serde answers asynchronously. */
  sendRecord(topic: string, record: Record<unknown, unknown>, sink: SinkSerialization): void | Promise<void>
}

/**
 * Serialization and partitioning of a sink's records (Kafka's RecordCollectorImpl.send with
 * serializers): the one place they happen, whatever the collector does with the bytes next.
 */
abstract class SerializingCollector implements SinkRecordCollector {
  abstract send(topic: string, record: ChangelogRecord, partition: number): void

  /** Where serialized records go; `headers` and `timestamp` are the record's own. */
  protected abstract deliver(topic: string, key: Buffer | null, value: Buffer | null, timestamp: number, headers: Headers | undefined, partition: number): void

  /** A serde threw: by default the task fails with the error (decided: the processing handler is not asked). */
  protected serializationFailed(_topic: string, _key: Buffer | null, _timestamp: number, error: SerializationError): void {
    markJudged(error)
    throw error
  }

  sendRecord(topic: string, record: Record<unknown, unknown>, sink: SinkSerialization): void | Promise<void> {
    let key: Buffer | null | Promise<Buffer | null>
    let value: Buffer | null | Promise<Buffer | null>
    try {
      key = sink.keySerde.serialize(topic, record.key)
    } catch (err) {
      return this.serializationFailed(topic, null, record.timestamp, serializationError(sink, topic, err))
    }
    try {
      value = sink.valueSerde.serialize(topic, record.value)
    } catch (err) {
      if (key instanceof Promise) key.catch(() => {}) // the value's error is the one reported
      return this.serializationFailed(topic, key instanceof Promise ? null : key, record.timestamp, serializationError(sink, topic, err))
    }
    if (key instanceof Promise || value instanceof Promise) return this.sendAsync(topic, record, sink, key, value)
    this.deliver(topic, key, value, record.timestamp, record.headers, choosePartition(topic, record, sink))
  }

  private async sendAsync(
    topic: string,
    record: Record<unknown, unknown>,
    sink: SinkSerialization,
    keyP: Buffer | null | Promise<Buffer | null>,
    valueP: Buffer | null | Promise<Buffer | null>,
  ): Promise<void> {
    let key: Buffer | null = null
    let value: Buffer | null
    if (valueP instanceof Promise) valueP.catch(() => {}) // awaited below unless the key fails first
    try {
      key = await keyP
    } catch (err) {
      return this.serializationFailed(topic, null, record.timestamp, serializationError(sink, topic, err))
    }
    try {
      value = await valueP
    } catch (err) {
      return this.serializationFailed(topic, key, record.timestamp, serializationError(sink, topic, err))
    }
    this.deliver(topic, key, value, record.timestamp, record.headers, choosePartition(topic, record, sink))
  }
}

function choosePartition(topic: string, record: Record<unknown, unknown>, sink: SinkSerialization): number {
  const partitioner = sink.partitioner
  if (!partitioner) return DEFAULT_PARTITION
  const count = sink.partitionCount(topic)
  if (count === undefined) return DEFAULT_PARTITION
  const chosen = partitioner(topic, record.key, record.value, count)
  if (chosen === undefined || chosen === null) return DEFAULT_PARTITION
  if (typeof chosen !== 'number' || !Number.isInteger(chosen) || chosen < 0 || chosen >= count) {
    throw new RangeError(`Sink ${sink.sinkName}: the stream partitioner chose partition ${chosen} of topic ${topic}, which has ${count}`)
  }
  return chosen
}

function serializationError(sink: SinkSerialization, topic: string, err: unknown): SerializationError {
  const message = err instanceof Error ? err.message : String(err)
  const hint = sink.usesDefaultSerdes ? ' (this sink uses the default serdes; name them with Produced.with(keySerde, valueSerde))' : ''
  return new SerializationError(`Sink ${sink.sinkName} could not serialize a record for topic "${topic}": ${message}${hint}`, topic, { cause: err })
}

/** A plain RecordCollector (a test's capture) behind a sink: serialized records go straight to its send. */
class DirectCollector extends SerializingCollector {
  constructor(private readonly inner: RecordCollector) {
    super()
  }
  send(topic: string, record: ChangelogRecord, partition: number): void {
    this.inner.send(topic, record, partition)
  }
  protected deliver(topic: string, key: Buffer | null, value: Buffer | null, timestamp: number, headers: Headers | undefined, partition: number): void {
    this.inner.send(topic, { key, value, timestamp, headers }, partition)
  }
}

/** The collector a sink sends through: the task's own, or a plain one wrapped once. */
export function sinkCollectorOf(collector: RecordCollector): SinkRecordCollector {
  return collector instanceof SerializingCollector ? collector : new DirectCollector(collector)
}

export interface RecordCollectorOptions {
  /** Under exactly-once the records go into the producer's open transaction, begun on first use. */
  transactional: boolean
  /** The production exception handler; without one every failure fails the task. */
  errors?: ProductionErrorHandler
  /**
   * Kafka Streams' dead-letter-queue topic: a record the production handler decided on (CONTINUE
   * or FAIL) is written there as the source record's raw bytes with the `__streams.errors.*`
   * headers. A `{ deadLetterTopic }` handler writes its own record instead.
   */
  deadLetterQueueTopic?: string | null
}

/**
 * A task's record collector, used by the runtime (client producer) and the test driver (in-memory
 * producer) alike: serializes and partitions sinks' records, buffers sends per topic and ships
 * them in batches, routes failures to the production exception handler, and tracks the offsets
 * of acknowledged records per partition (changelog positions for checkpoints).
 */
export class RecordCollectorImpl extends SerializingCollector {
  private buffer = new Map<string, ProducedRecord[]>()
  private buffered = 0
  /** Settles after every send begun; sends start one after another unless the producer keeps their order (see kick). */
  private chain: Promise<void> = Promise.resolve()
  private error: Error | null = null
  /** topic → partition → next offset after the last acked record, for partitions sent explicitly. */
  private readonly acked = new Map<string, Map<number, number>>()
  private readonly transactional: boolean
  private readonly errors: ProductionErrorHandler | undefined
  private readonly deadLetterQueueTopic: string | null
  /** The record context of the code running now; the task binds its own (see bindRecordContext). */
  private recordContext: () => RecordContext = () => NO_RECORD_CONTEXT
  sentRecords = 0

  constructor(
    private readonly producer: CollectorProducer,
    options: RecordCollectorOptions,
  ) {
    super()
    this.transactional = options.transactional
    this.errors = options.errors
    this.deadLetterQueueTopic = options.deadLetterQueueTopic ?? null
  }

  /** Where a failed record came from: the task's current record context. */
  bindRecordContext(current: () => RecordContext): void {
    this.recordContext = current
  }

  send(topic: string, record: ChangelogRecord, partition: number): void {
    this.deliver(topic, record.key, record.value, record.timestamp, record.headers, partition)
  }

  protected deliver(topic: string, key: Buffer | null, value: Buffer | null, timestamp: number, headers: Headers | undefined, partition: number): void {
    let list = this.buffer.get(topic)
    if (!list) {
      list = []
      this.buffer.set(topic, list)
    }
    // the context only when a dead-letter queue may need it: no extra work per record otherwise
    list.push(this.deadLetterQueueTopic === null ? { key, value, timestamp, headers, partition } : { key, value, timestamp, headers, partition, context: this.recordContext() })
    if (++this.buffered >= SEND_BATCH_RECORDS) this.kick()
  }

  protected override serializationFailed(topic: string, key: Buffer | null, timestamp: number, error: SerializationError): void {
    const decision = this.errors ? this.errors.handleSerializationError(topic, key, timestamp, error) : 'FAIL'
    if (typeof decision === 'object') {
      // the record has no bytes to write: the dead letter carries the source record's, as they
      // were read (as Kafka's DLQ does), so it can be replayed; without one (a punctuation), the key
      const source = sourceOf(this.recordContext())
      this.send(decision.topic, source === null ? decision.record : { ...decision.record, key: source.key, value: source.value }, DEFAULT_PARTITION)
      return
    }
    const dlq = this.deadLetterQueueTopic
    if (dlq !== null) {
      // Kafka's DLQ record is the source record's, not the one that failed to serialize
      const ctx = this.recordContext()
      const source = sourceOf(ctx)
      const origin = { topic: ctx.topic === '' ? null : ctx.topic, partition: ctx.partition, offset: ctx.offset, timestamp: ctx.timestamp }
      sendDeadLetter(this, dlq, deadLetterQueueRecord(error, origin, source?.key ?? null, source?.value ?? null), decision === 'FAIL')
    }
    if (decision === 'FAIL') {
      markJudged(error)
      throw error
    }
  }

  /**
   * Starts sending what is buffered, without waiting. The runtime calls this when a task's input
   * runs dry, so output never waits for the commit interval at moderate rates.
   */
  sendBuffered(): void {
    this.kick()
  }

  /**
   * A handler failed the task after a dead-letter record: under at-least-once what is buffered
   * goes out now (the task stops, its producer stays); under exactly-once nothing is started,
   * as the transaction is about to abort and a send begun after the abort would open a new one.
   */
  sendBeforeFailure(): void {
    if (!this.transactional) this.kick()
  }

  private kick(): void {
    if (this.buffered === 0) return
    const batch = this.buffer
    this.buffer = new Map()
    this.buffered = 0
    // sendBatch never rejects, so the chain's tail settles after every earlier send. A producer
    // that keeps the order of sends gets this one now, so batches of successive passes share
    // requests; otherwise (or in a transaction, begun by the first send) it waits its turn.
    if (this.producer.keepsSendOrder === true && !this.transactional) {
      const sending = this.sendBatch(batch)
      this.chain = this.chain.then(() => sending)
    } else {
      this.chain = this.chain.then(() => this.sendBatch(batch))
    }
  }

  private async sendBatch(batch: Map<string, ProducedRecord[]>): Promise<void> {
    const batches = [...batch].map(([topic, records]) => ({ topic, records }))
    try {
      if (this.transactional && !this.producer.inTransaction()) await this.producer.beginTransaction()
      const acks = await this.producer.sendBatch(batches, this.transactional)
      for (const b of batches) this.sentRecords += b.records.length
      this.noteAcks(batch, acks)
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err))
      // Fencing and transaction state errors are never the records' fault: no handler. Nor is a
      // broker that is away or moving: the task restarts from its last commit instead of asking
      // the handler (which could drop the records).
      if (this.transactional || !this.errors?.isRecordFault(e)) {
        this.error ??= e
        return
      }
      for (const b of batches) {
        const decision = await this.errors.handle(b.topic, b.records, e).catch(() => 'FAIL' as const)
        await this.sendFailedToDeadLetterQueue(b, e)
        if (decision === 'FAIL') this.error ??= e
      }
    }
  }

  /**
   * Records whose send failed (after the client's retries), as their source records with the
   * error, straight to the producer (non-transactional: under exactly-once a failed send aborts
   * the transaction and never reaches the handler). Records of the dead-letter topic itself are
   * not sent again; a failure to write them is ignored, as the handler has decided already.
   */
  private async sendFailedToDeadLetterQueue(b: { topic: string; records: readonly ProducedRecord[] }, error: Error): Promise<void> {
    const dlq = this.deadLetterQueueTopic
    if (dlq === null || b.topic === dlq || this.errors?.writesDeadLetters) return
    const records: ProducedRecord[] = []
    for (const r of b.records) {
      const ctx = r.context ?? NO_RECORD_CONTEXT
      const source = sourceOf(ctx)
      const origin = { topic: ctx.topic === '' ? null : ctx.topic, partition: ctx.partition, offset: ctx.offset, timestamp: ctx.timestamp }
      records.push({ ...deadLetterQueueRecord(error, origin, source?.key ?? null, source?.value ?? null), partition: DEFAULT_PARTITION })
    }
    await this.producer.sendBatch([{ topic: dlq, records }], false).catch(() => {})
  }

  private noteAcks(batch: Map<string, ProducedRecord[]>, acks: readonly ProducedAck[]): void {
    for (const ack of acks) {
      if (!(ack.baseOffset >= 0)) continue
      const records = batch.get(ack.topic)
      if (!records) continue
      let n = 0
      for (const r of records) if (r.partition === ack.partition) n++
      if (n === 0) continue
      let partitions = this.acked.get(ack.topic)
      if (!partitions) this.acked.set(ack.topic, (partitions = new Map()))
      const next = ack.baseOffset + n
      if ((partitions.get(ack.partition) ?? -1) < next) partitions.set(ack.partition, next)
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

  /** Next offset of a partition this collector wrote to explicitly (changelogs), once acked. */
  ackedOffset(topic: string, partition: number): number | undefined {
    return this.acked.get(topic)?.get(partition)
  }

  /** Drops what was never sent (a dirty close). */
  discard(): void {
    this.buffer = new Map()
    this.buffered = 0
  }
}
