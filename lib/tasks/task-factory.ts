import type { StateStore } from '../../stores/state-store.js'
import type { RocksDBOptionsSource } from '../../stores/rocksdb/rocksdb-options.js'
import type { StateRestoreListener } from '../../stores/restore/state-restore-listener.js'
import { RecordCollectorImpl } from '../../topology/internals/record-collector.js'
import { StreamTask } from '../../topology/internals/stream-task.js'
import type { Topology } from '../../topology/topology.js'
import { parseTaskId } from '../assignment/task-id.js'
import { ClientError } from '../clients/errors.js'
import type { ClientFactory, PartitionReader, RecordProducer, TopicPartition } from '../clients/types.js'
import type { ResolvedStreamsConfig } from '../config/types.js'
import { childLogger } from '../config/logger.js'
import { deserializationHandlerFor } from '../errors/deserialization-errors.js'
import { processingErrorsFor } from '../errors/processing-errors.js'
import type { ProductionErrorRouter } from '../errors/production-errors.js'
import type { StreamsMetrics } from '../metrics/streams-metrics.js'
import { ActiveTask } from './active-task.js'
import { restoreChangelogs } from './changelog-restorer.js'
import type { ThreadProducer } from './thread-producer.js'

export interface TaskFactoryDeps {
  topology: Topology
  config: ResolvedStreamsConfig
  /** Under exactly_once_v2 without a thread producer, each task creates its own transactional producer. */
  clients: Pick<ClientFactory, 'producer'>
  /**
   * Under exactly_once_v2 when the client commits offsets with group metadata (KIP-447): the
   * stream thread's one transactional producer, shared by its tasks.
   */
  threadProducer?: ThreadProducer | null
  sharedProducer: () => RecordProducer
  reader: PartitionReader
  metrics: StreamsMetrics
  errors: ProductionErrorRouter
  partitionCount: (topic: string) => number | undefined
  restoreListener?: StateRestoreListener
  /** Stores of global tables, by name: every active task reads them. */
  globalStores?: ReadonlyMap<string, StateStore>
  /** RocksDB stores' options: the instance's memory budget and `rocksDbConfigSetter`. */
  rocksDb?: RocksDBOptionsSource
}

/**
 * How long a task start waits for its thread's producer to initialize before the start is retried
 * later (the initialization goes on meanwhile).
 */
const THREAD_PRODUCER_INIT_WAIT_MS = 2_000

/** The transactional id of a task's producer under exactly_once_v2 without KIP-447. */
export function transactionalIdOf(applicationId: string, taskId: string): string {
  return `${applicationId}-${taskId}`
}

/**
 * Creates an active task ready to process: under exactly-once its producer is initialized first
 * (per task: fencing any previous owner and resolving its open transaction, so the changelogs and
 * input offsets read next are final; per thread: once, at the thread's first task), then
 * `beforeRestore` runs (per thread: waits until no transaction of a previous owner holds offsets
 * of the inputs, which fences nothing but lets it finish); then stores open and restore to the
 * changelog end.
 */
export async function createActiveTask(
  deps: TaskFactoryDeps,
  taskId: string,
  inputs: readonly TopicPartition[],
  cacheMaxBytes: number,
  aborted: () => boolean,
  beforeRestore?: () => Promise<unknown>,
): Promise<ActiveTask> {
  const { config, metrics } = deps
  const eos = config.processingGuarantee === 'exactly_once_v2'
  const { subtopology, partition } = parseTaskId(taskId)
  const thread = eos ? deps.threadProducer ?? null : null
  const ownsProducer = eos && thread === null
  let producer: RecordProducer
  if (thread) {
    if (!(await thread.initializedWithin(THREAD_PRODUCER_INIT_WAIT_MS))) {
      throw new ClientError('retriable', `The transactional producer ${thread.transactionalId} of the stream thread is not initialized yet (InitProducerId is still being retried)`)
    }
    producer = thread.forTask(taskId)
  } else if (eos) {
    producer = deps.clients.producer({
      transactionalId: transactionalIdOf(config.applicationId, taskId),
      transactionTimeoutMs: config.transactionTimeoutMs,
    })
    await producer.connect()
  } else {
    producer = deps.sharedProducer()
  }
  const taskMetrics = metrics.taskMetrics(taskId)
  const log = childLogger(config.logger, { task: taskId })
  const collector = new RecordCollectorImpl(producer, { transactional: eos, errors: deps.errors, deadLetterQueueTopic: config.deadLetterQueueTopic })
  let task: StreamTask | null = null
  try {
    if (beforeRestore) await beforeRestore()
    task = new StreamTask({
      topology: deps.topology,
      subtopologyId: subtopology,
      partition,
      applicationId: config.applicationId,
      stateDir: config.stateDir,
      collector,
      cacheMaxBytes,
      exactlyOnce: eos,
      partitionCount: deps.partitionCount,
      globalStores: deps.globalStores,
      deserializationHandler: deserializationHandlerFor(
        config.deserializationExceptionHandler,
        log,
        collector,
        () => taskMetrics.dropped.inc(),
        config.deadLetterQueueTopic,
      ),
      processingErrors: processingErrorsFor(config, log, () => taskMetrics.dropped.inc()),
      onLateRecord: () => metrics.lateRecords(taskId).inc(),
      onDroppedRecord: () => taskMetrics.dropped.inc(),
      rocksDb: deps.rocksDb,
      warn: m => log.warn(m),
    })
    const changelogs = await task.initialize()
    await restoreChangelogs({
      reader: deps.reader,
      changelogs,
      listener: deps.restoreListener,
      metrics,
      logger: log,
      aborted,
      positions: task.stateManager,
    })
    return new ActiveTask(task, inputs, collector, producer, ownsProducer, taskMetrics)
  } catch (err) {
    await task?.close({ clean: false }).catch(() => {})
    if (ownsProducer) await producer.disconnect().catch(() => {})
    metrics.removeTask(taskId)
    throw err
  }
}
