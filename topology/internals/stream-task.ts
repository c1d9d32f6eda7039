import { ThreadCache } from '../../stores/cache/thread-cache.js'
import type { RecordCollector, RecordContext, StateStore } from '../../stores/state-store.js'
import type { Cancellable, PunctuationType, Punctuator } from '../processor/processor.js'
import type { Record } from '../processor/record.js'
import type { Topology } from '../topology.js'
import { DeferredWork } from './deferred-work.js'
import { PartitionGroup } from './partition-group.js'
import type { PartitionQueue } from './partition-queue.js'
import type { ProcessorNode, TaskRuntime } from './processor-node.js'
import { processingHandlerFor } from './processing-errors.js'
import { PunctuationScheduler } from './punctuation-scheduler.js'
import { RecordCollectorImpl } from './record-collector.js'
import { AsyncScope, StackScope, type SourceRecordContext } from './record-context-scope.js'
import { RecordDelivery } from './record-delivery.js'
import { HeadDeserializer } from './record-deserializer.js'
import { StateManager } from './state-manager.js'
import { buildTaskNodes } from './task-nodes.js'
import type { StreamTaskOptions } from './stream-task-options.js'
import type { ChangelogToRestore, CommittableOffset, RawRecord } from './task-types.js'
import { resolveTopic } from './topology-metadata.js'
import { TopologyError } from './topology-error.js'

export type { StreamTaskOptions } from './stream-task-options.js'
export { GLOBAL_ALL_PARTITIONS } from './state-manager.js'

/**
 * Runs one task: the records of one partition of every source topic of a sub-topology (or of a
 * global-store group) through its processor graph. Records are picked across partitions by
 * lowest head timestamp (PartitionGroup); stream time is the highest timestamp processed. Nothing
 * awaits unless a processor, store or serde actually returns a promise, so synchronous work runs
 * a batch without promise hops. Both the runtime and TopologyTestDriver drive this class.
 */
export class StreamTask implements TaskRuntime {
  readonly id: string
  readonly applicationId: string
  readonly partition: number
  readonly subtopologyId: number
  readonly taskDir: string
  readonly collector: RecordCollector
  /** A global-store task: reads every partition of the global topics, owns the global stores. */
  readonly isGlobal: boolean
  /** Opens, restores, checkpoints and closes the task's stores. */
  readonly stateManager: StateManager

  private readonly topology: Topology
  private readonly opts: StreamTaskOptions
  /** Every node in topological order. */
  private readonly nodes: Map<string, ProcessorNode>
  private readonly partitions: PartitionGroup
  private readonly delivery: RecordDelivery
  private readonly punctuations: PunctuationScheduler
  private readonly async: DeferredWork
  private readonly cache: ThreadCache | null
  private state: 'created' | 'initialized' | 'running' | 'closed' = 'created'
  private processorsInitialized: Promise<void> | null = null
  private readonly now: () => number

  constructor(opts: StreamTaskOptions) {
    const group = opts.topology.builder.nodeGroups().find((g) => g.id === opts.subtopologyId)
    if (!group) throw new TopologyError(`the topology has no sub-topology ${opts.subtopologyId}`)
    this.opts = opts
    this.topology = opts.topology
    this.applicationId = opts.applicationId
    this.partition = opts.partition
    this.subtopologyId = opts.subtopologyId
    this.isGlobal = group.global
    this.id = group.global ? `global_${opts.subtopologyId}` : `${opts.subtopologyId}_${opts.partition}`
    this.collector = opts.collector
    this.now = opts.now ?? Date.now
    this.cache = opts.cacheMaxBytes > 0 ? new ThreadCache(opts.cacheMaxBytes) : null
    this.stateManager = new StateManager({
      topology: opts.topology,
      subtopologyId: opts.subtopologyId,
      partition: opts.partition,
      applicationId: opts.applicationId,
      stateDir: opts.stateDir,
      exactlyOnce: opts.exactlyOnce ?? false,
      wipeRule: opts.wipeStateWithoutCheckpoint ? 'no-checkpoint' : 'unclean-exactly-once',
      cache: this.cache,
      collector: opts.collector,
      recordContext: () => this.recordContext(),
      rocksDb: opts.rocksDb,
      warn: opts.warn,
    })
    this.taskDir = this.stateManager.taskDir
    if (opts.collector instanceof RecordCollectorImpl) opts.collector.bindRecordContext(() => this.recordContext())
    const processingErrors = opts.processingErrors ? processingHandlerFor(opts.processingErrors, this.id, opts.collector) : null
    const graph = buildTaskNodes(this, group.nodes, opts)
    this.nodes = graph.nodes
    const builder = opts.topology.builder
    const heads = new HeadDeserializer(this.id, opts.deserializationHandler, (m) => this.warn(m))
    this.partitions = new PartitionGroup(this.id, graph, (t) => resolveTopic(builder, this.applicationId, t), heads)
    this.delivery = new RecordDelivery(graph.userCode ? new AsyncScope() : new StackScope(), processingErrors)
    this.punctuations = new PunctuationScheduler(this.delivery, this.now)
    this.async = new DeferredWork(this.delivery)
  }

