import type { RocksDBConfigSetter } from '../../stores/rocksdb/rocksdb-options.js'
import type { KafkaConfig } from 'kafkajs'
import type { ProcessingExceptionHandler } from '../../topology/internals/processing-errors.js'

export type { ProcessingExceptionHandler, ProcessingErrorContext } from '../../topology/internals/processing-errors.js'

export type ProcessingGuarantee = 'at_least_once' | 'exactly_once_v2'

/** What a deserialization or production error handler decides for one record. */
export type HandlerResponse = 'CONTINUE' | 'FAIL'

export interface DeserializationErrorContext {
  topic: string
  partition: number
  offset: number
  key: Buffer | null
  value: Buffer | null
  error: Error
}

export interface ProductionErrorContext {
  topic: string
  partition: number
  key: Buffer | null
  value: Buffer | null
  error: Error
}

/**
 * 'logAndContinue' | 'logAndFail' as Kafka Streams' built-in handlers; `{ deadLetterTopic }` sends
 * the original bytes with the error in headers and continues; a function decides per record.
 */
export type DeserializationExceptionHandler =
  | 'logAndContinue'
  | 'logAndFail'
  | { deadLetterTopic: string }
  | ((ctx: DeserializationErrorContext) => HandlerResponse)

export type ProductionExceptionHandler =
  | 'fail'
  | 'continue'
  | { deadLetterTopic: string }
  | ((ctx: ProductionErrorContext) => HandlerResponse)

/** Kafka Streams' StreamsUncaughtExceptionHandler responses. */
export type UncaughtExceptionResponse = 'SHUTDOWN_CLIENT' | 'REPLACE_THREAD'
export type UncaughtExceptionHandler =
  | UncaughtExceptionResponse
  | ((error: Error) => UncaughtExceptionResponse)

/** The levels kstreams logs at, and `'silent'` for nothing. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent'

/** Structured fields of one log line; an error travels as `err` (pino's convention). */
export type LogFields = Record<string, unknown>

/** pino's call shape: fields first, then the message; or the message alone. */
export interface LogFn {
  (fields: LogFields, message?: string): void
  (message: string): void
}

/**
 * What kstreams logs through. A pino logger fits as it is; wrap a winston logger with
 * `winstonLogger(w)`. With `child`, kstreams binds `{ thread }` and `{ task }` to its lines.
 */
export interface Logger {
  debug: LogFn
  info: LogFn
  warn: LogFn
  error: LogFn
  child?(bindings: LogFields): Logger
}

/** Options passed through to kafkajs (everything but brokers, which is top-level). */
export type KafkaClientOptions = Omit<KafkaConfig, 'brokers'>

/**
 * Which Kafka client the runtime uses: `'kstreams'`, kstreams' own client (the default), or
 * `'kafkajs'`, the kafkajs 2.2 adapter (loaded only when chosen).
 */
export type KafkaClientChoice = 'kstreams' | 'kafkajs'

/** The configuration a user passes to `new KafkaStreams(topology, config)`. */
export interface StreamsConfig {
  applicationId: string
  brokers: string[]
  processingGuarantee?: ProcessingGuarantee
  stateDir?: string
  commitIntervalMs?: number
  cacheMaxBytes?: number
  bufferedRecordsPerPartition?: number
  /** Records one task processes before the loop turns to the next task. */
  maxTaskBatchRecords?: number
  numStandbyReplicas?: number
  /** 'host:port' where this instance answers interactive queries. */
  applicationServer?: string
  replicationFactor?: number
  autoOffsetReset?: 'earliest' | 'latest'
  sessionTimeoutMs?: number
  heartbeatIntervalMs?: number
  rebalanceTimeoutMs?: number
  transactionTimeoutMs?: number
  /** How often consumed repartition records are deleted (Kafka Streams' repartition.purge.interval.ms). */
  repartitionPurgeIntervalMs?: number
  /**
   * An assigned input partition with records to read whose position has not advanced for this
   * long is reported (WARN log and the `stalled_partitions` metric). 0 disables the check.
   */
  stalledPartitionWarningMs?: number
  /**
   * Sets each RocksDB store's options as it opens (Kafka Streams' `rocksdb.config.setter`): change
   * the options object in place. Called with the store's name and the options its share of
   * `rocksDbMemoryBytes` gave it.
   */
  rocksDbConfigSetter?: RocksDBConfigSetter
  /**
   * Memtable budget of all RocksDB stores of this instance, in bytes (default 64 MiB): each store
   * opening takes up to half of what is left, between 1 and 8 MiB per memtable, two memtables each.
   */
  rocksDbMemoryBytes?: number
  deserializationExceptionHandler?: DeserializationExceptionHandler
  productionExceptionHandler?: ProductionExceptionHandler
  /**
   * Errors thrown by processors and punctuators (KIP-1033): 'logAndFail' (the default) stops the
   * task, 'logAndContinue' skips the record, a function decides per record.
   */
  processingExceptionHandler?: ProcessingExceptionHandler
  /**
   * Kafka Streams' errors.dead.letter.queue.topic.name (KIP-1034): records the deserialization,
   * processing or production handler decides on are written there as their source record's bytes
   * with the `__streams.errors.*` headers, in the task's transaction under exactly-once.
   */
  deadLetterQueueTopic?: string
  uncaughtExceptionHandler?: UncaughtExceptionHandler
  /** pino-shaped logger (default: the console at `logLevel`). */
  logger?: Logger
  /**
   * The lowest level kstreams logs at: 'debug' | 'info' | 'warn' | 'error' | 'silent'. Default
   * 'warn' for the console logger; a logger of your own keeps its own level unless this is set.
   * kafkajs's lines follow it too unless `kafka.logLevel` is set.
   */
  logLevel?: LogLevel
  /**
   * The Kafka client the runtime uses: 'kstreams' (default), kstreams' own, or 'kafkajs'. Under
   * exactly_once_v2, kstreams' client runs one transactional producer per stream thread (KIP-447),
   * the kafkajs adapter one per task.
   */
  client?: KafkaClientChoice
  kafka?: KafkaClientOptions
}

/** StreamsConfig with every default applied. */
export interface ResolvedStreamsConfig {
  applicationId: string
  brokers: string[]
  processingGuarantee: ProcessingGuarantee
  stateDir: string
  commitIntervalMs: number
  cacheMaxBytes: number
  bufferedRecordsPerPartition: number
  maxTaskBatchRecords: number
  numStandbyReplicas: number
  applicationServer: string | null
  replicationFactor: number
  autoOffsetReset: 'earliest' | 'latest'
  sessionTimeoutMs: number
  heartbeatIntervalMs: number
  rebalanceTimeoutMs: number
  transactionTimeoutMs: number
  repartitionPurgeIntervalMs: number
  stalledPartitionWarningMs: number
  rocksDbConfigSetter: RocksDBConfigSetter | null
  rocksDbMemoryBytes: number
  deserializationExceptionHandler: DeserializationExceptionHandler
  productionExceptionHandler: ProductionExceptionHandler
  processingExceptionHandler: ProcessingExceptionHandler
  deadLetterQueueTopic: string | null
  uncaughtExceptionHandler: UncaughtExceptionHandler
  logger: Logger
  logLevel: LogLevel
  client: KafkaClientChoice
  kafka: KafkaClientOptions
}
