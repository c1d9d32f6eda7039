import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DEFAULT_CACHE_MAX_BYTES } from '../../stores/cache/thread-cache.js'
import type { ValueAndTimestamp } from '../../stores/key-value.js'
import type { KeyValueStore } from '../../stores/key-value-store.js'
import type { SessionStore } from '../../stores/session-store.js'
import type { Headers, StateStore } from '../../stores/state-store.js'
import type { WindowStore } from '../../stores/window-store.js'
import { deadLetterQueueRecord, sendDeadLetter } from '../internals/dead-letter-queue.js'
import { RecordCollectorImpl } from '../internals/record-collector.js'
import { StreamTask } from '../internals/stream-task.js'
import { prepareCommit, type CommitUnit } from '../internals/task-commit.js'
import type { ProcessingExceptionHandler } from '../internals/processing-errors.js'
import type { DeserializationHandler } from '../internals/task-types.js'
import { resolveTopic } from '../internals/topology-metadata.js'
import type { AnySerde } from '../serdes/serde.js'
import type { Topology } from '../topology.js'
import type { CapturedRecord } from './captured-record.js'
import { PASS_THROUGH, PLAIN_VALUES } from './deferred-store.js'
import { DriverProductionErrors } from './driver-production-errors.js'
import { DriverMetrics, type TestDriverMetric } from './driver-metrics.js'
import { DriverTopics } from './driver-topics.js'
import { loadPartitionTimes, savePartitionTimes } from './driver-stream-time.js'
import { KeyValueStoreFacade } from './key-value-store-facade.js'
import { SessionStoreFacade } from './session-store-facade.js'
import { requireStoreKind, storeKindOf, type StoreKind } from './store-kind.js'
import { TestInputTopic, type InputTopicOptions } from './test-input-topic.js'
import { TestOutputTopic } from './test-output-topic.js'
import { WindowStoreFacade } from './window-store-facade.js'

export interface TopologyTestDriverOptions {
  applicationId?: string
  /**
   * Where persistent stores live; default: a temporary directory removed on close. A driver on a
   * given directory also keeps its partition times there (as the runtime commits them with its
   * offsets), so the next driver on it resumes the same stream time.
   */
  stateDir?: string
  initialWallClockTimeMs?: number
  /** Cache budget per task (default 10 MiB, as Kafka Streams); 0 forwards every update. */
  cacheMaxBytes?: number
  defaultKeySerde?: AnySerde<any>
  defaultValueSerde?: AnySerde<any>
  deserializationHandler?: DeserializationHandler
  /**
   * As the runtime's setting (default 'fail'): decides on records a sink cannot serialize;
   * `{ deadLetterTopic }` writes them there, readable with createOutputTopic.
   */
  productionExceptionHandler?:
    | 'fail'
    | 'continue'
    | { deadLetterTopic: string }
    | ((ctx: { topic: string; partition: number; key: Buffer | null; value: Buffer | null; error: Error }) => 'CONTINUE' | 'FAIL')
  /**
   * As the runtime's setting: decides on errors thrown by processors and punctuators (default:
   * the error fails the pipe, as 'logAndFail' does).
   */
  processingExceptionHandler?: ProcessingExceptionHandler
  /**
   * As the runtime's setting: records the deserialization, processing or production handler
   * decided on are written there (readable with createOutputTopic) as their source record's
   * bytes with Kafka Streams' `__streams.errors.*` headers.
   */
  deadLetterQueueTopic?: string
}

/** Feedback loops (a topology reading its own output) stop after this many rounds. */
const MAX_ROUNDS = 10_000

/**
 * Runs a topology without a broker, through the same StreamTask, record collector and commit
 * steps the runtime uses: one task per sub-topology on partition 0, each task's collector writing
 * to an in-memory producer. Records are processed one at a time, each followed by a commit that
 * flushes caches and the collector, as Kafka Streams' driver does; records written to topics the
 * topology reads (repartition topics included) are fed back until nothing is left. Everything
 * written is captured, changelogs included (`producedRecords(topic)`); each topic has one queue
 * of unread records, shared by all its TestOutputTopics.
 */
export class TopologyTestDriver {
  readonly applicationId: string
  private readonly stateDir: string
  private readonly ownsStateDir: boolean
  private wallClock: number
  private readonly tasks: StreamTask[] = []
  private readonly globalTasks: StreamTask[] = []
  /** Global tasks first (they feed the stores others read), then the others; built once. */
  private readonly allTasks: StreamTask[] = []
  /** Each task with its collector, in the order of allTasks. */
  private readonly units = new Map<StreamTask, CommitUnit & { collector: RecordCollectorImpl }>()
  private readonly globalStores = new Map<string, StateStore>()
  private readonly topics = new DriverTopics(this.allTasks)
  private readonly counters = new DriverMetrics()
  private readonly ready: Promise<void>
  private closed = false
  private failure: unknown = null

