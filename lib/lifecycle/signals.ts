import { constants } from 'node:os'
import type { Logger } from '../config/types.js'

export interface CloseOnSignalsOptions {
  /** Signals that close the application. Default SIGINT and SIGTERM. */
  signals?: NodeJS.Signals[]
  /** Passed to close(); default 20 000 ms, inside Kubernetes' default 30 s grace period. */
  timeoutMs?: number
  /**
   * After close, end the process (exit code 0, or 1 when close did not finish). Default true;
   * with false the handlers are removed after close and the process ends when nothing else runs.
   */
  exit?: boolean
}

export const DEFAULT_SIGNAL_CLOSE_TIMEOUT_MS = 20_000

/**
 * Closes the application on the first signal (committing and writing checkpoints, so the next
 * exactly-once start need not restore from scratch); a second signal while closing exits at once
 * with 128 + the signal number, as a shell reports it. Returns a function removing the handlers.
 */
export function closeOnSignals(
  close: (opts: { timeoutMs: number }) => Promise<boolean>,
  logger: Logger,
  opts: CloseOnSignalsOptions = {},
): () => void {
  const signals = opts.signals ?? ['SIGINT', 'SIGTERM']
  const timeoutMs = opts.timeoutMs ?? DEFAULT_SIGNAL_CLOSE_TIMEOUT_MS
  const exit = opts.exit ?? true
  let closing = false
  const remove = () => {
    for (const s of signals) process.off(s, onSignal)
  }
  function onSignal(signal: NodeJS.Signals): void {
    if (closing) {
      logger.warn({ signal }, `${signal} received again while closing; exiting without waiting`)
      process.exit(128 + (constants.signals[signal] ?? 0))
    }
    closing = true
    logger.info({ signal, timeoutMs }, `${signal} received; closing`)
    void close({ timeoutMs }).then(complete => {
      if (!complete && !process.exitCode) process.exitCode = 1
      remove()
      if (exit) process.exit()
    })
  }
  for (const s of signals) process.on(s, onSignal)
  return remove
}
