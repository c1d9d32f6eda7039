import type { ActiveTask } from '../tasks/active-task.js'

/** Kafka Streams' TaskExecutor: runs each task over a batch of its buffered records. Returns how many were processed. */
export async function processTasks(tasks: Iterable<ActiveTask>, maxBatch: number): Promise<number> {
  let processed = 0
  for (const t of tasks) {
    if (t.task.buffered() === 0) continue
    const started = performance.now()
    const n = await t.task.process(maxBatch)
    if (n > 0) {
      processed += n
      t.metrics.processed.inc(n)
      const perRecordMs = (performance.now() - started) / n
      t.metrics.processLatency.observe(perRecordMs)
      t.metrics.recordLatency.observeMany(perRecordMs / 1000, n)
    }
    // Input ran dry: ship the output now rather than at 500 records or the next commit
    // (plentiful input keeps batching; under exactly-once this sends into the open transaction).
    if (t.task.buffered() === 0) t.collector.sendBuffered()
  }
  return processed
}

/** Fires every task's due punctuators (stream time and wall clock). */
export async function punctuateTasks(tasks: Iterable<ActiveTask>, now: number): Promise<void> {
  for (const t of tasks) {
    const fired = await t.task.punctuate(now)
    if (fired > 0) t.metrics.punctuations.inc(fired)
  }
}
