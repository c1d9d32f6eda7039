import { createRequire } from 'node:module'
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
    kafkaCode: typeof e.code === 'number' && typeof e.type === 'string' && e.code > 0 ? e.code : undefined,
    network: NETWORK_ERRORS.has(e.name),
    retriable: typeof e.retriable === 'boolean' ? e.retriable : undefined,
    causes,
  }
}

registerErrorReader(readKafkajsError)

interface KafkajsErrorCode {
  type: string
  code: number
  retriable: boolean
  message: string
}

/**
 * Error codes newer than kafkajs 2.2.4's table (it stops at 88). Without them kafkajs reports
 * e.g. PRODUCER_FENCED (90), which brokers send to fenced transactional producers, as
 * KAFKAJS_UNKNOWN_ERROR_CODE and the code is lost. Entries already present are left alone.
 */
const MISSING_CODES: KafkajsErrorCode[] = [
  { type: 'THROTTLING_QUOTA_EXCEEDED', code: 89, retriable: true, message: 'The throttling quota has been exceeded' },
  { type: 'PRODUCER_FENCED', code: 90, retriable: false, message: 'There is a newer producer with the same transactionalId which fences the current one' },
  { type: 'UNKNOWN_TOPIC_ID', code: 100, retriable: true, message: 'This server does not host this topic ID' },
  { type: 'TRANSACTIONAL_ID_NOT_FOUND', code: 105, retriable: false, message: 'The transactionalId could not be found' },
]

let extended = false

/** Adds the missing codes to kafkajs's error table (looked up at each error, so this suffices). */
export function extendKafkajsErrorCodes(): void {
  if (extended) return
  extended = true
  const require = createRequire(import.meta.url)
  const table = (require('kafkajs/src/protocol/error.js') as { errorCodes: KafkajsErrorCode[] }).errorCodes
  for (const c of MISSING_CODES) if (!table.some(e => e.code === c.code)) table.push(c)
}
