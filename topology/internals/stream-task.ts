import { ThreadCache } from '../../stores/cache/thread-cache.js'
import type { RocksDBOptionsSource } from '../../stores/rocksdb/rocksdb-options.js'
import { topicPartitionKey } from '../../stores/checkpoint/offset-checkpoint.js'
import type { Headers, RecordCollector, RecordContext, StateStore } from '../../stores/state-store.js'
import type { Cancellable, Processor, PunctuationType, Punctuator } from '../processor/processor.js'
import type { Record } from '../processor/record.js'
import { Serdes } from '../serdes/serdes.js'
import type { AnySerde } from '../serdes/serde.js'
import { DeserializationError } from '../serdes/serde-errors.js'
import type { Topology } from '../topology.js'
import type { SourceNodeDef } from './node-defs.js'
import { PartitionQueue } from './partition-queue.js'
import { NodeContext, ProcessorNode, type TaskRuntime } from './processor-node.js'
import { isJudged, processingHandlerFor, toError, type ProcessingErrorHandler, type ProcessingErrorsOptions } from './processing-errors.js'
import { PunctuationQueue } from './punctuation-queue.js'
import { RecordCollectorImpl } from './record-collector.js'
import { AsyncScope, StackScope, type RecordContextScope, type SourceRecordContext } from './record-context-scope.js'
import { SinkProcessor } from './sink-processor.js'
import { StateManager } from './state-manager.js'
import type { ChangelogToRestore, CommittableOffset, DeserializationHandler, RawRecord } from './task-types.js'
import { resolveTopic } from './topology-metadata.js'
import { TopologyError } from './topology-error.js'

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

export { GLOBAL_ALL_PARTITIONS } from './state-manager.js'

const NO_HEADERS: Headers = Object.freeze({}) as Headers

class SourceProcessor implements Processor<unknown, unknown, unknown, unknown> {
  private ctx!: NodeContext
  init(ctx: NodeContext): void {
    this.ctx = ctx
  }
  process(record: Record<unknown, unknown>): void | Promise<void> {
    return this.ctx.forward(record)
  }
}

