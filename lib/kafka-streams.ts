import { randomUUID } from 'node:crypto'
import { rocksDbOptionsSource, type RocksDBOptionsSource } from '../stores/rocksdb/rocksdb-options.js'
import { EventEmitter } from 'node:events'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { ReadOnlyKeyValueStore } from '../stores/key-value-store.js'
import type { ReadOnlySessionStore } from '../stores/session-store.js'
import type { StateStore } from '../stores/state-store.js'
import type { ReadOnlyWindowStore } from '../stores/window-store.js'
import type { StateRestoreListener } from '../stores/restore/state-restore-listener.js'
import type { Serde } from '../stores/serde.js'
import { InvalidStateStoreError } from '../stores/internals/store-errors.js'
import type { Topology } from '../topology/topology.js'
import { streamsPartitionAssigner } from './assignment/kafkajs-assigner.js'
import { taskIdOf } from './assignment/task-id.js'
import type { SubtopologySources } from './assignment/tasks-from-metadata.js'
import type { PartitionAssigner } from 'kafkajs'
import { KafkajsClients } from './clients/kafkajs/index.js'
import { redactConfig } from './config/redact.js'
import { resolveConfig } from './config/resolve.js'
import type { ResolvedStreamsConfig, StreamsConfig, UncaughtExceptionResponse } from './config/types.js'
import { ProductionErrorRouter } from './errors/production-errors.js'
import { StateMachine, type StreamsState } from './lifecycle/streams-state.js'
import { isAliveState, isReadyState } from './lifecycle/health.js'
import { CloseSteps, withinTimeout } from './lifecycle/close-steps.js'
import { closeOnSignals, type CloseOnSignalsOptions } from './lifecycle/signals.js'
import { checkBrokersAnswer, DEFAULT_BROKER_CHECK_TIMEOUT_MS } from './lifecycle/broker-check.js'
import { childLogger } from './config/logger.js'
import type { MetricValue } from './metrics/registry.js'
import { toPrometheusText } from './metrics/registry.js'
import { StreamsMetrics } from './metrics/streams-metrics.js'
import { classifyClientError, isRecoverableClientError } from './clients/errors.js'
import { StreamThread, type StreamThreadDeps } from './processing/stream-thread.js'
import type { AdminClient, ClientFactory, PartitionReader, RecordProducer } from './clients/types.js'
import { GlobalStores } from './tasks/global-stores.js'
import { CompositeReadOnlyKeyValueStore } from './query/composite-key-value-store.js'
import { defaultPartition, lookupHosts, type KeyQueryMetadata } from './query/key-query-metadata.js'
import { sessionStoreView, storeTypeOf, windowStoreView, type QueryableStoreType } from './query/store-views.js'
import { versionedStoreView } from './query/versioned-store-view.js'
import type { ReadOnlyVersionedKeyValueStore } from '../stores/versioned/versioned-store.js'
import { ensureInternalTopics } from './topics/ensure.js'
import type { RuntimeTopologyMetadata } from './topics/metadata.js'

/** The clean-up steps of close(), as named in its timeout warning. */
const STEP = {
  thread: 'stream thread (final commit, closing tasks and stores, leaving the group)',
  globals: 'global stores',
  reader: 'changelog reader',
  producer: 'shared producer',
  admin: 'admin client',
} as const

export interface KafkaStreamsEvents {
  stateChange: [next: StreamsState, prev: StreamsState]
  error: [error: Error]
}

export interface CloseOptions {
  /**
   * Stop waiting after this long: close() then resolves false, the state is NOT_RUNNING, and a
   * warning names the clean-up steps that had not finished (they go on in the background).
   */
  timeoutMs?: number
}

export interface StoreQueryOptions {
  /** Also read standby replicas (possibly stale), as Kafka Streams' enableStaleStores(). */
  includeStandby?: boolean
}

/**
 * A Kafka Streams application inside this process: joins the consumer group of `applicationId`,
 * runs the tasks the group assigns it, keeps their state in local stores backed by changelogs,
 * and commits (transactionally under exactly_once_v2).
 */
