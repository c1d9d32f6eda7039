import { classifyClientError, isRecoverableClientError } from '../clients/errors.js'
import type { ResolvedStreamsConfig, UncaughtExceptionResponse } from '../config/types.js'

/**
 * The uncaught exception policy's answer for a thread's error. A client error a broker outage
 * causes (the consumer gave up finding its coordinator...) is not the application's fault: the
 * thread is always replaced then. Retriable, rebalance, fencing and lost-transaction errors are
 * the runtime's to recover from.
 */
export function threadErrorResponse(err: Error, config: ResolvedStreamsConfig): UncaughtExceptionResponse {
  if (isRecoverableClientError(err)) {
    config.logger.warn({ err, kind: classifyClientError(err) }, `The stream thread failed with a recoverable client error (${classifyClientError(err)}: ${err.message}); restarting it`)
    return 'REPLACE_THREAD'
  }
  let response: UncaughtExceptionResponse = 'SHUTDOWN_CLIENT'
  const policy = config.uncaughtExceptionHandler
  try {
    response = typeof policy === 'function' ? policy(err) : policy
  } catch (handlerError) {
    config.logger.error({ err: handlerError }, 'The uncaught exception handler threw')
  }
  config.logger.error({ err, response }, `Stream processing failed: ${err.message}`)
  return response
}

/** Whether a replacement thread that failed to start is worth another attempt. */
export function retryThreadStart(err: unknown, attempt: number): boolean {
  return isRecoverableClientError(err) && attempt < 30
}
