import type { ThreadCache } from './cache/thread-cache.js'
import type { RocksDBOptionsSource } from './rocksdb/rocksdb-options.js'

export type Headers = Record<string, Buffer | string | undefined>

/** Where the record being processed came from; changelog writes and cache flushes carry it. */
export interface RecordContext {
  topic: string
  partition: number
  offset: number
  timestamp: number
  headers: Headers
}

export interface ChangelogRecord {
  key: Buffer | null
  value: Buffer | null
  timestamp: number
  headers?: Headers
}

/** Runtime: the kafkajs producer (transactional under EOS). Driver: captured in memory. */
export interface RecordCollector {
  send(topic: string, record: ChangelogRecord, partition: number): void
}

export interface RestoreRecord {
  key: Buffer
  value: Buffer | null
  timestamp: number
  offset: number
}
export type RestoreCallback = (batch: RestoreRecord[]) => Promise<void>

/** What a task gives its stores. */
export interface StateStoreContext {
  readonly applicationId: string
  /** "<subtopology>_<partition>", as Kafka Streams. */
  readonly taskId: string
  /** Changelog records go to this partition. */
  readonly partition: number
  /** <stateDir>/<applicationId>/<taskId> */
  readonly taskDir: string
  /** @internal The task's shared write-back budget; null runs caching stores with a zero budget. */
  readonly cache: ThreadCache | null
  /** <applicationId>-<store>-changelog */
  changelogTopic(storeName: string): string
  readonly collector: RecordCollector
  /** The record being processed (timestamps for changelog records). */
  recordContext(): RecordContext
  register(store: StateStore, restore: RestoreCallback): void
  /** @internal RocksDB stores' options (the instance's memory budget and `rocksDbConfigSetter`); absent: defaults. */
  readonly rocksDb?: RocksDBOptionsSource
}

export interface StateStore {
  readonly name: string
  readonly persistent: boolean
  /** `root` is the outermost layer: the one the task registers and hands to processors. */
  init(context: StateStoreContext, root: StateStore): Promise<void>
  /** Caching: forward and log dirty entries. Inner: write the pending batch to disk. */
  flush(): Promise<void>
  close(): Promise<void>
  isOpen(): boolean
}

/** Kafka Streams' changelog name for a store. */
export function changelogTopicName(applicationId: string, storeName: string): string {
  return `${applicationId}-${storeName}-changelog`
}
