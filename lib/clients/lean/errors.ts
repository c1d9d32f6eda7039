import { errorInfo } from '../../../protocol/errors.js'
import { registerErrorReader, type ErrorLinkFacts } from '../errors.js'

/**
 * A broker answered a request with a Kafka error code. The message names the broker, the API and
 * version, and what the code was about (a topic-partition, a group, a transactional id); the
 * runtime reads `code` (through lib/clients/errors.ts), never the message.
 */
export class KafkaResponseError extends Error {
  override readonly name = 'KafkaResponseError'
  readonly codeName: string
  readonly retriable: boolean

  constructor(
    readonly code: number,
    readonly broker: string,
    readonly api: string,
    readonly subject: string | null = null,
    detail?: string | null,
  ) {
    const info = errorInfo(code)
    const about = subject ? ` for ${subject}` : ''
    super(`${api} to broker ${broker}${about} failed: ${info.name} (error code ${code}): ${detail ?? info.message}`)
    this.codeName = info.name
    this.retriable = info.retriable
  }
}

/** Why a request never got an answer. */
export type NetworkFailure = 'connect' | 'closed' | 'timeout' | 'tls' | 'sasl'

/**
 * A request to a broker that got no answer: the connection could not be opened, was lost with the
 * request in flight, or the answer did not come within the request timeout. Retriable (except a
 * failed authentication): the next use of the connection reconnects.
 */
export class BrokerNetworkError extends Error {
  override readonly name = 'BrokerNetworkError'
  constructor(
    readonly failure: NetworkFailure,
    readonly broker: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }

  get retriable(): boolean {
    return this.failure !== 'sasl'
  }
}

/** A response the client cannot read (truncated, corrupt, a CRC mismatch): the connection is dropped. */
export class CorruptResponseError extends Error {
  override readonly name = 'CorruptResponseError'
  constructor(readonly broker: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
  }
}

/** The client itself was used wrongly or closed (not a broker's answer). */
export class LeanClientStateError extends Error {
  override readonly name = 'LeanClientStateError'
}

/** How the runtime's error classification reads this client's errors. */
export function readLeanError(err: object): ErrorLinkFacts | null {
  if (err instanceof KafkaResponseError) return { kafkaCode: err.code, retriable: err.retriable, causes: [err.cause] }
  if (err instanceof BrokerNetworkError) return { network: err.retriable, retriable: err.retriable, causes: [err.cause] }
  // A corrupt answer is worth one more try on a fresh connection (Kafka's CORRUPT_MESSAGE is retriable too).
  if (err instanceof CorruptResponseError) return { retriable: true, causes: [err.cause] }
  return null
}

registerErrorReader(readLeanError)