/**
 * Runs one task: the records of one partition of every source topic of a sub-topology (or of a
 * global-store group) through its processor graph. Records are picked across partitions by
 * lowest head timestamp; stream time is the highest timestamp processed. Nothing awaits unless a
 * processor, store or serde actually returns a promise, so synchronous work runs a batch without
 * promise hops. Both the runtime and TopologyTestDriver drive this class.
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
  private readonly nodes = new Map<string, ProcessorNode>()
  private readonly sourceNodes = new Map<string, ProcessorNode>()
  private readonly sources: SourceNodeDef[] = []
  private readonly queues = new Map<string, PartitionQueue>()
  private readonly queueList: PartitionQueue[] = []
  private readonly streamPunctuations = new PunctuationQueue()
  private readonly wallPunctuations = new PunctuationQueue()
  private readonly deserializers = new Map<SourceNodeDef, { key: AnySerde<unknown>; value: AnySerde<unknown> }>()
  private readonly cache: ThreadCache | null
  private pending: Promise<unknown>[] = []
  private readonly inFlight = new Set<Promise<unknown>>()
  private deferred: (() => void | Promise<void>)[] = []
  /** Which record context is current; the context itself travels with each delivered record. */
  private readonly scope: RecordContextScope
  private currentStreamTime = -1
  private state: 'created' | 'initialized' | 'running' | 'closed' = 'created'
  private processorsInitialized: Promise<void> | null = null
  private readonly now: () => number
  /** Null unless configured: the catch path then costs nothing. */
  private readonly processingErrors: ProcessingErrorHandler | null

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
    this.processingErrors = opts.processingErrors ? processingHandlerFor(opts.processingErrors, this.id, opts.collector) : null
    this.scope = this.buildNodes(group.nodes) ? new AsyncScope() : new StackScope()
  }

  /** The task's open stores in opening order: their flush order. */
  private get storeOrder(): readonly StateStore[] {
    return this.stateManager.stores()
  }

  /** Returns whether a node runs Processor API code, whose async chains may interleave (see AsyncScope). */
  private buildNodes(names: string[]): boolean {
    let userCode = false
    const builder = this.topology.builder
    const defaultKey = this.opts.defaultKeySerde ?? Serdes.Bytes()
    const defaultValue = this.opts.defaultValueSerde ?? Serdes.Bytes()
    for (const name of names) {
      const def = builder.nodes.get(name)!
      let node: ProcessorNode
      if (def.kind === 'source') {
        node = new ProcessorNode(name, new SourceProcessor(), new Set())
        this.sources.push(def)
        this.sourceNodes.set(name, node)
        this.deserializers.set(def, { key: def.keySerde ?? defaultKey, value: def.valueSerde ?? defaultValue })
      } else if (def.kind === 'sink') {
        const sink = new SinkProcessor(
          def,
          def.keySerde ?? defaultKey,
          def.valueSerde ?? defaultValue,
          this.collector,
          (topic) => resolveTopic(builder, this.applicationId, topic),
          this.opts.partitionCount ?? (() => undefined),
        )
        node = new ProcessorNode(name, sink, new Set())
      } else {
        const processor = def.supplier()
        if (!processor || typeof processor.process !== 'function') {
          throw new TopologyError(`the supplier of processor ${name} did not return a Processor (an object with process())`)
        }
        node = new ProcessorNode(name, processor, def.stores)
        if (def.userCode) userCode = true
      }
      node.context = new NodeContext(this, node)
      this.nodes.set(name, node)
      for (const parent of def.predecessors) this.nodes.get(parent)!.addChild(node)
    }
    return userCode
  }

  /** Full names of the topics this task reads (repartition topics prefixed). */
  sourceTopics(): string[] {
    const out: string[] = []
    for (const s of this.sources) if (s.topics) for (const t of s.topics) out.push(resolveTopic(this.topology.builder, this.applicationId, t))
    return out
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
    const queue = this.queueFor(topic, partition)
    if (partitionTime > queue.partitionTime) queue.partitionTime = partitionTime
    if (partitionTime > this.currentStreamTime) this.currentStreamTime = partitionTime
  }

  addRecords(topic: string, partition: number, records: RawRecord[]): void {
    this.queueFor(topic, partition).add(records)
  }

  private queueFor(topic: string, partition: number): PartitionQueue {
    const key = topicPartitionKey(topic, partition)
    let queue = this.queues.get(key)
    if (!queue) {
      const source = this.sourceFor(topic)
      if (!source) throw new TopologyError(`task ${this.id} does not read topic ${topic}`)
      const serdes = this.deserializers.get(source)!
      queue = new PartitionQueue(topic, partition, source, this.sources.indexOf(source), this.sourceNodes.get(source.name)!, serdes.key, serdes.value)
      this.queues.set(key, queue)
      this.queueList.push(queue)
    }
    return queue
  }

  private sourceFor(topic: string): SourceNodeDef | undefined {
    const builder = this.topology.builder
    for (const s of this.sources) {
      if (s.topics) {
        for (const t of s.topics) if (resolveTopic(builder, this.applicationId, t) === topic) return s
      }
    }
    for (const s of this.sources) if (s.pattern && matchesWhole(s.pattern, topic)) return s
    return undefined
  }

  /** Whether a source of this task reads `topic` (by name or pattern). */
  readsTopic(topic: string): boolean {
    return this.sourceFor(topic) !== undefined
  }

  bufferedCount(topic: string, partition: number): number {
    return this.queues.get(topicPartitionKey(topic, partition))?.size() ?? 0
  }

  /** Total records waiting in all partitions. */
  buffered(): number {
    let n = 0
    for (const q of this.queueList) n += q.size()
    return n
  }

  streamTime(): number {
    return this.currentStreamTime
  }

  wallClockTime(): number {
    return this.now()
  }

  recordContext(): RecordContext {
    return this.scope.current()
  }

  /** Processes up to `maxRecords` buffered records; returns how many were taken (skipped ones included). */
  async process(maxRecords: number): Promise<number> {
    const init = this.ensureProcessorsInitialized()
    if (init) await init
    let count = 0
    while (count < maxRecords) {
      if (this.deferred.length > 0) await this.runDeferred()
      let queue = this.pickQueue()
      if (queue === null) break
      if (queue instanceof Promise) {
        queue = await queue
        if (queue === null) break
      }
      const r = this.processHead(queue)
      if (r instanceof Promise) await r
      count++
      if (this.pending.length > 0) await this.settlePending()
      // Checked synchronously: a schedule that is not due costs no promise hop.
      if (this.streamPunctuations.size > 0 && this.streamPunctuations.hasDue(this.currentStreamTime)) await this.punctuateStreamTime()
    }
    if (this.deferred.length > 0) await this.runDeferred()
    return count
  }

  /** The partition whose head has the lowest timestamp; heads are deserialized here. */
  private pickQueue(): PartitionQueue | null | Promise<PartitionQueue | null> {
    let best: PartitionQueue | null = null
    const queues = this.queueList
    for (let i = 0; i < queues.length; i++) {
      const q = queues[i]
      if (!q.prepared) {
        const r = this.prepareHead(q)
        if (r instanceof Promise) return r.then(() => this.pickQueue())
        if (!q.prepared) continue
      }
      if (best === null || q.headTimestamp < best.headTimestamp) best = q
    }
    return best
  }

  /** Deserializes the head of `q`, skipping records the handler drops or with invalid timestamps. */
  private prepareHead(q: PartitionQueue): void | Promise<void> {
    for (;;) {
      const raw = q.peekRaw()
      if (!raw) return
      let key: unknown
      let value: unknown
      let part: 'key' | 'value' = 'key'
      try {
        key = q.keySerde.deserialize(q.topic, raw.key)
        part = 'value'
        value = q.valueSerde.deserialize(q.topic, raw.value)
      } catch (err) {
        if (this.handleDeserializationError(q, raw, part, err)) continue
        return
      }
      if (key instanceof Promise || value instanceof Promise) {
        return Promise.all([key, value]).then(
          ([k, v]) => {
            this.finishHead(q, raw, k, v)
          },
          (err: unknown) => {
            // which part failed is unknown once both are in flight; name the value unless the key alone was async
            const failedPart = key instanceof Promise && !(value instanceof Promise) ? 'key' : 'value'
            if (this.handleDeserializationError(q, raw, failedPart, err)) return this.prepareHead(q)
          },
        )
      }
      if (this.finishHead(q, raw, key, value)) return
    }
  }

  /** Returns true when the head is ready, false when it was dropped. */
  private finishHead(q: PartitionQueue, raw: RawRecord, key: unknown, value: unknown): boolean {
    let timestamp = raw.timestamp
    const extractor = q.source.timestampExtractor
    if (extractor) {
      timestamp = extractor({ topic: q.topic, partition: q.partition, offset: raw.offset, key, value, timestamp: raw.timestamp }, q.partitionTime)
      if (!Number.isFinite(timestamp) || timestamp < 0) {
        this.warn(`task ${this.id}: skipping the record at ${q.topic}-${q.partition} offset ${raw.offset}: the timestamp extractor returned ${timestamp}`)
        q.poll()
        return false
      }
    } else if (!(timestamp >= 0)) {
      throw new TopologyError(
        `task ${this.id}: the record at ${q.topic}-${q.partition} offset ${raw.offset} has an invalid timestamp ${timestamp}; use a timestamp extractor that handles it`,
      )
    }
    q.prepared = true
    q.headKey = key
    q.headValue = value
    q.headTimestamp = timestamp
    q.headHeaders = raw.headers ?? NO_HEADERS
    return true
  }

  /** Returns true when the record was skipped and the next one should be tried. */
  private handleDeserializationError(q: PartitionQueue, raw: RawRecord, part: 'key' | 'value', err: unknown): boolean {
    const error = err instanceof DeserializationError ? err : new DeserializationError(q.topic, q.partition, raw.offset, part, err)
    const handler = this.opts.deserializationHandler
    const response = handler ? handler(error, { ...raw, topic: q.topic, partition: q.partition }) : 'FAIL'
    if (response === 'CONTINUE') {
      this.warn(`task ${this.id}: skipping a record: ${error.message}`)
      q.poll()
      return true
    }
    throw error
  }

  private processHead(q: PartitionQueue): void | Promise<void> {
    const key = q.headKey
    const value = q.headValue
    const timestamp = q.headTimestamp
    const headers = q.headHeaders
    const raw = q.poll()
    if (timestamp > q.partitionTime) q.partitionTime = timestamp
    if (timestamp > this.currentStreamTime) this.currentStreamTime = timestamp
    // the raw record by reference: a dead-letter record carries its bytes
    const context: SourceRecordContext = { topic: q.topic, partition: q.partition, offset: raw.offset, timestamp, headers, source: raw }
    this.scope.enter(context)
    return this.deliver(q.sourceNode, { key, value, timestamp, headers }, context)
  }

  deliver(node: ProcessorNode, record: Record<unknown, unknown>, context: RecordContext): void | Promise<void> {
    if (this.processingErrors !== null) return this.deliverHandled(node, record, context)
    const r = this.scope.run(context, processRecord, node, record)
    if (r instanceof Promise) {
      this.pending.push(r)
      return r
    }
  }

  /**
   * As Kafka Streams' ProcessorNode.process: an error of this node's processor goes to the
   * processing exception handler here, at the innermost node, so on 'CONTINUE' the parent goes on
   * forwarding to its other children; an error already decided on passes through.
   */
  private deliverHandled(node: ProcessorNode, record: Record<unknown, unknown>, context: RecordContext): void | Promise<void> {
    let r: void | Promise<void>
    try {
      r = this.scope.run(context, processRecord, node, record)
    } catch (err) {
      return this.processingFailed(err, node, record, context)
    }
    if (r instanceof Promise) {
      const handled = r.then(undefined, (err: unknown) => this.processingFailed(err, node, record, context))
      this.pending.push(handled)
      return handled
    }
  }

  handleUserError(nodeName: string, record: Record<unknown, unknown>, context: RecordContext, error: unknown): boolean {
    if (this.processingErrors === null) return false
    if (isJudged(error)) throw error
    this.processingErrors(toError(error), nodeName, record, context)
    return true
  }

  private processingFailed(err: unknown, node: ProcessorNode, record: Record<unknown, unknown> | null, context: RecordContext): void {
    // a sink's own errors are its parent's, as Kafka's SinkNode does not catch
    if (isJudged(err) || node.processor instanceof SinkProcessor) throw err
    this.processingErrors!(toError(err), node.name, record, context)
  }

  private async settlePending(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending
      this.pending = []
      await Promise.all(batch)
    }
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
    if (!Number.isFinite(intervalMs) || intervalMs < 1) {
      throw new RangeError(`Processor ${node.name}: the punctuation interval must be at least 1 ms, got ${intervalMs}`)
    }
    if (typeof punctuator !== 'function') throw new TypeError(`Processor ${node.name}: the punctuator must be a function`)
    if (type === 'STREAM_TIME') return this.streamPunctuations.add(node, type, intervalMs, 0, punctuator)
    if (type === 'WALL_CLOCK_TIME') return this.wallPunctuations.add(node, type, intervalMs, this.now() + intervalMs, punctuator)
    throw new TypeError(`Processor ${node.name}: unknown punctuation type ${String(type)}; use 'STREAM_TIME' or 'WALL_CLOCK_TIME'`)
  }

  private async punctuateStreamTime(): Promise<number> {
    if (this.currentStreamTime < 0) return 0
    return this.runPunctuations(this.streamPunctuations, this.currentStreamTime)
  }

  private async runPunctuations(queue: PunctuationQueue, time: number): Promise<number> {
    let fired = 0
    for (let s = queue.nextDue(time); s; s = queue.nextDue(time)) {
      // Kafka Streams: a punctuation's context has its time and no topic, offset or headers
      const context: SourceRecordContext = { topic: '', partition: -1, offset: -1, timestamp: time, headers: NO_HEADERS, source: null }
      this.scope.enter(context)
      if (this.processingErrors === null) {
        const r = this.scope.run(context, s.punctuator, time, undefined)
        if (r instanceof Promise) await r
      } else {
        // Kafka Streams 4.x hands a punctuator's errors to the processing handler too (no record)
        try {
          const r = this.scope.run(context, s.punctuator, time, undefined)
          if (r instanceof Promise) await r
        } catch (err) {
          this.processingFailed(err, s.node, null, context)
        }
      }
      if (this.pending.length > 0) await this.settlePending()
      fired++
    }
    return fired
  }

  /** Fires due stream-time and wall-clock punctuations; returns how many fired. */
  async punctuate(wallClockMs: number = this.now()): Promise<number> {
    const init = this.ensureProcessorsInitialized()
    if (init) await init
    if (this.deferred.length > 0) await this.runDeferred()
    let fired = await this.punctuateStreamTime()
    fired += await this.runPunctuations(this.wallPunctuations, wallClockMs)
    return fired
  }

  defer(work: () => void | Promise<void>): void {
    this.deferred.push(work)
  }

  trackInFlight(promise: Promise<unknown>): void {
    const tracked: Promise<unknown> = promise.then(
      () => this.inFlight.delete(tracked),
      () => this.inFlight.delete(tracked),
    )
    this.inFlight.add(tracked)
  }

  /** Runs work deferred by async processors, at a point where no record is mid-flight. */
  private async runDeferred(): Promise<void> {
    while (this.deferred.length > 0) {
      const batch = this.deferred
      this.deferred = []
      for (const work of batch) {
        const r = work()
        if (r instanceof Promise) await r
        if (this.pending.length > 0) await this.settlePending()
      }
    }
  }

  /** Waits for every in-flight async call and forwards its results. */
  private async drainAsync(): Promise<void> {
    for (;;) {
      if (this.deferred.length > 0) await this.runDeferred()
      if (this.inFlight.size === 0 && this.deferred.length === 0) return
      if (this.inFlight.size > 0) await Promise.all([...this.inFlight])
    }
  }

  /**
   * Completes in-flight async work, flushes the stores (caches forward their dedup'd updates
   * downstream and to changelogs) and returns the next offsets to commit.
   */
  async commit(): Promise<CommittableOffset[]> {
    const init = this.ensureProcessorsInitialized()
    if (init) await init
    await this.drainAsync()
    for (const store of this.storeOrder) {
      await store.flush()
      if (this.pending.length > 0) await this.settlePending()
      if (this.deferred.length > 0) await this.drainAsync()
    }
    const offsets: CommittableOffset[] = []
    for (const q of this.queueList) {
      if (q.committableOffset >= 0) offsets.push({ topic: q.topic, partition: q.partition, offset: q.committableOffset, partitionTime: q.partitionTime })
    }
    return offsets
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
    for (const q of this.queueList) q.clear()
    this.state = 'closed'
    if (firstError !== null && opts.clean) throw firstError
  }

  reportLateRecord(processor: string, record: Record<unknown, unknown>): void {
    this.opts.onLateRecord?.({ processor, record, context: this.scope.current() })
  }

  /** A processor skipped the current record (see topology/internals/dropped-records.ts): warns and counts it. */
  reportDroppedRecord(processor: string, reason: string): void {
    const context = this.scope.current()
    this.warn(`task ${this.id}: ${processor} skipped a record (${reason}); topic ${context.topic}, partition ${context.partition}, offset ${context.offset}`)
    this.opts.onDroppedRecord?.({ processor, reason, context })
  }

  private warn(message: string): void {
    ;(this.opts.warn ?? ((m: string) => console.warn(`[kstreams] ${m}`)))(message)
  }
}

function processRecord(node: ProcessorNode, record: Record<unknown, unknown>): void | Promise<void> {
  return node.processor.process(record)
}

function matchesWhole(pattern: RegExp, topic: string): boolean {
  const m = new RegExp(pattern.source, pattern.flags.replace('g', '').replace('y', '')).exec(topic)
  return m !== null && m.index === 0 && m[0].length === topic.length
}
