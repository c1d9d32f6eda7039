import { EventEmitter } from 'node:events'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { ReadOnlyKeyValueStore } from '../stores/key-value-store.js'
import type { StateRestoreListener } from '../stores/restore/state-restore-listener.js'
import { rocksDbOptionsSource, type RocksDBOptionsSource } from '../stores/rocksdb/rocksdb-options.js'
import type { Serde } from '../stores/serde.js'
import type { ReadOnlySessionStore } from '../stores/session-store.js'
import type { ReadOnlyVersionedKeyValueStore } from '../stores/versioned/versioned-store.js'
import type { ReadOnlyWindowStore } from '../stores/window-store.js'
import type { Topology } from '../topology/topology.js'
import { resolveConfig } from './config/resolve.js'
import type { ResolvedStreamsConfig, StreamsConfig } from './config/types.js'
import type { CloseSteps } from './lifecycle/close-steps.js'
import { isAliveState, isReadyState } from './lifecycle/health.js'
import { closeWithin, newCloseSteps, releaseResources } from './lifecycle/release.js'
import { claimProcessId, type ProcessIdClaim } from './lifecycle/process-id.js'
import { closeOnSignals, type CloseOnSignalsOptions } from './lifecycle/signals.js'
import { runStartSequence, StartedResources, type ThreadBase } from './lifecycle/start-sequence.js'
import { StateMachine, type StreamsState } from './lifecycle/streams-state.js'
import { retryThreadStart, threadErrorResponse } from './lifecycle/thread-errors.js'
import { newStreamThread } from './lifecycle/thread-start.js'
import type { MetricValue } from './metrics/registry.js'
import { toPrometheusText } from './metrics/registry.js'
import { StreamsMetrics } from './metrics/streams-metrics.js'
import type { StreamThread } from './processing/stream-thread.js'
import { keyQueryMetadata, localStores, queryableStore, type QueriedStore } from './query/interactive-queries.js'
import type { KeyQueryMetadata } from './query/key-query-metadata.js'
import type { QueryableStoreType } from './query/store-views.js'
import type { RuntimeTopologyMetadata } from './topics/metadata.js'

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
  /** The process id kept in the state directory (claimed by start(), given up by close()). */
  private processClaim: ProcessIdClaim | null = null
  /** Clients and global stores, as start() creates them. */
  private readonly resources = new StartedResources()
  private thread: StreamThread | null = null
  private threadBase: ThreadBase | null = null
  private closing: Promise<void> | null = null
  private closed: Promise<boolean> | null = null
  private restoreListener: StateRestoreListener | undefined
  private startError: Error | null = null
  private starting: Promise<void> | null = null
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
      this.processClaim = await claimProcessId(join(this.config.stateDir, this.config.applicationId), this.config.logger)
      this.threadBase = await runStartSequence({
        config: this.config,
        topology: this.topology,
        meta: this.meta,
        metrics: this.metricsImpl,
        restoreListener: this.restoreListener,
        rocksDb: this.rocksDb,
        processId: this.processClaim.processId,
        resources: this.resources,
        stopping: () => this.closing !== null,
        threadEvents: {
          onRebalancing: () => this.machine.trySet('REBALANCING'),
          onRunning: () => this.machine.trySet('RUNNING'),
          onFatal: err => void this.onThreadError(err),
        },
      })
      if (this.threadBase && !this.closing) await this.startNewThread()
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

  /** A thread with a fresh group consumer (also how REPLACE_THREAD recovers). */
  private async startNewThread(): Promise<void> {
    const thread = newStreamThread(this.threadBase!, this.resources.clients!, ++this.threadCount)
    this.thread = thread
    await thread.start()
  }

  /** The uncaught exception policy: replace the failed thread's tasks, or stop with ERROR. */
  private async onThreadError(err: Error): Promise<void> {
    if (this.closing || this.state === 'PENDING_ERROR' || this.state === 'ERROR') return
    const response = threadErrorResponse(err, this.config)
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
          if (!retryThreadStart(startErr, attempt)) {
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
  private async release(clean: boolean, steps = newCloseSteps(this.config.logger)): Promise<void> {
    const thread = this.thread
    this.thread = null
    await releaseResources({ thread, ...this.resources.take() }, clean, steps)
    // Only now may another instance take the state directory (and with it the transactional ids).
    await this.processClaim?.release()
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
      const steps = newCloseSteps(this.config.logger)
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
    return closeWithin(this.closing, timeoutMs, this.closeSteps, this.config.logger).then(done => {
      if (done) return true
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
  async store<K, V>(name: string, opts: StoreQueryOptions & { type?: QueryableStoreType } = {}): Promise<QueriedStore<K, V>> {
    return queryableStore<K, V>(this.topology, name, opts.type, this.state, () => localStores(this.resources.globals, this.thread, name, opts.includeStandby === true))
  }

  /**
   * Which instance (by applicationServer) holds `key` in `storeName`, from the last rebalance's
   * host map. `keySerde` must be the store's key serde: the partition comes from its bytes.
   */
  queryMetadataForKey<K>(storeName: string, key: K, keySerde: Serde<K>): KeyQueryMetadata {
    return keyQueryMetadata(this.meta, this.resources.partitionCounts, this.thread, storeName, key, keySerde)
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
