// The `.checkpoint` file and the task-level rules around it (see docs/internals.md, Stores).
export { OffsetCheckpoint, topicPartitionKey, type ChangelogOffset, type CheckpointRead, type CheckpointStatus } from './offset-checkpoint.js'
export {
  CHECKPOINT_FILE,
  ROCKSDB_DIR,
  invalidateCheckpointEntries,
  prepareTaskState,
  takeTaskCheckpoint,
  taskCheckpoint,
  wipeTaskState,
  writeTaskCheckpoint,
  type PreparedTaskState,
} from './task-state.js'
