import { BrokerNetworkError, CorruptResponseError, KafkaResponseError } from '../errors.js'

export interface RetryOptions {
  /** Attempts after the first. Default 8 (about 10 s with the default backoff). */
  retries?: number
  initialBackoffMs?: number
  maxBackoffMs?: number
  /** Called before each retry (refresh metadata, find the coordinator again). */
  onRetry?: (err: unknown) => void | Promise<void>
}

/** Worth another attempt, by the error table's retriable flag or a lost or timed-out request. */
export function isRetriableError(err: unknown): boolean {
  if (err instanceof KafkaResponseError) return err.retriable
  if (err instanceof BrokerNetworkError) return err.retriable
  return err instanceof CorruptResponseError
}

export function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms))
}

/** Runs `fn` until it succeeds or fails for good; retriable errors back off exponentially, with jitter. */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const retries = opts.retries ?? 8
  let backoff = opts.initialBackoffMs ?? 100
  const max = opts.maxBackoffMs ?? 2000
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt)
    } catch (err) {
      if (attempt >= retries || !isRetriableError(err)) throw err
      await opts.onRetry?.(err)
      await sleep(backoff * (0.8 + Math.random() * 0.4))
      backoff = Math.min(max, backoff * 2)
    }
  }
}

/** Errors after which the partition's leader must be looked up again. */
export function isStaleMetadata(err: unknown): boolean {
  if (err instanceof BrokerNetworkError) return true
  if (!(err instanceof KafkaResponseError)) return false
  const c = err.code
  return c === 3 || c === 5 || c === 6 || c === 74 || c === 75 || c === 100
}

/** Errors after which the coordinator must be looked up again. */
export function isCoordinatorMoved(err: unknown): boolean {
  if (err instanceof BrokerNetworkError) return true
  return err instanceof KafkaResponseError && (err.code === 15 || err.code === 16)
}