  /** Full names of the topics this task reads (repartition topics prefixed). */
  sourceTopics(): string[] {
    return this.partitions.sourceTopics()
  }

  /** Opens the task's stores; returns the changelogs to replay (with checkpointed offsets) before processing. */
  async initialize(): Promise<ChangelogToRestore[]> {
    if (this.state !== 'created') throw new Error(`task ${this.id} is already initialized`)
    const changelogs = await this.stateManager.initialize()
    this.state = 'initialized'
    return changelogs
  }

  /** The task's stores by name (driver and interactive queries). */
  getStore(name: string): StateStore | undefined {
    return this.stateManager.getStore(name)
  }

  storeNames(): string[] {
    return this.stateManager.stores().map((s) => s.name)
  }

  /**
   * Initializes the processors (after restoration, as Kafka Streams), so wall-clock schedules
   * start now. Optional: process, punctuate and commit do it on first use.
   */
  async start(): Promise<void> {
    const init = this.ensureProcessorsInitialized()
    if (init) await init
  }

  private ensureProcessorsInitialized(): void | Promise<void> {
    if (this.state === 'running') return
    if (this.state === 'created') throw new Error(`task ${this.id}: call initialize() before processing`)
    if (this.state === 'closed') throw new Error(`task ${this.id} is closed`)
    this.processorsInitialized ??= this.initProcessors()
    return this.processorsInitialized
  }

  private async initProcessors(): Promise<void> {
    // Kafka Streams initializes processors after restoration, so init() sees restored stores.
    for (const node of this.nodes.values()) {
      const r = node.processor.init?.(node.context)
      if (r instanceof Promise) await r
    }
    this.state = 'running'
  }

  /**
   * Seeds an input partition's time from its committed offset metadata, before processing starts
   * (Kafka Streams' initializeTaskTime), so stream time, late-record decisions and suppression
   * resume where the previous owner stopped.
   */
  initializePartitionTime(topic: string, partition: number, partitionTime: number): void {
    if (this.state === 'running') throw new Error(`task ${this.id}: partition time of ${topic}-${partition} must be set before processing starts`)
    if (!Number.isSafeInteger(partitionTime)) throw new RangeError(`task ${this.id}: partition time of ${topic}-${partition} must be an integer, got ${partitionTime}`)
    this.partitions.initializePartitionTime(topic, partition, partitionTime)
  }

  addRecords(topic: string, partition: number, records: RawRecord[]): void {
    this.partitions.queueFor(topic, partition).add(records)
  }

  /** Whether a source of this task reads `topic` (by name or pattern). */
  readsTopic(topic: string): boolean {
    return this.partitions.readsTopic(topic)
  }

  bufferedCount(topic: string, partition: number): number {
    return this.partitions.bufferedCount(topic, partition)
  }

  /** Total records waiting in all partitions. */
  buffered(): number {
    return this.partitions.buffered()
  }

  streamTime(): number {
    return this.partitions.streamTime
  }

  wallClockTime(): number {
    return this.now()
  }

  recordContext(): RecordContext {
    return this.delivery.scope.current()
  }

  /** Processes up to `maxRecords` buffered records; returns how many were taken (skipped ones included). */
  async process(maxRecords: number): Promise<number> {
    const init = this.ensureProcessorsInitialized()
    if (init) await init
    const partitions = this.partitions
    const delivery = this.delivery
    let count = 0
    while (count < maxRecords) {
      if (this.async.waiting) await this.async.run()
      let queue = partitions.next()
      if (queue === null) break
      if (queue instanceof Promise) {
        queue = await queue
        if (queue === null) break
      }
      const r = this.processHead(queue)
      if (r instanceof Promise) await r
      count++
      if (delivery.pending.length > 0) await delivery.settlePending()
      // Checked synchronously: a schedule that is not due costs no promise hop.
      if (this.punctuations.streamTimeDue(partitions.streamTime)) await this.punctuations.punctuateStreamTime(partitions.streamTime)
    }
    if (this.async.waiting) await this.async.run()
    return count
  }

