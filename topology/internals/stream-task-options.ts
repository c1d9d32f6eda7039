import type { RocksDBOptionsSource } from '../../stores/rocksdb/rocksdb-options.js'
import type { RecordCollector, RecordContext, StateStore } from '../../stores/state-store.js'
import type { Record } from '../processor/record.js'
import type { AnySerde } from '../serdes/serde.js'
import type { Topology } from '../topology.js'
import type { ProcessingErrorsOptions } from './processing-errors.js'
import type { DeserializationHandler } from './task-types.js'

/** What a StreamTask is built from: its place in the topology and the runtime's settings. */
export interface StreamTaskOptions {
  /** RocksDB stores' options (the instance's memory budget and the application's setter). */
  rocksDb?: RocksDBOptionsSource
  topology: Topology
  subtopologyId: number
  partition: number
  applicationId: string
  stateDir: string
  collector: RecordCollector
  /** Write-back cache budget of the task's caching stores; 0 forwards every update. */
  cacheMaxBytes: number
  deserializationHandler?: DeserializationHandler
  /**
   * Kafka Streams' processing exception handler for errors thrown by processors and punctuators
   * (and the dead-letter-queue topic); without it such an error fails the task as it is.
   */
  processingErrors?: ProcessingErrorsOptions
  /** Called by windowed processors for records past the grace period (dropped unless handled). */
  onLateRecord?: (info: { processor: string; record: Record<unknown, unknown>; context: RecordContext }) => void
  /** Called when a processor skips a record it cannot process (Kafka Streams' dropped-records sensor). */
  onDroppedRecord?: (info: { processor: string; reason: string; context: RecordContext }) => void
  /** Stores of global tables, readable by every processor. */
  globalStores?: ReadonlyMap<string, StateStore>
  /** Serdes for sources and sinks that name none (default: Serdes.Bytes()). */
  defaultKeySerde?: AnySerde<any>
  defaultValueSerde?: AnySerde<any>
  /** Partition count of a topic, for stream partitioners; undefined leaves the default partitioner. */
  partitionCount?: (topic: string) => number | undefined
  /** Wall clock (ms); tests pass a mock. */
  now?: () => number
  exactlyOnce?: boolean
  /**
   * Wipe local state whenever it has no valid checkpoint (the runtime's global stores); by
   * default only under exactly-once after an unclean close.
   */
  wipeStateWithoutCheckpoint?: boolean
  warn?: (message: string) => void
}
