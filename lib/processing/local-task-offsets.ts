import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { taskCheckpoint } from '../../stores/checkpoint/task-state.js'

/**
 * Tasks with state in this instance's state directory, each with the sum of its checkpointed
 * changelog offsets: the assignor prefers moving a task to where its state already is.
 */
export async function localTaskOffsets(appDir: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {}
  let entries: string[]
  try {
    entries = await readdir(appDir)
  } catch {
    return out
  }
  for (const name of entries) {
    if (!/^\d+_\d+$/.test(name)) continue
    const read = await taskCheckpoint(join(appDir, name), () => {}).read()
    if (read.status !== 'ok') continue
    let sum = 0
    for (const o of read.offsets.values()) sum += o.offset
    out[name] = sum
  }
  return out
}
