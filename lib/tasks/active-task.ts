import type { ChangelogOffset } from '../../stores/checkpoint/offset-checkpoint.js'
import { writeTaskCheckpoint } from '../../stores/checkpoint/task-state.js'
import type { StreamTask } from '../../topology/internals/stream-task.js'
import type { RecordProducer, TopicPartition, TopicPartitionOffset } from '../clients/types.js'
import { tpKey } from '../clients/types.js'
import type { TaskMetrics } from '../metrics/streams-metrics.js'
import type { RuntimeRecordCollector } from '../processing/record-collector.js'

/** A StreamTask with what the runtime keeps beside it: inputs, producer, collector, positions. */
export class ActiveTask {
  /** Input offsets already committed (tpKey → next offset), to skip commits that change nothing. */
  readonly committed = new Map<string, number>()
  /** Changelog positions of persistent stores, written to the checkpoint file. */
  readonly changelogPositions = new Map<string, ChangelogOffset>()

  constructor(
    readonly task: StreamTask,
    readonly inputs: readonly TopicPartition[],
    readonly collector: RuntimeRecordCollector,
    /** Under exactly_once_v2 this task's own transactional producer; else the shared one. */
    readonly producer: RecordProducer,
    readonly ownsProducer: boolean,
    readonly metrics: TaskMetrics,
    restored: Map<string, ChangelogOffset>,
    readonly persistentChangelogs: ReadonlySet<string>,
  ) {
    for (const [k, v] of restored) if (persistentChangelogs.has(k)) this.changelogPositions.set(k, v)
  }

  get id(): string {
    return this.task.id
  }

  /** Offsets that moved since the last commit. */
  /**
   * Offsets that move a partition forward from this task's last commit. A task owns its inputs for
   * its whole life, so an offset behind that commit can only be a stale position: committing it
   * would make the group redo (or, for another owner's later commit, lose track of) that range.
   */
  changedOffsets(offsets: readonly TopicPartitionOffset[]): TopicPartitionOffset[] {
    return offsets.filter(o => {
      const last = this.committed.get(tpKey(o.topic, o.partition))
      return last === undefined || o.offset > last
    })
  }

  markCommitted(offsets: readonly TopicPartitionOffset[]): void {
    for (const o of offsets) {
      const key = tpKey(o.topic, o.partition)
      if (o.offset > (this.committed.get(key) ?? -1)) this.committed.set(key, o.offset)
    }
  }

  /** Folds the collector's acked changelog offsets into the checkpoint positions. */
  updateChangelogPositions(): void {
    for (const [key, pos] of this.changelogPositions) {
      const acked = this.collector.ackedOffset(pos.topic, pos.partition)
      if (acked !== undefined && acked > pos.offset) this.changelogPositions.set(key, { ...pos, offset: acked })
    }
  }

  async writeCheckpoint(): Promise<void> {
    if (this.changelogPositions.size === 0) return
    this.updateChangelogPositions()
    await writeTaskCheckpoint(this.task.taskDir, this.changelogPositions.values())
  }
}
