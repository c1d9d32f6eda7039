import { registerErrorReader, type ErrorLinkFacts } from '../errors.js'

/** kafkajs errors that mean the network or a broker could not be reached (it already retried). */
const NETWORK_ERRORS = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSNoBrokerAvailableError',
  'KafkaJSLockTimeout',
  'KafkaJSGroupCoordinatorNotFound',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSTopicMetadataNotLoaded',
  'KafkaJSStaleTopicMetadataAssignment',
])

/**
 * Reads one kafkajs error: KafkaJSProtocolError (and its subclasses) carry the broker's error code
 * as a number beside its `type`; wrappers (KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded)
 * keep the original as `cause`; KafkaJSAggregateError lists several in `errors`.
 */
export function readKafkajsError(err: object): ErrorLinkFacts | null {
  const e = err as { name?: unknown; code?: unknown; type?: unknown; retriable?: unknown; cause?: unknown; originalError?: unknown; errors?: unknown }
  if (typeof e.name !== 'string' || !e.name.startsWith('KafkaJS')) return null
  const causes: unknown[] = [e.cause, e.originalError]
  if (Array.isArray(e.errors)) causes.push(...e.errors)
  return {
    kafkaCode: typeof e.code === 'number' && typeof e.type === 'string' && e.code > 0 ? e.code : unknownCodeOf(e),
    network: NETWORK_ERRORS.has(e.name),
    retriable: typeof e.retriable === 'boolean' ? e.retriable : undefined,
    causes,
  }
}

/**
 * kafkajs 2.2.4's error table stops at code 88, so newer codes (PRODUCER_FENCED 90 among them)
 * arrive as KAFKAJS_UNKNOWN_ERROR_CODE with code -99; the broker's code is then only in the text
 * kafkajs builds for it, "Unknown error code <n>". Reading that fixed format here, at the adapter,
 * keeps the code without changing kafkajs's table for the rest of the process.
 */
function unknownCodeOf(e: { type?: unknown; message?: unknown }): number | undefined {
  if (e.type !== 'KAFKAJS_UNKNOWN_ERROR_CODE' || typeof e.message !== 'string') return undefined
  const m = /^Unknown error code (\d+)$/.exec(e.message)
  return m ? Number(m[1]) : undefined
}

registerErrorReader(readKafkajsError)