export class KafkaStreams extends EventEmitter<KafkaStreamsEvents> {
  readonly config: ResolvedStreamsConfig
  /** The instance's RocksDB memory budget and the application's option setter. */
  private readonly rocksDb: RocksDBOptionsSource
  private readonly topology: Topology
  private readonly meta: RuntimeTopologyMetadata
  private readonly machine: StateMachine
  private readonly metricsImpl = new StreamsMetrics(this)
  private readonly processId = randomUUID()
  /** The client adapter (kafkajs); everything below talks to its interfaces only. */
  private clients: ClientFactory<PartitionAssigner> | null = null
  private admin: AdminClient | null = null
  private sharedProducer: RecordProducer | null = null
  private sharedProducerConnected: Promise<void> | null = null
  private thread: StreamThread | null = null
  private threadBase: Omit<StreamThreadDeps, 'consumer'> | null = null
  private partitionCounts = new Map<string, number>()
  private closing: Promise<void> | null = null
  private closed: Promise<boolean> | null = null
  private restoreListener: StateRestoreListener | undefined
  private startError: Error | null = null
  private globals: GlobalStores | null = null
  private starting: Promise<void> | null = null
  private reader: PartitionReader | null = null
  /** True from start() until it resolves or rejects: a fatal error then rejects start(). */
  private startPending = false
  private fatal: Error | null = null
  private threadCount = 0
  private closeSteps: CloseSteps | null = null

  constructor(topology: Topology, config: StreamsConfig) {
    super()
    if (!topology || typeof (topology as Partial<Topology>).metadata !== 'function') {
      throw new TypeError('KafkaStreams: the first argument must be a Topology (StreamsBuilder.build())')
    }
    this.config = resolveConfig(config)
    this.rocksDb = rocksDbOptionsSource(this.config.rocksDbMemoryBytes, this.config.rocksDbConfigSetter ?? undefined)
    this.topology = topology
    this.meta = topology.metadata(this.config.applicationId)
    if (this.meta.subtopologies.length === 0) throw new TypeError('KafkaStreams: the topology has no sources; add a stream or table first')
    this.machine = new StateMachine((next, prev) => {
      this.config.logger.info({ state: next, previous: prev }, `State transition from ${prev} to ${next}`)
      this.emit('stateChange', next, prev)
    })
  }

  get state(): StreamsState {
    return this.machine.state
  }

  /** Kafka Streams' setGlobalStateRestoreListener: progress of every store restore. Before start(). */
  setGlobalStateRestoreListener(listener: StateRestoreListener): void {
    if (this.state !== 'CREATED') throw new Error('setGlobalStateRestoreListener: call it before start()')
    this.restoreListener = listener
  }

  /**
   * Validates the cluster (source topics, co-partitioning), creates internal topics and joins the
   * group. Resolves once the instance is a group member; the state turns RUNNING once its tasks
   * have restored. Rejects (state ERROR) when no broker answers (BrokersUnreachableError), when the
   * topology cannot run on this cluster, or on any fatal error before it resolves.
   *
   * A fatal error after start() resolved goes to the 'error' listeners; with none, it is thrown
   * as an uncaught exception once the clean-up is done (state ERROR), so the process exits
   * non-zero, as an EventEmitter's unhandled 'error' does.
   */
  start(): Promise<void> {
    if (this.state !== 'CREATED') return Promise.reject(new Error(`KafkaStreams.start: already started (state ${this.state})`))
    this.machine.set('REBALANCING')
    this.startPending = true
    this.starting = this.startClients()
    return this.starting
  }

