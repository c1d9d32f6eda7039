import type { StreamTask } from './stream-task.js'
import type { CommittableOffset } from './task-types.js'

/** A task and the collector its output goes through. */
export interface CommitUnit {
  readonly task: StreamTask
  readonly collector: { flush(): Promise<void> }
}

/** One task's prepared commit: its next input offsets, or why its output could not be sent. */
export interface PreparedCommit {
  offsets: CommittableOffset[]
  error?: unknown
}

/**
 * The first half of a commit (Kafka's prepareCommit), the same for the runtime and the test
 * driver: each task finishes its in-flight work and flushes its stores and caches, whose records
 * reach its collector (one task after another: they share no state but the thread's time); then
 * every collector sends what it holds and waits for the acks, all at once. Only after that may
 * the input offsets be committed and checkpoints written, by the caller. A store's flush error
 * rejects; a collector's is reported per task, as the caller decides which tasks stop.
 */
export async function prepareCommit(units: readonly CommitUnit[]): Promise<PreparedCommit[]> {
  const offsets: CommittableOffset[][] = []
  for (const u of units) offsets.push(await u.task.commit())
  const flushed = await Promise.allSettled(units.map(u => u.collector.flush()))
  return units.map((_, i) => {
    const f = flushed[i]!
    return f.status === 'rejected' ? { offsets: offsets[i]!, error: f.reason ?? new Error('the record collector failed') } : { offsets: offsets[i]! }
  })
}