  private processHead(q: PartitionQueue): void | Promise<void> {
    const key = q.headKey
    const value = q.headValue
    const timestamp = q.headTimestamp
    const headers = q.headHeaders
    const raw = q.poll()
    if (timestamp > q.partitionTime) q.partitionTime = timestamp
    if (timestamp > this.partitions.streamTime) this.partitions.streamTime = timestamp
    // the raw record by reference: a dead-letter record carries its bytes
    const context: SourceRecordContext = { topic: q.topic, partition: q.partition, offset: raw.offset, timestamp, headers, source: raw }
    this.delivery.scope.enter(context)
    return this.delivery.deliver(q.sourceNode, { key, value, timestamp, headers }, context)
  }

  deliver(node: ProcessorNode, record: Record<unknown, unknown>, context: RecordContext): void | Promise<void> {
    return this.delivery.deliver(node, record, context)
  }

  handleUserError(nodeName: string, record: Record<unknown, unknown>, context: RecordContext, error: unknown): boolean {
    return this.delivery.handleUserError(nodeName, record, context, error)
  }

  store(node: ProcessorNode, name: string): StateStore {
    if (node.storeNames.has(name)) {
      const store = this.stateManager.getStore(name)
      if (store) return store
    }
    const global = this.opts.globalStores?.get(name)
    if (global) return global
    if (this.topology.builder.stores.has(name)) {
      throw new TopologyError(
        `Processor ${node.name} has no access to StateStore ${name} as the store is not connected to the processor; connect it with the store names of process(...) or addStateStore(builder, "${node.name}")`,
      )
    }
    throw new TopologyError(`Processor ${node.name}: there is no StateStore named ${name}`)
  }

  schedule(node: ProcessorNode, intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable {
    return this.punctuations.schedule(node, intervalMs, type, punctuator)
  }

  /** Fires due stream-time and wall-clock punctuations; returns how many fired. */
  async punctuate(wallClockMs: number = this.now()): Promise<number> {
    const init = this.ensureProcessorsInitialized()
    if (init) await init
    if (this.async.waiting) await this.async.run()
    let fired = await this.punctuations.punctuateStreamTime(this.partitions.streamTime)
    fired += await this.punctuations.punctuateWallClock(wallClockMs)
    return fired
  }

  defer(work: () => void | Promise<void>): void {
    this.async.defer(work)
  }

  trackInFlight(promise: Promise<unknown>): void {
    this.async.track(promise)
  }

  /**
   * Completes in-flight async work, flushes the stores (caches forward their dedup'd updates
   * downstream and to changelogs) and returns the next offsets to commit.
   */
  async commit(): Promise<CommittableOffset[]> {
    const init = this.ensureProcessorsInitialized()
    if (init) await init
    await this.async.drain()
    // the stores in opening order: their flush order
    for (const store of this.stateManager.stores()) {
      await store.flush()
      if (this.delivery.pending.length > 0) await this.delivery.settlePending()
      if (this.async.waiting) await this.async.drain()
    }
    return this.partitions.committableOffsets()
  }

  /**
   * Closes processors, then the stores through the state manager. The caller commits first: a
   * clean close writes the checkpoint of what that commit made durable, and flushes nothing
   * itself. A dirty close (after an error or fencing) writes no checkpoint and throws nothing.
   */
  async close(opts: { clean: boolean } = { clean: true }): Promise<void> {
    if (this.state === 'closed') return
    const wasRunning = this.state === 'running'
    let firstError: unknown = null
    if (wasRunning) {
      for (const node of this.nodes.values()) {
        try {
          const r = node.processor.close?.()
          if (r instanceof Promise) await r
        } catch (err) {
          firstError ??= err
        }
      }
    }
    try {
      await this.stateManager.close(opts.clean && firstError === null)
    } catch (err) {
      firstError ??= err
    }
    this.partitions.clear()
    this.state = 'closed'
    if (firstError !== null && opts.clean) throw firstError
  }

  reportLateRecord(processor: string, record: Record<unknown, unknown>): void {
    this.opts.onLateRecord?.({ processor, record, context: this.delivery.scope.current() })
  }

  /** A processor skipped the current record (see topology/internals/dropped-records.ts): warns and counts it. */
  reportDroppedRecord(processor: string, reason: string): void {
    const context = this.delivery.scope.current()
    this.warn(`task ${this.id}: ${processor} skipped a record (${reason}); topic ${context.topic}, partition ${context.partition}, offset ${context.offset}`)
    this.opts.onDroppedRecord?.({ processor, reason, context })
  }

  private warn(message: string): void {
    ;(this.opts.warn ?? ((m: string) => console.warn(`[kstreams] ${m}`)))(message)
  }
}
