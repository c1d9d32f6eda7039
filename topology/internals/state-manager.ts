import { join } from 'node:path'
import type { RocksDBOptionsSource } from '../../stores/rocksdb/rocksdb-options.js'
import type { ThreadCache } from '../../stores/cache/thread-cache.js'
import { topicPartitionKey, type ChangelogOffset } from '../../stores/checkpoint/offset-checkpoint.js'
import { prepareTaskState, takeTaskCheckpoint, taskCheckpoint, wipeTaskState, writeTaskCheckpoint } from '../../stores/checkpoint/task-state.js'
import { TimestampedKeyValueStoreBuilder } from '../../stores/builders/key-value-store-builder.js'
import { changelogTopicName } from '../../stores/state-store.js'
import type { RecordCollector, RecordContext, RestoreCallback, RestoreRecord, StateStore, StateStoreContext } from '../../stores/state-store.js'
import type { Topology } from '../topology.js'
import type { ChangelogToRestore } from './task-types.js'
import { TopologyError } from './topology-error.js'

/** `ChangelogToRestore.partition` of a global store: restore every partition of its topic. */
export const GLOBAL_ALL_PARTITIONS = -1

/**
 * When local state is deleted before the stores open:
 * - 'unclean-exactly-once' (stream and standby tasks): under exactly-once, when the previous
 *   owner left no valid checkpoint (task-state.ts rules 1–2); never under at_least_once.
 * - 'no-checkpoint' (the runtime's global stores): whenever there is no valid checkpoint, since
 *   local data may hold keys the topic's compaction has since removed.
 */
export type StateWipeRule = 'unclean-exactly-once' | 'no-checkpoint'

export interface StateManagerOptions {
  topology: Topology
  subtopologyId: number
  partition: number
  applicationId: string
  stateDir: string
  exactlyOnce: boolean
  /**
   * A standby replica only ever holds committed changelog data, so it may checkpoint at any
   * time; an active task under exactly-once checkpoints only when it closes cleanly.
   */
  standby?: boolean
  wipeRule?: StateWipeRule
  /** Write-back cache of the task's caching stores; null forwards every update. */
  cache: ThreadCache | null
  /** Where the stores' changelog writes go. */
  collector: RecordCollector
  /** The record being processed: changelog records carry its timestamp. */
  recordContext: () => RecordContext
  /** RocksDB stores' options (the instance's memory budget and the application's setter). */
  rocksDb?: RocksDBOptionsSource
  warn?: (message: string) => void
}

interface Position extends ChangelogOffset {
  /** Only the changelogs of stores kept on disk are checkpointed; in-memory ones restore in full. */
  persistent: boolean
}

/** A task's id: `<subtopology>_<partition>`, or `global_<subtopology>` for a global-store group. */
export function taskIdOf(topology: Topology, subtopologyId: number, partition: number): { id: string; global: boolean } {
  const group = topology.builder.nodeGroups().find((g) => g.id === subtopologyId)
  if (!group) throw new TopologyError(`the topology has no sub-topology ${subtopologyId}`)
  return { id: group.global ? `global_${subtopologyId}` : `${subtopologyId}_${partition}`, global: group.global }
}

/**
 * The state of one task (active, standby or global), as Kafka Streams' ProcessorStateManager:
 * applies the wipe rule, opens the task's stores and registers their restore callbacks, knows
 * how far each changelog partition is in the stores (checkpointed, then restored, then what the
 * task wrote and the broker acknowledged), writes the `.checkpoint` file and closes the stores.
 * It never builds processors: a standby task is a state manager and nothing more.
 */
export class StateManager {
  readonly taskId: string
  readonly taskDir: string
  readonly partition: number
  readonly isGlobal: boolean
  private readonly opts: StateManagerOptions
  private readonly storeNames: string[]
  private readonly storeMap = new Map<string, StateStore>()
  private readonly storeList: StateStore[] = []
  private readonly changelogs = new Map<string, ChangelogToRestore>()
  private readonly positions = new Map<string, Position>()
  /** The checkpoint as read once the stores were open (global partitions are resolved from it). */
  private checkpointed = new Map<string, ChangelogOffset>()
  private state: 'created' | 'open' | 'closed' = 'created'

  constructor(opts: StateManagerOptions) {
    const { id, global } = taskIdOf(opts.topology, opts.subtopologyId, opts.partition)
    this.opts = opts
    this.taskId = id
    this.isGlobal = global
    this.partition = opts.partition
    this.taskDir = join(opts.stateDir, opts.applicationId, id)
    this.storeNames = storesOf(opts.topology, opts.subtopologyId, global)
  }

