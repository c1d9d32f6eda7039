import type { DeadLetter, ProducedRecord, ProductionErrorHandler, ProductionResponse } from '../internals/collector-types.js'
import { errorHeaders } from '../internals/dead-letter-headers.js'
import type { SerializationError } from '../serdes/serde-errors.js'
import type { TopologyTestDriverOptions } from './topology-test-driver.js'

/**
 * The production exception handler as the driver applies it, deciding as the runtime's router
 * does: 'continue' drops the record, `{ deadLetterTopic }` writes it there (readable with
 * createOutputTopic) with the error in headers. The in-memory producer never fails a send, so in
 * practice only serialization errors reach it.
 */
export class DriverProductionErrors implements ProductionErrorHandler {
  constructor(private readonly handler: NonNullable<TopologyTestDriverOptions['productionExceptionHandler']>) {}

  /** Nothing goes wrong between the driver and its in-memory partitions but the records themselves. */
  isRecordFault(): boolean {
    return true
  }

  handle(topic: string, records: readonly ProducedRecord[], error: Error): Promise<ProductionResponse> {
    const h = this.handler
    if (typeof h === 'function') {
      for (const r of records) if (h({ topic, partition: r.partition, key: r.key, value: r.value, error }) === 'FAIL') return Promise.resolve('FAIL')
      return Promise.resolve('CONTINUE')
    }
    return Promise.resolve(h === 'fail' ? 'FAIL' : 'CONTINUE')
  }

  handleSerializationError(topic: string, key: Buffer | null, timestamp: number, error: SerializationError): ProductionResponse | DeadLetter {
    const h = this.handler
    if (h === 'fail' || h === 'continue') return h === 'fail' ? 'FAIL' : 'CONTINUE'
    if (typeof h === 'function') return h({ topic, partition: -1, key, value: null, error })
    return { topic: h.deadLetterTopic, record: { key, value: null, timestamp, headers: errorHeaders(error, topic, -1, -1) } }
  }
}
