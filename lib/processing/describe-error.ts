import { kafkaCodeOf } from '../clients/errors.js'

/** Log fields for a client error: the error and, when it has one, its Kafka error code. */
export function describeError(err: unknown): Record<string, unknown> {
  const code = kafkaCodeOf(err)
  return { err, ...(code !== null ? { kafkaErrorCode: code } : {}) }
}
