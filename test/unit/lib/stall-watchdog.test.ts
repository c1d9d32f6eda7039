import { describe, expect, it } from 'vitest'
import { tpKey, type TopicPartition } from '../../../lib/clients/types.js'
import type { LogFn } from '../../../lib/config/types.js'
import { StreamsMetrics } from '../../../lib/metrics/streams-metrics.js'
import { StallWatchdog, type WatchedPartition } from '../../../lib/processing/stall-watchdog.js'

function setup(ends: Record<string, number>, starts: Record<string, number> = {}) {
  const metrics = new StreamsMetrics()
  const warnings: { message: string; extra?: Record<string, unknown> }[] = []
  const asked: TopicPartition[][] = []
  const lookup = (table: Record<string, number>) => async (tps: readonly TopicPartition[]) => {
    asked.push([...tps])
    return new Map(tps.map(tp => [tpKey(tp.topic, tp.partition), table[`${tp.topic}-${tp.partition}`] ?? 0]))
  }
  const watchdog = new StallWatchdog({
    thresholdMs: 1000,
    logger: { debug() {}, info() {}, error() {}, warn: ((extra: Record<string, unknown>, message: string) => void warnings.push({ message, extra })) as LogFn },
    stalled: metrics.stalledPartitions,
    detected: metrics.stalledPartitionsDetected,
    endOffsets: lookup(ends),
    beginningOffsets: lookup(starts),
  })
  return { watchdog, metrics, warnings, asked }
}

const p = (partition: number, position: number | null, taskId = `0_${partition}`): WatchedPartition => ({ topic: 'in', partition, taskId, position })

describe('stalled-partition watchdog', () => {
  it('warns about a partition with lag whose position does not move, naming topic, partition, task, position and lag', async () => {
    const { watchdog, metrics, warnings } = setup({ 'in-0': 50, 'in-1': 7 })
    await watchdog.check(0, [p(0, 10), p(1, 7)])
    await watchdog.check(500, [p(0, 10), p(1, 7)])
    expect(warnings).toEqual([])
    await watchdog.check(1000, [p(0, 10), p(1, 7)])
    expect(warnings.map(w => w.message)).toEqual(['Partition in-0 of task 0_0 has not advanced for 1000 ms with 40 record(s) to process (position 10)'])
    expect(warnings[0]!.extra).toMatchObject({ topic: 'in', partition: 0, task: '0_0', position: 10, lag: 40 })
    expect(metrics.stalledPartitions.value).toBe(1)
    expect(metrics.stalledPartitionsDetected.value).toBe(1)
    // Repeated once per threshold while it lasts, counted once.
    await watchdog.check(1500, [p(0, 10), p(1, 7)])
    expect(warnings).toHaveLength(1)
    await watchdog.check(2000, [p(0, 10), p(1, 7)])
    expect(warnings).toHaveLength(2)
    expect(metrics.stalledPartitionsDetected.value).toBe(1)
    // Moving again clears it.
    await watchdog.check(2100, [p(0, 11), p(1, 7)])
    expect(metrics.stalledPartitions.value).toBe(0)
  })

  it('reports the partitions of a task that has not started, with the lag from the log start', async () => {
    const { watchdog, metrics, warnings } = setup({ 'in-2': 30 }, { 'in-2': 5 })
    await watchdog.check(0, [p(2, null)])
    await watchdog.check(1000, [p(2, null)])
    expect(warnings.map(w => w.message)).toEqual(['Partition in-2 of task 0_2 has not advanced for 1000 ms with 25 record(s) to process (its task has not started)'])
    expect(metrics.stalledPartitions.value).toBe(1)
  })

  it('never reports an idle partition without lag, and asks the broker only about partitions that have not moved', async () => {
    const { watchdog, metrics, warnings, asked } = setup({ 'in-0': 7 })
    await watchdog.check(0, [p(0, 7)])
    await watchdog.check(400, [p(0, 7)])
    expect(asked).toEqual([])
    for (let t = 1000; t <= 5000; t += 250) await watchdog.check(t, [p(0, 7)])
    expect(warnings).toEqual([])
    expect(metrics.stalledPartitions.value).toBe(0)
    // Caught up: looked at again only after another threshold.
    expect(asked.length).toBeLessThanOrEqual(5)
  })

  it('forgets partitions that are no longer assigned', async () => {
    const { watchdog, metrics } = setup({ 'in-0': 50 })
    await watchdog.check(0, [p(0, 10)])
    await watchdog.check(1000, [p(0, 10)])
    expect(metrics.stalledPartitions.value).toBe(1)
    await watchdog.check(1100, [])
    expect(metrics.stalledPartitions.value).toBe(0)
  })
})
