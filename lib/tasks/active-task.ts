import type { ChangelogOffset } from '../../stores/checkpoint/offset-checkpoint.js'
import type { StateManager } from '../../topology/internals/state-manager.js'
import type { RecordCollectorImpl } from '../../topology/internals/record-collector.js'
import type { StreamTask } from '../../topology/internals/stream-task.js'
import type { RecordProducer, TopicPartition, TopicPartitionOffset } from '../clients/types.js'
import { tpKey } from '../clients/types.js'
import type { TaskMetrics } from '../metrics/streams-metrics.js'

/** A StreamTask with what the runtime keeps beside it: inputs, producer, collector, committed offsets (its state manager keeps the changelog positions). */
export class ActiveTask {
  /** Input offsets already committed (tpKey → next offset), to skip commits that change nothing. */
  readonly committed = new Map<string, number>()

  constructor(
    readonly task: StreamTask,
    readonly inputs: readonly TopicPartition[],
    readonly collector: RecordCollectorImpl,
    /** Under exactly_once_v2 this task's own transactional producer, or its view of the thread's; else the shared one. */
    readonly producer: RecordProducer,
    readonly ownsProducer: boolean,
    readonly metrics: TaskMetrics,
  ) {}

  get id(): string {
    return this.task.id
  }

  get stateManager(): StateManager {
    return this.task.stateManager
  }

  /** Changelog positions of persistent stores: what the checkpoint file gets. */
  get changelogPositions(): ReadonlyMap<string, ChangelogOffset> {
    return this.stateManager.checkpointableOffsets()
  }

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
    this.stateManager.updateChangelogOffsets((topic, partition) => this.collector.ackedOffset(topic, partition))
  }

  /**
   * After a commit: the state manager writes the checkpoint (at_least_once; under exactly_once_v2
   * only a clean close writes one, and a closed task has already written its last).
   */
  async writeCheckpoint(): Promise<void> {
    this.updateChangelogPositions()
    await this.stateManager.checkpoint()
  }
}
