import type { PartitionReader, RecordProducer, AdminClient } from '../clients/types.js'
import type { Logger } from '../config/types.js'
import type { StreamThread } from '../processing/stream-thread.js'
import type { GlobalStores } from '../tasks/global-stores.js'
import { CloseSteps, withinTimeout } from './close-steps.js'

/** The clean-up steps of close(), as named in its timeout warning. */
const STEP = {
  thread: 'stream thread (final commit, closing tasks and stores, leaving the group)',
  globals: 'global stores',
  reader: 'changelog reader',
  producer: 'shared producer',
  admin: 'admin client',
} as const

/** What a started instance holds; any part may be missing when start() stopped early. */
export interface HeldResources {
  thread: StreamThread | null
  globals: GlobalStores | null
  reader: PartitionReader | null
  producer: RecordProducer | null
  admin: AdminClient | null
}

/** Close steps that log a failed step as a warning and each finished one at debug level. */
export function newCloseSteps(logger: Logger): CloseSteps {
  return new CloseSteps(
    (name, err) => logger.warn({ err, step: name }, `Closing: ${name} failed`),
    (name, ms) => logger.debug({ step: name, ms }, `Closed: ${name} (${ms} ms)`),
  )
}

/**
 * Closes the thread (its tasks and stores; clean: commit first), then the global stores and the
 * clients, in that order: the thread's final commit may still need them. Never throws.
 */
export async function releaseResources(held: HeldResources, clean: boolean, steps: CloseSteps): Promise<void> {
  const { thread, globals, reader, producer, admin } = held
  if (thread) steps.add(STEP.thread, () => thread.shutdown(clean))
  if (globals) steps.add(STEP.globals, () => globals.close())
  if (reader) steps.add(STEP.reader, () => reader.disconnect())
  if (producer) steps.add(STEP.producer, () => producer.disconnect())
  if (admin) steps.add(STEP.admin, () => admin.disconnect())
  await steps.runInOrder()
}

/**
 * Waits up to `timeoutMs` for `closing`. When the time runs out first, warns naming the steps not
 * finished and starts all of them at once (they go on in the background); resolves whether
 * closing finished in time.
 */
export async function closeWithin(closing: Promise<void>, timeoutMs: number, steps: CloseSteps | null, logger: Logger): Promise<boolean> {
  if (await withinTimeout(closing, timeoutMs)) return true
  const unfinished = steps?.unfinished() ?? []
  logger.warn(
    { timeoutMs, unfinished },
    `close() gave up waiting after ${timeoutMs} ms; not finished: ${unfinished.join('; ') || 'start() still stopping'}. ` +
      'Clients are released now; the rest goes on in the background',
  )
  void steps?.hurry()
  return false
}
