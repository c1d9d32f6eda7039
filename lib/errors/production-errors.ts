import type { Logger, ProductionExceptionHandler } from '../config/types.js'
import type { OutgoingRecord, RecordProducer } from '../clients/types.js'
import { errorHeaders } from './dead-letter.js'

/**
 * Applies the productionExceptionHandler to records whose send failed (after the client's own
 * retries): 'fail' stops the task, 'continue' drops them with a warning, `{ deadLetterTopic }`
 * sends them there with the error in headers, a function decides per record.
 */
export class ProductionErrorRouter {
  constructor(
    private readonly handler: ProductionExceptionHandler,
    private readonly logger: Logger,
    private readonly dlqProducer: () => RecordProducer,
    private readonly onDropped: (n: number) => void = () => {},
  ) {}

  async handle(topic: string, records: readonly OutgoingRecord[], error: Error): Promise<'CONTINUE' | 'FAIL'> {
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
}
