// The task-level rules around `<taskDir>/.checkpoint`, as Kafka Streams applies them:
//
//   1. before a task opens its stores: `prepareTaskState` — under exactly-once, local state is
//      trusted only if the previous owner closed cleanly (it left a valid checkpoint); otherwise
//      the task's stores are wiped and restored in full, because they may hold writes of
//      transactions that were aborted.
//   2. after the stores are open: `takeTaskCheckpoint` — the offsets to restore from; under
//      exactly-once the file is then deleted, so a crash from here on is seen by rule 1.
//   3. `writeTaskCheckpoint` after each commit's flush (at_least_once) and on clean close (both).
import { mkdir, readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { OffsetCheckpoint, topicPartitionKey, type ChangelogOffset } from './offset-checkpoint.js'

export const CHECKPOINT_FILE = '.checkpoint'
/** Persistent stores live under `<taskDir>/rocksdb/<store>`. */
export const ROCKSDB_DIR = 'rocksdb'

type Warn = (message: string) => void

export function taskCheckpoint(taskDir: string, warn?: Warn): OffsetCheckpoint {
  return new OffsetCheckpoint(join(taskDir, CHECKPOINT_FILE), warn)
}

/** Deletes every local store of the task and its checkpoint; the task directory stays. */
export async function wipeTaskState(taskDir: string): Promise<void> {
  await rm(join(taskDir, ROCKSDB_DIR), { recursive: true, force: true })
  await taskCheckpoint(taskDir).delete()
}

export interface PreparedTaskState {
  /** the local stores were deleted: restore everything from offset 0 */
  wiped: boolean
  reason?: string
}

/** Rule 1: call before opening the task's stores. */
export async function prepareTaskState(opts: { taskDir: string; exactlyOnce: boolean; warn?: Warn }): Promise<PreparedTaskState> {
  const { taskDir, exactlyOnce } = opts
  await mkdir(taskDir, { recursive: true })
  if (!exactlyOnce) return { wiped: false }
  const { status } = await taskCheckpoint(taskDir, opts.warn).read()
  if (status === 'ok' || !(await hasLocalStores(taskDir))) return { wiped: false }
  const reason = status === 'missing'
    ? `task state in ${taskDir} has no checkpoint: the task did not close cleanly`
    : `task state in ${taskDir} has a corrupt checkpoint`
  ;(opts.warn ?? ((m) => console.warn(`[kstreams] ${m}`)))(`${reason}; under exactly-once its stores are wiped and restored from their changelogs`)
  await wipeTaskState(taskDir)
  return { wiped: true, reason }
}

/**
 * Rule 2: call after the task's stores are open (a store that had to be created or rebuilt has
 * already dropped its entry). Returns the next offset to restore from per changelog partition;
 * a partition without an entry restores from the beginning.
 */
export async function takeTaskCheckpoint(opts: { taskDir: string; exactlyOnce: boolean; warn?: Warn }): Promise<Map<string, ChangelogOffset>> {
  const checkpoint = taskCheckpoint(opts.taskDir, opts.warn)
  const { offsets } = await checkpoint.read()
  if (opts.exactlyOnce) await checkpoint.delete()
  return offsets
}

/** Rule 3: offsets of persistent stores' changelogs only (in-memory stores restore in full). */
export async function writeTaskCheckpoint(taskDir: string, offsets: Iterable<ChangelogOffset>): Promise<void> {
  await mkdir(taskDir, { recursive: true })
  await taskCheckpoint(taskDir).write(offsets)
}

/**
 * Drops the entries of changelog partitions whose store holds none of the data the checkpoint
 * vouches for (created fresh, or rebuilt after corruption). Missing file: nothing to do.
 */
export async function invalidateCheckpointEntries(taskDir: string, partitions: { topic: string; partition: number }[], warn?: Warn): Promise<void> {
  const checkpoint = taskCheckpoint(taskDir, warn)
  const read = await checkpoint.read()
  if (read.status !== 'ok') return
  let changed = false
  for (const { topic, partition } of partitions) changed = read.offsets.delete(topicPartitionKey(topic, partition)) || changed
  if (changed) await checkpoint.write(read.offsets.values())
}

async function hasLocalStores(taskDir: string): Promise<boolean> {
  try {
    return (await readdir(join(taskDir, ROCKSDB_DIR))).length > 0
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw e
  }
}