  constructor(
    private readonly topology: Topology,
    private readonly options: TopologyTestDriverOptions = {},
  ) {
    if (!topology || typeof topology.describe !== 'function' || !topology.builder) {
      throw new TypeError('TopologyTestDriver needs a Topology (StreamsBuilder.build())')
    }
    this.applicationId = options.applicationId ?? 'test-driver'
    this.ownsStateDir = options.stateDir === undefined
    this.stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'kstreams-driver-'))
    this.wallClock = options.initialWallClockTimeMs ?? Date.now()
    this.createTasks()
    this.ready = this.initialize()
    this.ready.catch((err: unknown) => {
      this.failure = err
    })
  }

  private createTasks(): void {
    const handler = this.options.productionExceptionHandler
    const errors = handler === undefined ? undefined : new DriverProductionErrors(handler)
    const dlq = this.options.deadLetterQueueTopic ?? null
    const processingHandler = this.options.processingExceptionHandler
    const processingErrors = processingHandler !== undefined || dlq !== null ? { handler: processingHandler ?? 'logAndFail', deadLetterQueueTopic: dlq } : undefined
    for (const group of this.topology.builder.nodeGroups()) {
      // global stores write no dead-letter records, as Kafka Streams 4.x
      const groupDlq = group.global ? null : dlq
      const collector = new RecordCollectorImpl(this.topics.producer, { transactional: false, errors, deadLetterQueueTopic: groupDlq })
      let taskId = ''
      const task: StreamTask = new StreamTask({
        topology: this.topology,
        subtopologyId: group.id,
        partition: 0,
        applicationId: this.applicationId,
        stateDir: this.stateDir,
        collector,
        cacheMaxBytes: this.options.cacheMaxBytes ?? DEFAULT_CACHE_MAX_BYTES,
        deserializationHandler: this.counters.countingSkips(() => taskId, withDeadLetterQueue(this.options.deserializationHandler, groupDlq, collector)),
        processingErrors: processingErrors && { ...processingErrors, deadLetterQueueTopic: groupDlq },
        onDroppedRecord: () => this.counters.dropped(taskId),
        onLateRecord: () => this.counters.late(taskId),
        globalStores: this.globalStores,
        defaultKeySerde: this.options.defaultKeySerde,
        defaultValueSerde: this.options.defaultValueSerde,
        partitionCount: () => 1,
        now: () => this.wallClock,
      })
      taskId = task.id
      if (!group.global) this.counters.register(taskId)
      this.units.set(task, { task, collector })
      if (group.global) this.globalTasks.push(task)
      else this.tasks.push(task)
    }
    this.allTasks.push(...this.globalTasks, ...this.tasks)
  }

  /** A task's commit, through the runtime's steps: stores and caches, then the collector. */
  private async commit(task: StreamTask): Promise<void> {
    const [prepared] = await prepareCommit([this.units.get(task)!])
    if (prepared!.error !== undefined) throw prepared!.error
  }

  private async initialize(): Promise<void> {
    for (const task of this.globalTasks) {
      await task.initialize()
      for (const name of task.storeNames()) this.globalStores.set(name, task.getStore(name)!)
    }
    for (const task of this.tasks) {
      await task.initialize()
      if (!this.ownsStateDir) for (const p of loadPartitionTimes(this.stateDir, task.id)) task.initializePartitionTime(p.topic, p.partition, p.partitionTime)
    }
    for (const task of this.allTasks) await task.start()
  }

  private async started(): Promise<void> {
    if (this.closed) throw new Error('the TopologyTestDriver is closed')
    await this.ready
  }

  /** Pipes one serialized record and runs the topology until nothing is left to do. */
  private async pipe(topic: string, key: Buffer | null, value: Buffer | null, timestamp: number, headers: Headers): Promise<void> {
    await this.started()
    if (!this.topics.isRead(topic)) {
      throw new Error(
        `Unknown topic: ${topic}. The topology reads ${this.sourceTopicList().join(', ') || 'no topics'}; pipe to one of those`,
      )
    }
    this.topics.pipe(topic, key, value, timestamp, headers)
    await this.runToCompletion()
  }

  private sourceTopicList(): string[] {
    const topics = new Set<string>()
    for (const t of this.allTasks) for (const s of t.sourceTopics()) topics.add(s)
    return [...topics]
  }

  private async runToCompletion(): Promise<void> {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      let worked = false
      for (const task of this.allTasks) {
        // One record, then a commit, as Kafka Streams' driver: caches flush after every record,
        // including records re-read from repartition topics.
        while (task.buffered() > 0) {
          await task.process(1)
          await this.commit(task)
          worked = true
        }
      }
      for (const task of this.allTasks) await this.commit(task)
      if (!worked && this.allTasks.every((t) => t.buffered() === 0)) return
    }
    throw new Error(`the topology did not settle after ${MAX_ROUNDS} rounds; does it read its own output in a loop?`)
  }

  createInputTopic<K, V>(name: string, keySerde: AnySerde<K>, valueSerde: AnySerde<V>, options: InputTopicOptions = {}): TestInputTopic<K, V> {
    requireSerde(keySerde, 'key', name)
    requireSerde(valueSerde, 'value', name)
    return new TestInputTopic<K, V>(
      name,
      keySerde,
      valueSerde,
      (topic, k, v, ts, headers) => this.pipe(topic, k, v, ts, headers),
      options.startTimestampMs ?? this.wallClock,
      options.autoAdvanceMs ?? 0,
    )
  }

  /**
   * Reads what the topology wrote to `name` (an output, repartition or changelog topic). Every
   * TestOutputTopic of one topic reads the same queue: a record read through one is gone for the
   * others, as in Kafka Streams' driver.
   */
  createOutputTopic<K, V>(name: string, keySerde: AnySerde<K>, valueSerde: AnySerde<V>): TestOutputTopic<K, V> {
    requireSerde(keySerde, 'key', name)
    requireSerde(valueSerde, 'value', name)
    return new TestOutputTopic<K, V>(name, keySerde, valueSerde, this.topics.queueOf(name))
  }

  /** Every record written to `topic` so far (raw bytes), e.g. `<applicationId>-<store>-changelog`. */
  producedRecords(topic: string): CapturedRecord[] {
    return this.topics.producedRecords(topic)
  }

  /** Names of all topics written to so far. */
  producedTopicNames(): string[] {
    return this.topics.producedTopicNames()
  }

  /** The full name of an internal topic of this topology (`<applicationId>-<name>`). */
  internalTopicName(name: string): string {
    return resolveTopic(this.topology.builder, this.applicationId, name)
  }

  private async findStore(name: string): Promise<StateStore> {
    await this.started()
    const global = this.globalStores.get(name)
    if (global) return global
    for (const task of this.tasks) {
      const store = task.getStore(name)
      if (store) return store
    }
    throw new Error(`no state store named ${name}; the topology has ${[...this.topology.builder.stores.keys()].join(', ') || 'none'}`)
  }

  private storeKind(name: string): StoreKind {
    const def = this.topology.builder.stores.get(name)
    if (!def) throw new Error(`no state store named ${name}; the topology has ${[...this.topology.builder.stores.keys()].join(', ') || 'none'}`)
    return storeKindOf(def.builder)
  }

  /**
   * A key-value store, usable at once (reads wait for the driver to start). Timestamped stores
   * (every DSL store) answer plain values, as Kafka Streams' driver; see getTimestampedKeyValueStore.
   */
  getKeyValueStore<K = unknown, V = unknown>(name: string): KeyValueStoreFacade<K, V> {
    const kind = this.storeKind(name)
    requireStoreKind(name, kind, ['key-value', 'timestamped-key-value'], 'getKeyValueStore')
    const view = kind === 'timestamped-key-value' ? PLAIN_VALUES : PASS_THROUGH
    return new KeyValueStoreFacade<K, V>(name, () => this.findStore(name) as Promise<KeyValueStore<K, any>>, view)
  }

  /** A timestamped key-value store: values are `{ value, timestamp }`. */
  getTimestampedKeyValueStore<K = unknown, V = unknown>(name: string): KeyValueStoreFacade<K, ValueAndTimestamp<V>> {
    requireStoreKind(name, this.storeKind(name), ['timestamped-key-value'], 'getTimestampedKeyValueStore')
    return new KeyValueStoreFacade<K, ValueAndTimestamp<V>>(name, () => this.findStore(name) as Promise<KeyValueStore<K, any>>, PASS_THROUGH)
  }

  /**
   * A window store, usable at once (`driver.getWindowStore('w').fetch(key, start)`). Timestamped
   * window stores (every DSL window store) answer plain values; see getTimestampedWindowStore.
   */
  getWindowStore<K = unknown, V = unknown>(name: string): WindowStoreFacade<K, V> {
    const kind = this.storeKind(name)
    requireStoreKind(name, kind, ['window', 'timestamped-window'], 'getWindowStore')
    const view = kind === 'timestamped-window' ? PLAIN_VALUES : PASS_THROUGH
    return new WindowStoreFacade<K, V>(name, () => this.findStore(name) as Promise<WindowStore<K, any>>, view, () => this.windowSizeOf(name))
  }

  /** A timestamped window store: values are `{ value, timestamp }`. */
  getTimestampedWindowStore<K = unknown, V = unknown>(name: string): WindowStoreFacade<K, ValueAndTimestamp<V>> {
    requireStoreKind(name, this.storeKind(name), ['timestamped-window'], 'getTimestampedWindowStore')
    return new WindowStoreFacade<K, ValueAndTimestamp<V>>(
      name,
      () => this.findStore(name) as Promise<WindowStore<K, any>>,
      PASS_THROUGH,
      () => this.windowSizeOf(name),
    )
  }

  /** A session store, usable at once (reads wait for the driver to start). */
  getSessionStore<K = unknown, V = unknown>(name: string): SessionStoreFacade<K, V> {
    requireStoreKind(name, this.storeKind(name), ['session'], 'getSessionStore')
    return new SessionStoreFacade<K, V>(name, () => this.findStore(name) as Promise<SessionStore<K, V>>)
  }

  /** From the store's supplier; a user's own builder answers once the driver has started. */
  private windowSizeOf(name: string): number {
    const builder = this.topology.builder.stores.get(name)!.builder as unknown as { supplier?: { windowSize?: unknown } }
    if (typeof builder.supplier?.windowSize === 'number') return builder.supplier.windowSize
    for (const task of this.tasks) {
      const store = task.getStore(name) as Partial<WindowStore<unknown, unknown>> | undefined
      if (store && typeof store.windowSize === 'number') return store.windowSize
    }
    throw new Error(`the window size of store ${name} is known once the driver has started; read the store first`)
  }

  /** The store itself (every layer), once the driver has started. */
  async getStateStore<S extends StateStore = StateStore>(name: string): Promise<S> {
    return (await this.findStore(name)) as S
  }

  /** Advances the mock wall clock, fires due WALL_CLOCK_TIME punctuations, then commits. */
  async advanceWallClockTime(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`advanceWallClockTime: ms must be a non-negative number, got ${String(ms)}`)
    await this.started()
    this.wallClock += ms
    for (const task of this.tasks) {
      await task.punctuate(this.wallClock)
      await this.commit(task)
    }
    await this.runToCompletion()
  }

  /**
   * Kafka Streams' task-level drop metrics, one of each per task (tag 'task-id'):
   * `dropped-records-total` and `late-records-total` (see TestDriverMetric).
   */
  metrics(): TestDriverMetric[] {
    return this.counters.list()
  }

  wallClockTimeMs(): number {
    return this.wallClock
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    let error: unknown = null
    try {
      await this.ready
    } catch (err) {
      error = err
    }
    for (const task of [...this.tasks, ...this.globalTasks]) {
      // A clean close commits first (caches forward, stores flush), as the runtime does.
      const clean = error === null
      const collector = this.units.get(task)!.collector
      try {
        if (clean) {
          const offsets = await task.commit()
          if (!this.ownsStateDir && !task.isGlobal) savePartitionTimes(this.stateDir, task.id, offsets)
        }
        await task.close({ clean })
        // what processors' close() wrote is still output
        if (clean) await collector.flush()
        else collector.discard()
      } catch (err) {
        error ??= err
        await task.close({ clean: false })
      }
    }
    if (this.ownsStateDir) rmSync(this.stateDir, { recursive: true, force: true })
    if (error !== null && this.failure === null) throw error
  }
}

/** The driver's deserialization handler, also writing what it decides on to the dead-letter queue. */
function withDeadLetterQueue(handler: DeserializationHandler | undefined, dlq: string | null, collector: RecordCollectorImpl): DeserializationHandler | undefined {
  if (dlq === null) return handler
  return (error, record) => {
    const response = handler ? handler(error, record) : 'FAIL'
    const origin = { topic: record.topic, partition: record.partition, offset: record.offset, timestamp: record.timestamp }
    sendDeadLetter(collector, dlq, deadLetterQueueRecord(error, origin, record.key, record.value), response === 'FAIL')
    return response
  }
}

function requireSerde(serde: unknown, part: string, topic: string): void {
  const s = serde as { serialize?: unknown; deserialize?: unknown } | null
  if (!s || typeof s.serialize !== 'function' || typeof s.deserialize !== 'function') {
    throw new TypeError(`topic ${topic}: the ${part} serde must have serialize and deserialize (e.g. Serdes.String())`)
  }
}
