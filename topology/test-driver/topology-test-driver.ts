import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ValueAndTimestamp } from '../../stores/key-value.js'
import type { Headers, StateStore } from '../../stores/state-store.js'
import type { ProcessingExceptionHandler } from '../internals/processing-errors.js'
import type { DeserializationHandler } from '../internals/task-types.js'
import { resolveTopic } from '../internals/topology-metadata.js'
import type { AnySerde } from '../serdes/serde.js'
import type { Topology } from '../topology.js'
import type { CapturedRecord } from './captured-record.js'
import { DriverMetrics, type TestDriverMetric } from './driver-metrics.js'
import { DriverStores } from './driver-stores.js'
import { DriverTasks } from './driver-tasks.js'
import { DriverTopics } from './driver-topics.js'
import type { KeyValueStoreFacade } from './key-value-store-facade.js'
import type { SessionStoreFacade } from './session-store-facade.js'
import { TestInputTopic, type InputTopicOptions } from './test-input-topic.js'
import { TestOutputTopic } from './test-output-topic.js'
import type { WindowStoreFacade } from './window-store-facade.js'

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
  private readonly tasks: DriverTasks
  private readonly topics: DriverTopics
  private readonly stores: DriverStores
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
    // the topics hand records to every task, global ones first; the tasks' collectors write to the topics
    this.topics = new DriverTopics(() => this.tasks.all)
    this.tasks = new DriverTasks({
      topology,
      options,
      applicationId: this.applicationId,
      stateDir: this.stateDir,
      ownsStateDir: this.ownsStateDir,
      producer: this.topics.producer,
      counters: this.counters,
      now: () => this.wallClock,
    })
    this.stores = new DriverStores(topology, this.tasks, () => this.started())
    this.ready = this.tasks.initialize()
    this.ready.catch((err: unknown) => {
      this.failure = err
    })
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
        `Unknown topic: ${topic}. The topology reads ${this.tasks.sourceTopics().join(', ') || 'no topics'}; pipe to one of those`,
      )
    }
    this.topics.pipe(topic, key, value, timestamp, headers)
    await this.tasks.runToCompletion()
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

  /**
   * A key-value store, usable at once (reads wait for the driver to start). Timestamped stores
   * (every DSL store) answer plain values, as Kafka Streams' driver; see getTimestampedKeyValueStore.
   */
  getKeyValueStore<K = unknown, V = unknown>(name: string): KeyValueStoreFacade<K, V> {
    return this.stores.keyValue<K, V>(name)
  }

  /** A timestamped key-value store: values are `{ value, timestamp }`. */
  getTimestampedKeyValueStore<K = unknown, V = unknown>(name: string): KeyValueStoreFacade<K, ValueAndTimestamp<V>> {
    return this.stores.timestampedKeyValue<K, V>(name)
  }

  /**
   * A window store, usable at once (`driver.getWindowStore('w').fetch(key, start)`). Timestamped
   * window stores (every DSL window store) answer plain values; see getTimestampedWindowStore.
   */
  getWindowStore<K = unknown, V = unknown>(name: string): WindowStoreFacade<K, V> {
    return this.stores.window<K, V>(name)
  }

  /** A timestamped window store: values are `{ value, timestamp }`. */
  getTimestampedWindowStore<K = unknown, V = unknown>(name: string): WindowStoreFacade<K, ValueAndTimestamp<V>> {
    return this.stores.timestampedWindow<K, V>(name)
  }

  /** A session store, usable at once (reads wait for the driver to start). */
  getSessionStore<K = unknown, V = unknown>(name: string): SessionStoreFacade<K, V> {
    return this.stores.session<K, V>(name)
  }

  /** The store itself (every layer), once the driver has started. */
  async getStateStore<S extends StateStore = StateStore>(name: string): Promise<S> {
    return (await this.stores.find(name)) as S
  }

  /** Advances the mock wall clock, fires due WALL_CLOCK_TIME punctuations, then commits. */
  async advanceWallClockTime(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`advanceWallClockTime: ms must be a non-negative number, got ${String(ms)}`)
    await this.started()
    this.wallClock += ms
    await this.tasks.punctuate(this.wallClock)
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
    error = await this.tasks.close(error)
    if (this.ownsStateDir) rmSync(this.stateDir, { recursive: true, force: true })
    if (error !== null && this.failure === null) throw error
  }
}

function requireSerde(serde: unknown, part: string, topic: string): void {
  const s = serde as { serialize?: unknown; deserialize?: unknown } | null
  if (!s || typeof s.serialize !== 'function' || typeof s.deserialize !== 'function') {
    throw new TypeError(`topic ${topic}: the ${part} serde must have serialize and deserialize (e.g. Serdes.String())`)
  }
}
