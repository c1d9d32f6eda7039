/**
 * Headers a `{ deadLetterTopic }` handler's record carries: what failed, where the record came
 * from (the runtime and the test driver alike). Kept as they are: operations docs and users'
 * consumers read them. `deadLetterQueueTopic` uses Kafka Streams' format (dead-letter-queue.ts).
 */
export function errorHeaders(error: Error, topic: string, partition: number, offset: number): Record<string, string> {
  return {
    'kstreams.error.class': error.name,
    'kstreams.error.message': error.message,
    'kstreams.error.topic': topic,
    'kstreams.error.partition': String(partition),
    'kstreams.error.offset': String(offset),
  }
}

/** Kafka Streams' dead-letter-queue header names (KIP-1034, ExceptionHandlerUtils). */
export const DLQ_HEADERS = {
  exception: '__streams.errors.exception',
  message: '__streams.errors.message',
  stacktrace: '__streams.errors.stacktrace',
  topic: '__streams.errors.topic',
  partition: '__streams.errors.partition',
  offset: '__streams.errors.offset',
} as const