  /** Opens the task's stores; returns the changelogs to replay (from their checkpointed offsets). */
  async initialize(): Promise<ChangelogToRestore[]> {
    if (this.state !== 'created') throw new Error(`the state of task ${this.taskId} is already initialized`)
    this.state = 'open'
    const { exactlyOnce, warn } = this.opts
    if (this.opts.wipeRule === 'no-checkpoint') {
      const read = await taskCheckpoint(this.taskDir, warn).read()
      if (read.status !== 'ok') await wipeTaskState(this.taskDir)
    } else {
      await prepareTaskState({ taskDir: this.taskDir, exactlyOnce, warn })
    }
    // by name: a layer may register itself rather than the outermost store
    const registered = new Map<string, RestoreCallback>()
    const context = this.storeContext(registered)
    const builder = this.opts.topology.builder
    for (const name of this.storeNames) {
      const store = builder.stores.get(name)!.builder.build()
      await store.init(context, store)
      this.storeMap.set(name, store)
      this.storeList.push(store)
    }
    // after the stores opened: a store created fresh or rebuilt has dropped its entry
    this.checkpointed = await takeTaskCheckpoint({ taskDir: this.taskDir, exactlyOnce: exactlyOnce && this.opts.wipeRule !== 'no-checkpoint', warn })
    for (const [name, store] of this.storeMap) {
      const restore = registered.get(name)
      if (restore) this.registerChangelog(name, store, restore)
    }
    return [...this.changelogs.values()]
  }

  private storeContext(registered: Map<string, RestoreCallback>): StateStoreContext {
    const { applicationId, collector, recordContext } = this.opts
    return {
      applicationId,
      taskId: this.taskId,
      partition: this.partition,
      taskDir: this.taskDir,
      cache: this.opts.cache,
      changelogTopic: (name) => changelogTopicName(applicationId, name),
      collector,
      recordContext,
      ...(this.opts.rocksDb ? { rocksDb: this.opts.rocksDb } : {}),
      register: (store, restore) => {
        registered.set(store.name, restore)
      },
    }
  }

  private registerChangelog(name: string, store: StateStore, restore: RestoreCallback): void {
    const builder = this.opts.topology.builder
    const def = builder.stores.get(name)!
    if (def.global) {
      // a global store's source topic is its changelog: every partition, from the start
      const topic = builder.globalStores.get(name)!.topic
      const timestamped = def.builder instanceof TimestampedKeyValueStoreBuilder
      this.changelogs.set(topicPartitionKey(topic, GLOBAL_ALL_PARTITIONS), {
        storeName: name,
        topic,
        partition: GLOBAL_ALL_PARTITIONS,
        offset: null,
        persistent: store.persistent,
        restore: timestamped ? (batch) => restore(batch.map(withTimestampPrefix)) : restore,
      })
      return
    }
    if (!def.builder.loggingEnabled) return
    const topic = changelogTopicName(this.opts.applicationId, name)
    const key = topicPartitionKey(topic, this.partition)
    const offset = this.checkpointed.get(key)?.offset ?? null
    this.changelogs.set(key, { storeName: name, topic, partition: this.partition, offset, persistent: store.persistent, restore })
    if (offset !== null) this.positions.set(key, { topic, partition: this.partition, offset, persistent: store.persistent })
  }

  getStore(name: string): StateStore | undefined {
    return this.storeMap.get(name)
  }

  /** The open stores in the order they were opened (flush order). */
  stores(): readonly StateStore[] {
    return this.storeList
  }

  /** The checkpointed next offset of a changelog partition (global stores: any partition of their topic). */
  checkpointedOffset(topic: string, partition: number): number | null {
    return this.checkpointed.get(topicPartitionKey(topic, partition))?.offset ?? null
  }

  /**
   * Applies changelog records to the store registered for that changelog (a standby's update)
   * and moves its position to `nextOffset`.
   */
  async restore(topic: string, partition: number, batch: RestoreRecord[], nextOffset: number): Promise<void> {
    const changelog = this.changelogFor(topic, partition)
    if (!changelog) throw new Error(`task ${this.taskId} has no store with changelog ${topic}-${partition}`)
    if (batch.length > 0) await changelog.restore(batch)
    this.restored(topic, partition, nextOffset)
  }

