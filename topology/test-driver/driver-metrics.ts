import type { DeserializationHandler } from '../internals/task-types.js'

/** One metric of a TopologyTestDriver, named as Kafka Streams' task-level metrics. */
export interface TestDriverMetric {
  /** 'dropped-records-total' or 'late-records-total' */
  name: string
  /** 'stream-task-metrics' */
  group: string
  /** The task counted, e.g. '0_0' (sub-topology 0, partition 0) */
  tags: { 'task-id': string }
  /** The count since the driver started */
  value: number
}

interface TaskCounts {
  dropped: number
  late: number
}

/**
 * Per-task counters of the records the topology dropped: `dropped-records-total` (as Kafka
 * Streams: records skipped by a processor, e.g. a null groupBy key, records late for their window
 * or join, and records skipped by the deserialization handler) and `late-records-total` (the late ones only).
 */
export class DriverMetrics {
  private readonly tasks = new Map<string, TaskCounts>()

  register(taskId: string): void {
    if (!this.tasks.has(taskId)) this.tasks.set(taskId, { dropped: 0, late: 0 })
  }

  dropped(taskId: string): void {
    this.counts(taskId).dropped++
  }

  late(taskId: string): void {
    const c = this.counts(taskId)
    c.late++
    c.dropped++
  }

  /** Wraps a deserialization handler so the records it skips count as dropped. */
  countingSkips(taskId: () => string, handler: DeserializationHandler | undefined): DeserializationHandler | undefined {
    if (handler === undefined) return undefined
    return (error, record) => {
      const response = handler(error, record)
      if (response === 'CONTINUE') this.dropped(taskId())
      return response
    }
  }

  list(): TestDriverMetric[] {
    const out: TestDriverMetric[] = []
    for (const [taskId, c] of this.tasks) {
      const tags = { 'task-id': taskId }
      out.push({ name: 'dropped-records-total', group: 'stream-task-metrics', tags, value: c.dropped })
      out.push({ name: 'late-records-total', group: 'stream-task-metrics', tags: { ...tags }, value: c.late })
    }
    return out
  }

  private counts(taskId: string): TaskCounts {
    let c = this.tasks.get(taskId)
    if (c === undefined) this.tasks.set(taskId, (c = { dropped: 0, late: 0 }))
    return c
  }
}