  /** Each step checks `closing`: close() waits for this, then releases whatever it created. */
  private async startClients(): Promise<void> {
    try {
      await this.startSteps()
      // A fatal error of the first thread while start() was under way is start()'s to report.
      if (this.fatal) throw this.fatal
      this.startPending = false
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err))
      this.startError = e
      await this.failWith(e)
      this.startPending = false
      throw e
    }
  }

  private async startSteps(): Promise<void> {
    const { config } = this
    config.logger.info({ config: redactConfig(config) }, `Starting application ${config.applicationId}`)
    await checkBrokersAnswer(config.brokers, {
      timeoutMs: config.kafka.connectionTimeout ?? DEFAULT_BROKER_CHECK_TIMEOUT_MS,
      clientId: config.kafka.clientId ?? config.applicationId,
      ssl: config.kafka.ssl,
      socketFactory: config.kafka.socketFactory,
    })
    if (this.closing) return
    {
      this.clients = new KafkajsClients(config)
      this.admin = this.clients.admin()
      await this.admin.connect()
      if (this.closing) return
      const subtopologies = await this.resolveSources()
      const plan = await ensureInternalTopics(this.admin, { ...this.meta, subtopologies: this.meta.subtopologies.map((s, i) => ({ ...s, sourceTopics: subtopologies[i]!.sourceTopics })) }, {
        replicationFactor: config.replicationFactor,
        logger: config.logger,
      })
      this.partitionCounts = new Map(plan.partitionCounts)
      const sinks = [...new Set(this.meta.subtopologies.flatMap(s => s.sinkTopics))].filter(t => !this.partitionCounts.has(t))
      for (const [t, n] of await this.admin.partitionCounts(sinks)) this.partitionCounts.set(t, n)
      if (this.closing) return
      await this.startThread(subtopologies)
    }
  }

  private async resolveSources(): Promise<SubtopologySources[]> {
    const needsPatterns = this.meta.subtopologies.some(s => s.sourcePatterns.length > 0)
    const all = needsPatterns ? await this.admin!.listTopics() : []
    return this.meta.subtopologies.map(s => {
      const topics = new Set(s.sourceTopics)
      for (const p of s.sourcePatterns) {
        for (const t of all) {
          const m = new RegExp(p.source, p.flags.replace(/[gy]/g, '')).exec(t)
          if (m && m.index === 0 && m[0].length === t.length) topics.add(t)
        }
      }
      return { id: s.id, sourceTopics: [...topics] }
    })
  }

  private getSharedProducer = (): RecordProducer => {
    if (!this.sharedProducer) {
      this.sharedProducer = this.clients!.producer()
      this.sharedProducerConnected = this.sharedProducer.connect()
      this.sharedProducerConnected.catch(() => {})
    }
    return this.sharedProducer
  }

  private async startThread(subtopologies: SubtopologySources[]): Promise<void> {
    const { config } = this
    const clients = this.clients!
    const errors = new ProductionErrorRouter(config.productionExceptionHandler, config.logger, this.getSharedProducer)
    // Under at_least_once all tasks share one plain producer; connect it before tasks use it.
    if (config.processingGuarantee === 'at_least_once') {
      this.getSharedProducer()
      await this.sharedProducerConnected
    }
    const reader = clients.partitionReader()
    this.reader = reader
    await reader.connect()
    if (this.closing) return
    const globals = await this.bootstrapGlobalStores(clients, reader, errors)
    if (this.closing) return
    this.threadBase = {
      topology: this.topology,
      config,
      clients,
      sharedProducer: this.getSharedProducer,
      reader,
      metrics: this.metricsImpl,
      errors,
      partitionCount: t => this.partitionCounts.get(t),
      restoreListener: this.restoreListener,
      rocksDb: this.rocksDb,
      globalStores: globals?.stores,
      globals,
      subtopologies,
      repartitionTopics: new Set(this.meta.repartitionTopics.map(r => r.name)),
      offsetResetFor: topic => this.offsetResetFor(topic),
      admin: this.admin!,
      processId: this.processId,
      onRebalancing: () => this.machine.trySet('REBALANCING'),
      onRunning: () => this.machine.trySet('RUNNING'),
      onFatal: err => void this.onThreadError(err),
    }
    if (this.closing) return
    await this.startNewThread()
  }

  /**
   * Global tables: read every partition of their topics to the end before any task starts, so
   * the first stream records already join against the table (Kafka Streams' global bootstrap).
   */
  private async bootstrapGlobalStores(clients: ClientFactory<PartitionAssigner>, reader: PartitionReader, errors: ProductionErrorRouter): Promise<GlobalStores | null> {
    const ids = [...new Set(this.meta.globalStores.map(g => g.subtopologyId))]
    if (ids.length === 0) return null
    const topics = [...new Set(this.meta.globalStores.map(g => g.sourceTopic))]
    const counts = await this.admin!.partitionCounts(topics)
    const missing = topics.filter(t => !counts.has(t))
    if (missing.length > 0) throw new Error(`Source topics of global tables do not exist: ${missing.join(', ')}`)
    for (const [t, n] of counts) this.partitionCounts.set(t, n)
    const globals = new GlobalStores(
      {
        topology: this.topology,
        config: this.config,
        clients,
        sharedProducer: this.getSharedProducer,
        reader,
        metrics: this.metricsImpl,
        errors,
        partitionCount: t => this.partitionCounts.get(t),
        restoreListener: this.restoreListener,
        rocksDb: this.rocksDb,
      },
      ids,
    )
    this.globals = globals
    await globals.bootstrap(t => counts.get(t), () => this.closing !== null)
    return globals
  }

  /** A thread with a fresh group consumer (also how REPLACE_THREAD recovers). */
  private async startNewThread(): Promise<void> {
    const base = this.threadBase!
    const { config } = this
    let thread: StreamThread | null = null
    const consumer = this.clients!.groupConsumer({
      groupId: config.applicationId,
      assigner: streamsPartitionAssigner({
        subtopologies: () => base.subtopologies,
        subscription: () => thread!.subscription(),
        numStandbyReplicas: config.numStandbyReplicas,
      }),
      sessionTimeoutMs: config.sessionTimeoutMs,
      rebalanceTimeoutMs: config.rebalanceTimeoutMs,
      heartbeatIntervalMs: config.heartbeatIntervalMs,
    })
    // Each thread logs through a child logger naming it, as Kafka Streams' thread names do.
    const name = `${config.applicationId}-StreamThread-${++this.threadCount}`
    const logger = childLogger(config.logger, { thread: name })
    logger.info(`Starting stream thread ${name}`)
    thread = new StreamThread({ ...base, config: { ...base.config, logger }, consumer })
    this.thread = thread
    await thread.start()
  }

  /** The reset policy a source of the topology set for `topic` (Consumed.withOffsetResetPolicy). */
  private offsetResetFor(topic: string): 'earliest' | 'latest' | null {
    for (const def of this.topology.builder.nodes.values()) {
      if (def.kind !== 'source' || !def.offsetReset) continue
      if (def.topics?.some(t => t === topic || `${this.config.applicationId}-${t}` === topic)) return def.offsetReset
      if (def.pattern && new RegExp(`^(?:${def.pattern.source})$`, def.pattern.flags.replace(/[gy]/g, '')).test(topic)) return def.offsetReset
    }
    return null
  }

  /**
   * The uncaught exception policy: replace the failed thread's tasks, or stop with ERROR. A client
   * error a broker outage causes (the consumer gave up finding its coordinator...) is not the
   * application's fault: the thread is always replaced, retrying while the cluster is away.
   */
  private async onThreadError(err: Error): Promise<void> {
    if (this.closing || this.state === 'PENDING_ERROR' || this.state === 'ERROR') return
    // Retriable, rebalance, fencing and lost-transaction errors are the runtime's to recover from.
    const transient = isRecoverableClientError(err)
    let response: UncaughtExceptionResponse = 'SHUTDOWN_CLIENT'
    if (transient) {
      response = 'REPLACE_THREAD'
      this.config.logger.warn({ err, kind: classifyClientError(err) }, `The stream thread failed with a recoverable client error (${classifyClientError(err)}: ${err.message}); restarting it`)
    } else {
      const policy = this.config.uncaughtExceptionHandler
      try {
        response = typeof policy === 'function' ? policy(err) : policy
      } catch (handlerError) {
        this.config.logger.error({ err: handlerError }, 'The uncaught exception handler threw')
      }
      this.config.logger.error({ err, response }, `Stream processing failed: ${err.message}`)
    }
    if (response === 'REPLACE_THREAD' && this.thread) {
      const old = this.thread
      this.thread = null
      // Dirty close: uncommitted work is redone by the replacement (under EOS, aborted first).
      await old.shutdown(false).catch(() => {})
      for (let attempt = 1; !this.closing; attempt++) {
        this.machine.trySet('REBALANCING')
        try {
          await this.startNewThread()
          return
        } catch (startErr) {
          if (!isRecoverableClientError(startErr) || attempt >= 30) {
            await this.failWith(startErr as Error)
            return
          }
          const failed = this.thread as StreamThread | null
          this.thread = null
          await failed?.shutdown(false).catch(() => {})
          await new Promise(r => setTimeout(r, Math.min(5000, 250 * attempt)))
        }
      }
      return
    }
    await this.failWith(err)
  }

  /**
   * Stops on a fatal error: 'error' listeners hear it at once; with none, it is thrown as an
   * uncaught exception after the clean-up, unless start() is still pending (start() rejects).
   */
  private async failWith(err: Error): Promise<void> {
    if (!this.machine.trySet('PENDING_ERROR')) return
    this.fatal = err
    const listened = this.listenerCount('error') > 0
    const duringStart = this.startPending
    if (listened) this.emit('error', err)
    await this.release(false)
    this.machine.trySet('ERROR')
    if (!listened && !duringStart) {
      this.config.logger.error({ err }, `KafkaStreams ${this.config.applicationId} stopped on a fatal error and nothing listens for 'error'; rethrowing it`)
      process.nextTick(() => this.emit('error', err))
    }
  }

  /** Closes tasks, clients and stores. Clean: commit first. Never throws. */
  private async release(clean: boolean, steps = this.newCloseSteps()): Promise<void> {
    const { thread, globals, reader, sharedProducer: producer, admin } = this
    this.thread = this.globals = this.reader = this.sharedProducer = this.admin = null
    if (thread) steps.add(STEP.thread, () => thread.shutdown(clean))
    if (globals) steps.add(STEP.globals, () => globals.close())
    if (reader) steps.add(STEP.reader, () => reader.disconnect())
    if (producer) steps.add(STEP.producer, () => producer.disconnect())
    if (admin) steps.add(STEP.admin, () => admin.disconnect())
    await steps.runInOrder()
  }

  private newCloseSteps(): CloseSteps {
    const { logger } = this.config
    return new CloseSteps(
      (name, err) => logger.warn({ err, step: name }, `Closing: ${name} failed`),
      (name, ms) => logger.debug({ step: name, ms }, `Closed: ${name} (${ms} ms)`),
    )
  }

  /**
   * Stops processing: commits, closes tasks (writing checkpoints), leaves the group and releases
   * every client and store handle. Idempotent; safe in any state. Resolves true once everything
   * is released; with `timeoutMs`, resolves false when that time ran out first (as Kafka Streams'
   * close(Duration)): the state is then NOT_RUNNING and a warning names what had not finished.
   */
  close(opts: CloseOptions = {}): Promise<boolean> {
    const { timeoutMs } = opts
    if (timeoutMs !== undefined && (!Number.isFinite(timeoutMs) || timeoutMs < 0)) {
      return Promise.reject(new TypeError(`KafkaStreams.close: timeoutMs must be a number >= 0, got ${String(timeoutMs)}`))
    }
    if (!this.closing) {
      const steps = this.newCloseSteps()
      this.closeSteps = steps
      this.closing = (async () => {
        // A start still under way (joining the group...) finishes or stops at its next step first,
        // so nothing it creates is left open.
        await this.starting?.catch(() => {})
        if (this.state === 'ERROR' || this.state === 'PENDING_ERROR' || this.state === 'NOT_RUNNING') {
          await this.release(false, steps)
          return
        }
        this.machine.trySet('PENDING_SHUTDOWN')
        await this.release(true, steps)
        this.machine.trySet('NOT_RUNNING')
      })()
    }
    // Without a timeout every call shares one promise, as before.
    if (timeoutMs === undefined) return (this.closed ??= this.closing.then(() => true))
    return withinTimeout(this.closing, timeoutMs).then(done => {
      if (done) return true
      const unfinished = this.closeSteps?.unfinished() ?? []
      this.config.logger.warn(
        { timeoutMs, unfinished },
        `close() gave up waiting after ${timeoutMs} ms; not finished: ${unfinished.join('; ') || 'start() still stopping'}. ` +
          'Clients are released now; the rest goes on in the background',
      )
      void this.closeSteps?.hurry()
      if (this.state !== 'ERROR' && this.state !== 'PENDING_ERROR') {
        this.machine.trySet('PENDING_SHUTDOWN')
        this.machine.trySet('NOT_RUNNING')
      }
      return false
    })
  }

  /**
   * Closes the application on SIGINT or SIGTERM (commits and checkpoints, so the next start does
   * not restore from scratch), then ends the process: exit code 0, or 1 when close() timed out.
   * A second signal exits at once. Returns a function that removes the handlers.
   */
  closeOnSignals(opts: CloseOnSignalsOptions = {}): () => void {
    return closeOnSignals(o => this.close(o), this.config.logger, opts)
  }

  /** Readiness: RUNNING (every assigned task restored and processing). For a Kubernetes readinessProbe. */
  isReady(): boolean {
    return isReadyState(this.state)
  }

  /** Liveness: neither failed (PENDING_ERROR, ERROR) nor closed (NOT_RUNNING). For a livenessProbe. */
  isAlive(): boolean {
    return isAliveState(this.state)
  }

  /** Deletes this application's local state directory. Only when not running (Kafka Streams' cleanUp). */
  async cleanUp(): Promise<void> {
    if (this.state !== 'CREATED' && this.state !== 'NOT_RUNNING' && this.state !== 'ERROR') {
      throw new Error(`KafkaStreams.cleanUp: only allowed before start() or after close() (state ${this.state})`)
    }
    await rm(join(this.config.stateDir, this.config.applicationId), { recursive: true, force: true })
  }

  /**
   * Interactive queries: a read-only view of a store over this instance's active tasks (and
   * standbys with includeStandby; global stores are local in full). Key-value stores by default;
   * window and session stores with `{ type: 'window' }` or `{ type: 'session' }`, as Kafka Streams'
   * QueryableStoreTypes. Values of timestamped stores come back without their timestamp.
   */
  store<K = unknown, V = unknown>(name: string, opts?: StoreQueryOptions & { type?: 'keyValue' }): Promise<ReadOnlyKeyValueStore<K, V>>
  store<K = unknown, V = unknown>(name: string, opts: StoreQueryOptions & { type: 'window' }): Promise<ReadOnlyWindowStore<K, V>>
  store<K = unknown, V = unknown>(name: string, opts: StoreQueryOptions & { type: 'session' }): Promise<ReadOnlySessionStore<K, V>>
  /** A versioned store: `get(key)` for the latest version, `get(key, asOfTimestamp)` for the one valid then. */
  store<K = unknown, V = unknown>(name: string, opts: StoreQueryOptions & { type: 'versioned' }): Promise<ReadOnlyVersionedKeyValueStore<K, V>>
  async store<K, V>(
    name: string,
    opts: StoreQueryOptions & { type?: QueryableStoreType } = {},
  ): Promise<ReadOnlyKeyValueStore<K, V> | ReadOnlyWindowStore<K, V> | ReadOnlySessionStore<K, V> | ReadOnlyVersionedKeyValueStore<K, V>> {
    const def = this.topology.builder.stores.get(name)
    if (!def) {
      const known = [...this.topology.builder.stores.keys()]
      throw new InvalidStateStoreError(name, `does not exist in this topology${known.length ? ` (stores: ${known.join(', ')})` : ''}`)
    }
    const wanted = opts.type ?? 'keyValue'
    if (wanted !== 'keyValue' && wanted !== 'window' && wanted !== 'session' && wanted !== 'versioned') {
      throw new InvalidStateStoreError(name, `cannot be queried as type ${JSON.stringify(wanted)}: expected 'keyValue', 'window', 'session' or 'versioned'`)
    }
    const { type, timestamped } = storeTypeOf(def.builder)
    if (type !== wanted) {
      throw new InvalidStateStoreError(name, `is a ${type} store, not a ${wanted} store; query it with store('${name}', { type: '${type}' })`)
    }
    if (this.state !== 'RUNNING' && this.state !== 'REBALANCING') {
      throw new InvalidStateStoreError(name, `cannot be queried while KafkaStreams is ${this.state}; wait for RUNNING`)
    }
    const local = (): unknown[] => this.localStores(name, opts.includeStandby === true)
    if (type === 'window') return windowStoreView<K, V>(name, local, timestamped)
    if (type === 'session') return sessionStoreView<K, V>(local)
    if (type === 'versioned') return versionedStoreView<K, V>(local)
    return new CompositeReadOnlyKeyValueStore<K, V>(name, local as () => ReadOnlyKeyValueStore<K, unknown>[], timestamped)
  }

  /** The open instances of store `name` here: the global store, or one per local task. */
  private localStores(name: string, includeStandby: boolean): StateStore[] {
    const global = this.globals?.stores.get(name)
    if (global) return global.isOpen() ? [global] : []
    const out: StateStore[] = []
    const tasks: { getStore(name: string): StateStore | undefined }[] = [...(this.thread?.active.values() ?? [])].map(t => t.task)
    if (includeStandby) for (const s of this.thread?.standby.values() ?? []) tasks.push(s)
    for (const task of tasks) {
      const s = task.getStore(name)
      if (s && s.isOpen()) out.push(s)
    }
    return out
  }

  /**
   * Which instance (by applicationServer) holds `key` in `storeName`, from the last rebalance's
   * host map. `keySerde` must be the store's key serde: the partition comes from its bytes.
   */
  queryMetadataForKey<K>(storeName: string, key: K, keySerde: Serde<K>): KeyQueryMetadata {
    const sub = this.meta.subtopologies.find(s => s.stores.some(st => st.name === storeName))
    if (!sub) throw new InvalidStateStoreError(storeName, 'is not a store of any sub-topology in this topology')
    const counts = sub.sourceTopics.map(t => this.partitionCounts.get(t) ?? 0)
    const n = Math.max(0, ...counts)
    if (n === 0) throw new Error(`queryMetadataForKey: partition counts are unknown until start() has run`)
    const bytes = keySerde.serialize(sub.sourceTopics[0]!, key)
    if (!bytes) throw new TypeError(`queryMetadataForKey: the key of store ${storeName} serialized to null`)
    const partition = defaultPartition(bytes, n)
    const hostMap = this.thread?.assignmentInfo?.hostMap ?? {}
    return { ...lookupHosts(hostMap, taskIdOf(sub.id, partition)), partition }
  }

  /** Current metrics: records processed, latencies, commits, restore progress, consumer lag, dropped and late records. */
  metrics(): MetricValue[] {
    return this.metricsImpl.registry.snapshot()
  }

  /** The metrics in Prometheus text format (serve it on /metrics, or feed prom-client). */
  prometheusMetrics(): string {
    return toPrometheusText(this.metrics())
  }

  /** Why start() failed, if it did. */
  get failure(): Error | null {
    return this.startError
  }
}
