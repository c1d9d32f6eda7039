// Which client errors are worth redoing rather than failing the application for.
const RETRIABLE_NAMES = new Set([
  'KafkaJSConnectionClosedError',
  'KafkaJSConnectionError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSBrokerNotFound',
  'KafkaJSLockTimeout',
  'KafkaJSGroupCoordinatorNotFound',
])

/**
 * Errors from the network or a broker that is briefly unavailable (the client already retried):
 * the operation may succeed when redone, so they never take the application down.
 */
export function isRetriableClientError(err: unknown): boolean {
  const e = err as { retriable?: boolean; name?: string; cause?: unknown; originalError?: unknown } | null
  if (!e) return false
  if (e.retriable === true || RETRIABLE_NAMES.has(e.name ?? '')) return true
  return /Closed connection|Connection error|ECONNREFUSED|ECONNRESET|Broker not connected|find group coordinator|coordinator is not available/i.test((err as Error).message ?? '')
}
