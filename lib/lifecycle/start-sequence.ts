import type { StateRestoreListener } from '../../stores/restore/state-restore-listener.js'
import type { RocksDBOptionsSource } from '../../stores/rocksdb/rocksdb-options.js'
import type { Topology } from '../../topology/topology.js'
import { createClients } from '../clients/create-clients.js'
import type { AdminClient, ClientFactory, PartitionReader, RecordProducer } from '../clients/types.js'
import { redactConfig } from '../config/redact.js'
import type { ResolvedStreamsConfig } from '../config/types.js'
import { ProductionErrorRouter } from '../errors/production-errors.js'
import type { StreamsMetrics } from '../metrics/streams-metrics.js'
import type { StreamThreadDeps } from '../processing/stream-thread.js'
import type { GlobalStores } from '../tasks/global-stores.js'
import type { TaskFactoryDeps } from '../tasks/task-factory.js'
import type { RuntimeTopologyMetadata } from '../topics/metadata.js'
import { checkBrokersAnswer, DEFAULT_BROKER_CHECK_TIMEOUT_MS } from './broker-check.js'
import type { HeldResources } from './release.js'
import { bootstrapGlobalStores, offsetResetFor, prepareTopics, resolveSources } from './start-steps.js'

/** What every stream thread of an instance is built from (each gets its own group consumer). */
export type ThreadBase = Omit<StreamThreadDeps, 'consumer'>

/**
 * The clients and stores start() creates, set as each is created, so a close() meanwhile
 * releases whatever exists.
 */
export class StartedResources {
  /** The client adapter `config.client` chose; everything else talks to its interfaces only. */
  clients: ClientFactory | null = null
  admin: AdminClient | null = null
  sharedProducer: RecordProducer | null = null
  sharedProducerConnected: Promise<void> | null = null
  reader: PartitionReader | null = null
  globals: GlobalStores | null = null
  /** Partition counts of the sources, internal topics, sinks and global topics. */
  partitionCounts = new Map<string, number>()

  /** The producer tasks share outside exactly-once (and dead letters use), created on first use. */
  readonly getSharedProducer = (): RecordProducer => {
    if (!this.sharedProducer) {
      this.sharedProducer = this.clients!.producer()
      this.sharedProducerConnected = this.sharedProducer.connect()
      this.sharedProducerConnected.catch(() => {})
    }
    return this.sharedProducer
  }

  /** Hands over what is to be released and forgets it (the clients factory stays). */
  take(): Omit<HeldResources, 'thread'> {
    const { globals, reader, sharedProducer: producer, admin } = this
    this.globals = this.reader = this.sharedProducer = this.admin = null
    return { globals, reader, producer, admin }
  }
}

export interface StartContext {
  config: ResolvedStreamsConfig
  topology: Topology
  meta: RuntimeTopologyMetadata
  metrics: StreamsMetrics
  restoreListener: StateRestoreListener | undefined
  rocksDb: RocksDBOptionsSource
  processId: string
  resources: StartedResources
  /** Whether close() began: each step checks it and stops. */
  stopping: () => boolean
  threadEvents: Pick<StreamThreadDeps, 'onRebalancing' | 'onRunning' | 'onFatal'>
}

/**
 * start() up to its first stream thread: checks that a broker answers, creates the clients,
 * checks the source topics and creates the internal ones, connects the shared producer and the
 * changelog reader, and bootstraps the global stores. Returns what stream threads are built from,
 * or null when close() began meanwhile.
 */
export async function runStartSequence(ctx: StartContext): Promise<ThreadBase | null> {
  const { config, meta, resources, stopping } = ctx
  config.logger.info({ config: redactConfig(config) }, `Starting application ${config.applicationId}`)
  await checkBrokersAnswer(config.brokers, {
    timeoutMs: config.kafka.connectionTimeout ?? DEFAULT_BROKER_CHECK_TIMEOUT_MS,
    clientId: config.kafka.clientId ?? config.applicationId,
    ssl: config.kafka.ssl,
    socketFactory: config.kafka.socketFactory,
  })
  if (stopping()) return null
  const clients = await createClients(config)
  resources.clients = clients
  const admin = clients.admin()
  resources.admin = admin
  await admin.connect()
  if (stopping()) return null
  const subtopologies = await resolveSources(admin, meta)
  resources.partitionCounts = await prepareTopics(admin, meta, subtopologies, config)
  if (stopping()) return null

  const errors = new ProductionErrorRouter(config.productionExceptionHandler, config.logger, resources.getSharedProducer)
  // Under at_least_once all tasks share one plain producer; connect it before tasks use it.
  if (config.processingGuarantee === 'at_least_once') {
    resources.getSharedProducer()
    await resources.sharedProducerConnected
  }
  const reader = clients.partitionReader()
  resources.reader = reader
  await reader.connect()
  if (stopping()) return null
  const deps: TaskFactoryDeps = {
    topology: ctx.topology,
    config,
    clients,
    sharedProducer: resources.getSharedProducer,
    reader,
    metrics: ctx.metrics,
    errors,
    partitionCount: t => resources.partitionCounts.get(t),
    restoreListener: ctx.restoreListener,
    rocksDb: ctx.rocksDb,
  }
  const globals = await bootstrapGlobalStores(deps, meta, admin, resources.partitionCounts, g => (resources.globals = g), stopping)
  if (stopping()) return null
  return {
    ...deps,
    clients,
    globalStores: globals?.stores,
    globals,
    subtopologies,
    repartitionTopics: new Set(meta.repartitionTopics.map(r => r.name)),
    offsetResetFor: topic => offsetResetFor(ctx.topology, config.applicationId, topic),
    admin,
    processId: ctx.processId,
    ...ctx.threadEvents,
  }
}
