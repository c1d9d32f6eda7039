import type { ProcessingErrorsOptions } from '../../topology/internals/processing-errors.js'
import type { Logger, ResolvedStreamsConfig } from '../config/types.js'

/**
 * The task's processing-error options from the config: the processing exception handler and the
 * dead-letter-queue topic, logging through the task's logger and counting skipped records. Left
 * out for the default ('logAndFail' without a dead-letter queue): a processor's error then fails
 * the task as it is (the runtime logs it), with no catch path on the way.
 */
export function processingErrorsFor(
  config: Pick<ResolvedStreamsConfig, 'processingExceptionHandler' | 'deadLetterQueueTopic'>,
  logger: Logger,
  onDropped: () => void,
): ProcessingErrorsOptions | undefined {
  if (config.processingExceptionHandler === 'logAndFail' && config.deadLetterQueueTopic === null) return undefined
  return { handler: config.processingExceptionHandler, deadLetterQueueTopic: config.deadLetterQueueTopic, log: logger, onDropped }
}
