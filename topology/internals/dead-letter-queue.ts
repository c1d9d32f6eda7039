import type { ChangelogRecord, Headers, RecordCollector } from '../../stores/state-store.js'
import { DLQ_HEADERS } from './dead-letter-headers.js'

/** Where the failed record came from: the source record's context (topic null in a punctuation). */
export interface DeadLetterOrigin {
  topic: string | null
  partition: number
  offset: number
  timestamp: number
}

/** A header value as Kafka's StringSerializer writes it: UTF-8, or a null value for null. */
function utf8(s: string | null): Buffer | undefined {
  return s === null ? undefined : Buffer.from(s, 'utf8')
}

/**
 * The message as Java's getMessage(): an error made without one (`new Error()`) has none, as a
 * Java exception made without one, so the header's value is null.
 */
function messageOf(error: Error): string | null {
  return typeof error.message === 'string' && error.message.length > 0 ? error.message : null
}

/**
 * Kafka Streams' dead-letter-queue record (ExceptionHandlerUtils.buildDeadLetterQueueRecord): the
 * source record's raw key and value bytes as they were read, its timestamp, the default
 * partitioner, and only the six error headers, each UTF-8 text: the error as its toString()
 * (`Name: message`, Java's `Class: message`), the message, the stack trace, and the source
 * record's topic, partition and offset as decimal strings (Kafka writes String.valueOf, not
 * binary numbers).
 */
export function deadLetterQueueRecord(error: Error, origin: DeadLetterOrigin, rawKey: Buffer | null, rawValue: Buffer | null): ChangelogRecord {
  const message = messageOf(error)
  const name = typeof error.name === 'string' && error.name.length > 0 ? error.name : 'Error'
  const text = message === null ? name : `${name}: ${message}`
  const headers: Headers = {
    [DLQ_HEADERS.exception]: utf8(text),
    [DLQ_HEADERS.message]: utf8(message),
    [DLQ_HEADERS.stacktrace]: utf8(typeof error.stack === 'string' ? error.stack : text),
    [DLQ_HEADERS.topic]: utf8(origin.topic),
    [DLQ_HEADERS.partition]: utf8(String(origin.partition)),
    [DLQ_HEADERS.offset]: utf8(String(origin.offset)),
  }
  return { key: rawKey, value: rawValue, timestamp: origin.timestamp, headers }
}

/**
 * Sends a dead-letter record through the task's own collector, so under exactly-once it commits
 * (or aborts) with the task's transaction. When the handler also fails the task, what is
 * buffered starts out at once: under at-least-once the record is then written even though the
 * task stops, as Kafka Streams' producer has it in flight; under exactly-once it stays in the
 * transaction, which aborts: read_committed consumers never see it.
 */
export function sendDeadLetter(collector: RecordCollector, topic: string, record: ChangelogRecord, failing: boolean): void {
  collector.send(topic, record, -1) // the producer's default partitioner, as Kafka's null partition
  if (failing) (collector as { sendBeforeFailure?: () => void }).sendBeforeFailure?.()
}
