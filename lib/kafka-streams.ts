import { randomUUID } from 'node:crypto'
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
import { KafkajsClients, type KafkajsAdminClient, type KafkajsRecordProducer } from './clients/kafkajs/index.js'
import { redactConfig } from './config/redact.js'
import { resolveConfig } from './config/resolve.js'
import type { ResolvedStreamsConfig, StreamsConfig, UncaughtExceptionResponse } from './config/types.js'
import { ProductionErrorRouter } from './errors/production-errors.js'
import { StateMachine, type StreamsState } from './lifecycle/streams-state.js'
import type { MetricValue } from './metrics/registry.js'
import { toPrometheusText } from './metrics/registry.js'
import { StreamsMetrics } from './metrics/streams-metrics.js'
import { classifyClientError, isRecoverableClientError } from './clients/errors.js'
import { StreamThread, type StreamThreadDeps } from './processing/stream-thread.js'
import type { PartitionReader } from './clients/types.js'
import { GlobalStores } from './tasks/global-stores.js'
import { CompositeReadOnlyKeyValueStore } from './query/composite-key-value-store.js'
import { defaultPartition, lookupHosts, type KeyQueryMetadata } from './query/key-query-metadata.js'
import { sessionStoreView, storeTypeOf, windowStoreView, type QueryableStoreType } from './query/store-views.js'
import { ensureInternalTopics } from './topics/ensure.js'
import type { RuntimeTopologyMetadata } from './topics/metadata.js'

export interface KafkaStreamsEvents {
  stateChange: [next: StreamsState, prev: StreamsState]
  error: [error: Error]
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
  private readonly topology: Topology
  private readonly meta: RuntimeTopologyMetadata
  private readonly machine: StateMachine
  private readonly metricsImpl = new StreamsMetrics(this)
  private readonly processId = randomUUID()
  private clients: KafkajsClients | null = null
  private admin: KafkajsAdminClient | null = null
  private sharedProducer: KafkajsRecordProducer | null = null
  private sharedProducerConnected: Promise<void> | null = null
  private thread: StreamThread | null = null
  private threadBase: Omit<StreamThreadDeps, 'consumer'> | null = null
  private partitionCounts = new Map<string, number>()
  private closing: Promise<void> | null = null
  private restoreListener: StateRestoreListener | undefined
  private startError: Error | null = null
  private globals: GlobalStores | null = null
  private starting: Promise<void> | null = null
  private reader: PartitionReader | null = null

  constructor(topology: Topology, config: StreamsConfig) {
    super()
    if (!topology || typeof (topology as Partial<Topology>).metadata !== 'function') {
      throw new TypeError('KafkaStreams: the first argument must be a Topology (StreamsBuilder.build())')
    }
    this.config = resolveConfig(config)
    this.topology = topology
    this.meta = topology.metadata(this.config.applicationId)
    if (this.meta.subtopologies.length === 0) throw new TypeError('KafkaStreams: the topology has no sources; add a stream or table first')
    this.machine = new StateMachine((next, prev) => {
      this.config.logger.info(`State transition from ${prev} to ${next}`)
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
   * have restored. Rejects (state ERROR) when the topology cannot run on this cluster.
   */
  start(): Promise<void> {
    if (this.state !== 'CREATED') return Promise.reject(new Error(`KafkaStreams.start: already started (state ${this.state})`))
    this.machine.set('REBALANCING')
    this.starting = this.startClients()
    return this.starting
  }

  /** Each step checks `closing`: close() waits for this, then releases whatever it created. */
  private async startClients(): Promise<void> {
    const { config } = this
    config.logger.debug('Starting with config', redactConfig(config))
    try {
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
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err))
      this.startError = e
      await this.failWith(e)
      throw e
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

  private getSharedProducer = (): KafkajsRecordProducer => {
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
  private async bootstrapGlobalStores(clients: KafkajsClients, reader: PartitionReader, errors: ProductionErrorRouter): Promise<GlobalStores | null> {
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
    thread = new StreamThread({ ...base, consumer })
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
      this.config.logger.warn(`The stream thread failed with a recoverable client error (${classifyClientError(err)}: ${err.message}); restarting it`)
    } else {
      const policy = this.config.uncaughtExceptionHandler
      try {
        response = typeof policy === 'function' ? policy(err) : policy
      } catch (handlerError) {
        this.config.logger.error('The uncaught exception handler threw', { error: (handlerError as Error).message })
      }
      this.config.logger.error(`Stream processing failed: ${err.message}`, { response, error: err.name, stack: err.stack })
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

  private async failWith(err: Error): Promise<void> {
    if (!this.machine.trySet('PENDING_ERROR')) return
    if (this.listenerCount('error') > 0) this.emit('error', err)
    await this.release(false)
    this.machine.trySet('ERROR')
  }

  /** Closes tasks, clients and stores. Clean: commit first. Never throws. */
  private async release(clean: boolean): Promise<void> {
    const thread = this.thread
    this.thread = null
    if (thread) await thread.shutdown(clean).catch(e => this.config.logger.warn('Thread shutdown failed', { error: (e as Error).message }))
    const globals = this.globals
    this.globals = null
    if (globals) await globals.close()
    const reader = this.reader
    this.reader = null
    await reader?.disconnect().catch(() => {})
    if (this.sharedProducer) await this.sharedProducer.disconnect().catch(() => {})
    this.sharedProducer = null
    if (this.admin) await this.admin.disconnect().catch(() => {})
    this.admin = null
  }

  /**
   * Stops processing: commits, closes tasks (writing checkpoints), leaves the group and releases
   * every client and store handle. Idempotent; safe in any state.
   */
  close(): Promise<void> {
    if (this.closing) return this.closing
    this.closing = (async () => {
      // A start still under way (joining the group...) finishes or stops at its next step first,
      // so nothing it creates is left open.
      await this.starting?.catch(() => {})
      if (this.state === 'ERROR' || this.state === 'PENDING_ERROR' || this.state === 'NOT_RUNNING') {
        await this.release(false)
        return
      }
      this.machine.set('PENDING_SHUTDOWN')
      await this.release(true)
      this.machine.set('NOT_RUNNING')
    })()
    return this.closing
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
  async store<K, V>(
    name: string,
    opts: StoreQueryOptions & { type?: QueryableStoreType } = {},
  ): Promise<ReadOnlyKeyValueStore<K, V> | ReadOnlyWindowStore<K, V> | ReadOnlySessionStore<K, V>> {
    const def = this.topology.builder.stores.get(name)
    if (!def) {
      const known = [...this.topology.builder.stores.keys()]
      throw new InvalidStateStoreError(name, `does not exist in this topology${known.length ? ` (stores: ${known.join(', ')})` : ''}`)
    }
    const wanted = opts.type ?? 'keyValue'
    if (wanted !== 'keyValue' && wanted !== 'window' && wanted !== 'session') {
      throw new InvalidStateStoreError(name, `cannot be queried as type ${JSON.stringify(wanted)}: expected 'keyValue', 'window' or 'session'`)
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
    return new CompositeReadOnlyKeyValueStore<K, V>(name, local as () => ReadOnlyKeyValueStore<K, unknown>[], timestamped)
  }

  /** The open instances of store `name` here: the global store, or one per local task. */
  private localStores(name: string, includeStandby: boolean): StateStore[] {
    const global = this.globals?.stores.get(name)
    if (global) return global.isOpen() ? [global] : []
    const out: StateStore[] = []
    const tasks = [...(this.thread?.active.values() ?? [])].map(t => t.task)
    if (includeStandby) for (const s of this.thread?.standby.values() ?? []) tasks.push(s.task)
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
