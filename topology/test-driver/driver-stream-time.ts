import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { CommittableOffset } from '../internals/task-types.js'

/** Where a driver with a caller's state directory keeps its partition times between runs. */
const FILE = 'test-driver-partition-times.json'

type Saved = { [taskId: string]: { topic: string; partition: number; partitionTime: number }[] }

/**
 * The driver's stand-in for the partition times the runtime commits with its offsets: saved on a
 * clean close and read by the next driver on the same state directory, so stream time (late
 * records, closed windows and join windows, suppression) survives a restart as in the runtime.
 */
export function savePartitionTimes(stateDir: string, taskId: string, offsets: CommittableOffset[]): void {
  const path = join(stateDir, FILE)
  const saved: Saved = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Saved) : {}
  const previous = new Map((saved[taskId] ?? []).map((p) => [`${p.topic}\u0000${p.partition}`, p]))
  for (const o of offsets) {
    const key = `${o.topic}\u0000${o.partition}`
    const before = previous.get(key)
    if (before === undefined || o.partitionTime > before.partitionTime) previous.set(key, { topic: o.topic, partition: o.partition, partitionTime: o.partitionTime })
  }
  saved[taskId] = [...previous.values()]
  writeFileSync(path, JSON.stringify(saved))
}

export function loadPartitionTimes(stateDir: string, taskId: string): { topic: string; partition: number; partitionTime: number }[] {
  const path = join(stateDir, FILE)
  if (!existsSync(path)) return []
  return ((JSON.parse(readFileSync(path, 'utf8')) as Saved)[taskId] ?? []).filter((p) => Number.isSafeInteger(p.partitionTime) && p.partitionTime >= 0)
}
