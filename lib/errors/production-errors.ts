import type { DeadLetter, ProductionErrorHandler, ProductionResponse } from '../../topology/internals/collector-types.js'
import type { SerializationError } from '../../topology/serdes/serde-errors.js'
import type { Logger, ProductionExceptionHandler } from '../config/types.js'
import type { OutgoingRecord, RecordProducer } from '../clients/types.js'
import { classifyClientError } from '../clients/errors.js'
import { errorHeaders } from './dead-letter.js'

/** Error kinds the production exception handler decides on (the records may be at fault). */
const RECORD_FAULTS = new Set(['fatal', 'authorization', 'unknown_topic'])

/**
 * Applies the productionExceptionHandler to records whose send failed (after the client's own
 * retries) or that a sink could not serialize: 'fail' stops the task, 'continue' drops them with a
 * warning, `{ deadLetterTopic }` sends them there with the error in headers, a function decides
 * per record. The task's record collector asks it.
 */
export class ProductionErrorRouter implements ProductionErrorHandler {
  readonly writesDeadLetters: boolean

  constructor(
    private readonly handler: ProductionExceptionHandler,
    private readonly logger: Logger,
    private readonly dlqProducer: () => RecordProducer,
    private readonly onDropped: (n: number) => void = () => {},
  ) {
    this.writesDeadLetters = typeof handler === 'object'
  }

  /** A broker that is away or moving is not the records' fault: the task restarts from its last commit instead. */
  isRecordFault(error: Error): boolean {
    return RECORD_FAULTS.has(classifyClientError(error))
  }

  async handle(topic: string, records: readonly OutgoingRecord[], error: Error): Promise<ProductionResponse> {
    const h = this.handler
    if (h === 'fail') return 'FAIL'
    if (h === 'continue') {
      this.logger.warn({ topic, err: error }, `Dropping ${records.length} record(s) that could not be sent to ${topic}`)
      this.onDropped(records.length)
      return 'CONTINUE'
    }
    if (typeof h === 'function') {
      for (const r of records) {
        if (h({ topic, partition: r.partition, key: r.key, value: r.value, error }) === 'FAIL') return 'FAIL'
      }
      this.onDropped(records.length)
      return 'CONTINUE'
    }
    await this.dlqProducer().send(
      h.deadLetterTopic,
      records.map(r => ({
        key: r.key,
        value: r.value,
        timestamp: r.timestamp,
        partition: -1,
        headers: { ...(r.headers ?? {}), ...errorHeaders(error, topic, r.partition, -1) },
      })),
    )
    this.logger.warn(
      { topic, deadLetterTopic: h.deadLetterTopic, err: error },
      `Sent ${records.length} record(s) that could not be sent to ${topic} to dead-letter topic ${h.deadLetterTopic}`,
    )
    return 'CONTINUE'
  }

  /**
   * A record a sink could not serialize (Kafka's handleSerializationException): the context has
   * no value bytes (and the key's only when the value alone failed); a dead-letter record carries
   * the error in headers (the collector puts the source record's bytes in it) and goes out with
   * the task's other output.
   */
  handleSerializationError(topic: string, key: Buffer | null, timestamp: number, error: SerializationError): ProductionResponse | DeadLetter {
    const h = this.handler
    if (h === 'fail') return 'FAIL'
    if (typeof h === 'function') {
      if (h({ topic, partition: -1, key, value: null, error }) === 'FAIL') return 'FAIL'
      this.onDropped(1)
      return 'CONTINUE'
    }
    if (h === 'continue') {
      this.logger.warn({ topic, err: error }, `Dropping a record that could not be serialized for ${topic}`)
      this.onDropped(1)
      return 'CONTINUE'
    }
    this.logger.warn(
      { topic, deadLetterTopic: h.deadLetterTopic, err: error },
      `Sending a record that could not be serialized for ${topic} to dead-letter topic ${h.deadLetterTopic}`,
    )
    return { topic: h.deadLetterTopic, record: { key, value: null, timestamp, headers: errorHeaders(error, topic, -1, -1) } }
  }
}