  /** Records how far a changelog partition has been applied to its store (restore or update). */
  restored(topic: string, partition: number, nextOffset: number): void {
    const key = topicPartitionKey(topic, partition)
    const pos = this.positions.get(key)
    if (pos) {
      if (nextOffset > pos.offset) pos.offset = nextOffset
      return
    }
    const changelog = this.changelogFor(topic, partition)
    if (!changelog) throw new Error(`task ${this.taskId} has no store with changelog ${topic}-${partition}`)
    this.positions.set(key, { topic, partition, offset: nextOffset, persistent: changelog.persistent })
  }

  private changelogFor(topic: string, partition: number): ChangelogToRestore | undefined {
    return this.changelogs.get(topicPartitionKey(topic, partition)) ?? this.changelogs.get(topicPartitionKey(topic, GLOBAL_ALL_PARTITIONS))
  }

  /** Moves positions to what the task's own changelog writes reached (the collector's acks). */
  updateChangelogOffsets(acked: (topic: string, partition: number) => number | undefined): void {
    for (const pos of this.positions.values()) {
      const next = acked(pos.topic, pos.partition)
      if (next !== undefined && next > pos.offset) pos.offset = next
    }
  }

  /** How far a changelog partition has been applied to its store; undefined before restoration. */
  changelogOffset(topic: string, partition: number): number | undefined {
    return this.positions.get(topicPartitionKey(topic, partition))?.offset
  }

  /** Every changelog partition's position, in-memory stores included. */
  changelogOffsets(): ChangelogOffset[] {
    return [...this.positions.values()].map(({ topic, partition, offset }) => ({ topic, partition, offset }))
  }

  /** What the checkpoint holds: the positions of persistent stores' changelogs, by topicPartitionKey. */
  checkpointableOffsets(): Map<string, ChangelogOffset> {
    const out = new Map<string, ChangelogOffset>()
    for (const [key, { topic, partition, offset, persistent }] of this.positions) if (persistent) out.set(key, { topic, partition, offset })
    return out
  }

  /** Writes dirty data of every store to disk (a caching store also forwards and logs it). */
  async flush(): Promise<void> {
    for (const store of this.storeList) await store.flush()
  }

  /**
   * Writes the checkpoint file, after a commit made the stores' contents durable. A closed state
   * manager writes nothing (a clean close wrote the last one, a dirty close must leave none), nor
   * does an active task under exactly-once: on disk, a checkpoint says the state is committed,
   * which its stores are only once the task closes cleanly.
   */
  async checkpoint(): Promise<void> {
    if (this.state !== 'open') return
    if (this.opts.exactlyOnce && !this.opts.standby) return
    await this.writeCheckpoint()
  }

  private async writeCheckpoint(): Promise<void> {
    const offsets = this.checkpointableOffsets()
    if (offsets.size > 0) await writeTaskCheckpoint(this.taskDir, offsets.values())
  }

  /**
   * Closes every store. Clean: then writes the checkpoint (the caller committed first). Dirty
   * (after an error or fencing): writes none, so under exactly-once the next owner finds no
   * checkpoint and rebuilds the state from the changelogs; under at_least_once the last commit's
   * checkpoint stays, which at worst replays more.
   */
  async close(clean: boolean): Promise<void> {
    if (this.state === 'closed') return
    const wasOpen = this.state === 'open'
    this.state = 'closed'
    let firstError: unknown = null
    for (const store of this.storeList) {
      try {
        if (store.isOpen()) await store.close()
      } catch (err) {
        firstError ??= err
      }
    }
    if (firstError !== null) {
      if (clean) throw firstError
      return
    }
    if (clean && wasOpen) await this.writeCheckpoint()
  }
}

/** Names of the stores a sub-topology's processors use (global ones only in a global group). */
function storesOf(topology: Topology, subtopologyId: number, global: boolean): string[] {
  const builder = topology.builder
  const group = builder.nodeGroups().find((g) => g.id === subtopologyId)!
  const names = new Set<string>()
  for (const node of group.nodes) {
    const def = builder.nodes.get(node)!
    if (def.kind === 'processor') for (const s of def.stores) names.add(s)
  }
  return [...names].filter((name) => builder.stores.get(name)!.global === global)
}

/** Topic records into a timestamped store's stored format: 8-byte big-endian timestamp, then the value. */
function withTimestampPrefix(r: RestoreRecord): RestoreRecord {
  if (r.value === null) return r
  const value = Buffer.allocUnsafe(8 + r.value.length)
  value.writeBigInt64BE(BigInt(r.timestamp), 0)
  r.value.copy(value, 8)
  return { ...r, value }
}
