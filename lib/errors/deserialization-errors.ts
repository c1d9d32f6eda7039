import type { RecordCollector } from '../../stores/state-store.js'
import { deadLetterQueueRecord, sendDeadLetter } from '../../topology/internals/dead-letter-queue.js'
import type { DeserializationHandler } from '../../topology/internals/task-types.js'
import type { DeserializationExceptionHandler, Logger } from '../config/types.js'
import { errorHeaders } from './dead-letter.js'

/**
 * Turns the configured deserializationExceptionHandler into the task's handler. A dead-letter
 * record goes through the task's collector, so under exactly-once it commits with the task's
 * transaction: the bad record is parked exactly once.
 */
export function deserializationHandlerFor(
  handler: DeserializationExceptionHandler,
  logger: Logger,
  collector: RecordCollector,
  onDropped: () => void,
  deadLetterQueueTopic: string | null = null,
): DeserializationHandler {
  const decide = decider(handler, logger, collector, onDropped)
  if (deadLetterQueueTopic === null || typeof handler === 'object') return decide
  // Kafka Streams' built-in handlers write the DLQ record whatever they answer (KIP-1034)
  return (error, record) => {
    const response = decide(error, record)
    const origin = { topic: record.topic, partition: record.partition, offset: record.offset, timestamp: record.timestamp }
    sendDeadLetter(collector, deadLetterQueueTopic, deadLetterQueueRecord(error, origin, record.key, record.value), response === 'FAIL')
    return response
  }
}

function decider(handler: DeserializationExceptionHandler, logger: Logger, collector: RecordCollector, onDropped: () => void): DeserializationHandler {
  return (error, record) => {
    if (handler === 'logAndFail') {
      logger.error(
        { topic: record.topic, partition: record.partition, offset: record.offset, err: error },
        `Deserialization failed at ${record.topic}-${record.partition} offset ${record.offset}; stopping`,
      )
      return 'FAIL'
    }
    if (handler === 'logAndContinue') {
      logger.warn(
        { topic: record.topic, partition: record.partition, offset: record.offset, err: error },
        `Skipping record at ${record.topic}-${record.partition} offset ${record.offset}: deserialization failed`,
      )
      onDropped()
      return 'CONTINUE'
    }
    if (typeof handler === 'function') {
      const r = handler({ topic: record.topic, partition: record.partition, offset: record.offset, key: record.key, value: record.value, error })
      if (r === 'CONTINUE') onDropped()
      return r
    }
    collector.send(
      handler.deadLetterTopic,
      {
        key: record.key,
        value: record.value,
        timestamp: record.timestamp,
        headers: { ...(record.headers ?? {}), ...errorHeaders(error, record.topic, record.partition, record.offset) },
      },
      -1,
    )
    onDropped()
    return 'CONTINUE'
  }
}
