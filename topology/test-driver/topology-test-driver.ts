import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { TimestampedKeyValueStoreBuilder } from '../../stores/builders/key-value-store-builder.js'
import { DEFAULT_CACHE_MAX_BYTES } from '../../stores/cache/thread-cache.js'
import type { KeyValueStore } from '../../stores/key-value-store.js'
import type { ChangelogRecord, Headers, RecordCollector, StateStore } from '../../stores/state-store.js'
import { StreamTask } from '../internals/stream-task.js'
import type { DeserializationHandler } from '../internals/task-types.js'
import { resolveTopic } from '../internals/topology-metadata.js'
import type { AnySerde } from '../serdes/serde.js'
import type { Topology } from '../topology.js'
import type { CapturedRecord } from './captured-record.js'
import { KeyValueStoreFacade } from './key-value-store-facade.js'
import { TestInputTopic, type InputTopicOptions } from './test-input-topic.js'
import { TestOutputTopic } from './test-output-topic.js'

export interface TopologyTestDriverOptions {
  applicationId?: string
  /** Where persistent stores live; default: a temporary directory removed on close. */
  stateDir?: string
  initialWallClockTimeMs?: number
  /** Cache budget per task (default 10 MiB, as Kafka Streams); 0 forwards every update. */
  cacheMaxBytes?: number
  defaultKeySerde?: AnySerde<any>
  defaultValueSerde?: AnySerde<any>
  deserializationHandler?: DeserializationHandler
}

/** Feedback loops (a topology reading its own output) stop after this many rounds. */
const MAX_ROUNDS = 10_000

/**
 * Runs a topology without a broker, through the same StreamTask the runtime uses: one task per
 * sub-topology on partition 0. Records are processed one at a time, each followed by a commit
 * that flushes caches, as Kafka Streams' driver does; records written to topics the topology
 * reads (repartition topics included) are fed back until nothing is left. Everything written is captured,
 * changelogs included (`producedRecords(topic)`).
 */
export class TopologyTestDriver {
  readonly applicationId: string
  private readonly stateDir: string
  private readonly ownsStateDir: boolean
  private wallClock: number
  private readonly tasks: StreamTask[] = []
  private readonly globalTasks: StreamTask[] = []
  private readonly globalStores = new Map<string, StateStore>()
  private readonly captured = new Map<string, CapturedRecord[]>()
  private readonly offsets = new Map<string, number>()
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
    const collector: RecordCollector = {
      send: (topic: string, record: ChangelogRecord, partition: number) => this.capture(topic, record, partition),
    }
    for (const group of this.topology.builder.nodeGroups()) {
      const task = new StreamTask({
        topology: this.topology,
        subtopologyId: group.id,
        partition: 0,
        applicationId: this.applicationId,
        stateDir: this.stateDir,
        collector,
        cacheMaxBytes: this.options.cacheMaxBytes ?? DEFAULT_CACHE_MAX_BYTES,
        deserializationHandler: this.options.deserializationHandler,
        globalStores: this.globalStores,
        defaultKeySerde: this.options.defaultKeySerde,
        defaultValueSerde: this.options.defaultValueSerde,
        partitionCount: () => 1,
        now: () => this.wallClock,
      })
      if (group.global) this.globalTasks.push(task)
      else this.tasks.push(task)
    }
  }

  private async initialize(): Promise<void> {
    for (const task of this.globalTasks) {
      await task.initialize()
      for (const name of task.storeNames()) this.globalStores.set(name, task.getStore(name)!)
    }
    for (const task of this.tasks) await task.initialize()
    for (const task of [...this.globalTasks, ...this.tasks]) await task.start()
  }

  private async started(): Promise<void> {
    if (this.closed) throw new Error('the TopologyTestDriver is closed')
    await this.ready
  }

  private nextOffset(topic: string): number {
    const offset = this.offsets.get(topic) ?? 0
    this.offsets.set(topic, offset + 1)
    return offset
  }

  private capture(topic: string, record: ChangelogRecord, partition: number): void {
    const captured: CapturedRecord = {
      topic,
      partition: partition < 0 ? 0 : partition,
      key: record.key,
      value: record.value,
      timestamp: record.timestamp,
      headers: record.headers ?? {},
    }
    let list = this.captured.get(topic)
    if (!list) this.captured.set(topic, (list = []))
    list.push(captured)
    this.route(topic, captured.key, captured.value, captured.timestamp, captured.headers)
  }

  /** Hands a record to every task reading `topic`; returns whether any does. */
  private route(topic: string, key: Buffer | null, value: Buffer | null, timestamp: number, headers: Headers): boolean {
    let offset = -1
    for (const task of [...this.globalTasks, ...this.tasks]) {
      if (!task.readsTopic(topic)) continue
      if (offset < 0) offset = this.nextOffset(topic)
      task.addRecords(topic, 0, [{ key, value, timestamp, offset, headers }])
    }
    return offset >= 0
  }

  /** Pipes one serialized record and runs the topology until nothing is left to do. */
  private async pipe(topic: string, key: Buffer | null, value: Buffer | null, timestamp: number, headers: Headers): Promise<void> {
    await this.started()
    if (!this.route(topic, key, value, timestamp, headers)) {
      throw new Error(
        `Unknown topic: ${topic}. The topology reads ${this.sourceTopicList().join(', ') || 'no topics'}; pipe to one of those`,
      )
    }
    await this.runToCompletion()
  }

  private sourceTopicList(): string[] {
    const topics = new Set<string>()
    for (const t of [...this.globalTasks, ...this.tasks]) for (const s of t.sourceTopics()) topics.add(s)
    return [...topics]
  }

  private async runToCompletion(): Promise<void> {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      let worked = false
      for (const task of [...this.globalTasks, ...this.tasks]) {
        // One record, then a commit, as Kafka Streams' driver: caches flush after every record,
        // including records re-read from repartition topics.
        while (task.buffered() > 0) {
          await task.process(1)
          await task.commit()
          worked = true
        }
      }
      for (const task of [...this.globalTasks, ...this.tasks]) await task.commit()
      if (!worked && [...this.globalTasks, ...this.tasks].every((t) => t.buffered() === 0)) return
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

  /** Reads what the topology wrote to `name` (an output, repartition or changelog topic). */
  createOutputTopic<K, V>(name: string, keySerde: AnySerde<K>, valueSerde: AnySerde<V>): TestOutputTopic<K, V> {
    requireSerde(keySerde, 'key', name)
    requireSerde(valueSerde, 'value', name)
    return new TestOutputTopic<K, V>(name, keySerde, valueSerde, () => this.captured.get(name) ?? [])
  }

  /** Every record written to `topic` so far (raw bytes), e.g. `<applicationId>-<store>-changelog`. */
  producedRecords(topic: string): CapturedRecord[] {
    return [...(this.captured.get(topic) ?? [])]
  }

  /** Names of all topics written to so far. */
  producedTopicNames(): string[] {
    return [...this.captured.keys()]
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

  /** A key-value store; timestamped stores answer with plain values (see getTimestampedKeyValueStore). */
  getKeyValueStore<K = unknown, V = unknown>(name: string): KeyValueStoreFacade<K, V> {
    const def = this.topology.builder.stores.get(name)
    if (!def) throw new Error(`no state store named ${name}; the topology has ${[...this.topology.builder.stores.keys()].join(', ') || 'none'}`)
    const timestamped = def.builder instanceof TimestampedKeyValueStoreBuilder
    return new KeyValueStoreFacade<K, V>(() => this.findStore(name) as Promise<KeyValueStore<K, any>>, timestamped)
  }

  /** The store itself, values with timestamps. */
  async getTimestampedKeyValueStore<K = unknown, V = unknown>(name: string): Promise<KeyValueStore<K, { value: V; timestamp: number }>> {
    return (await this.findStore(name)) as unknown as KeyValueStore<K, { value: V; timestamp: number }>
  }

  async getWindowStore<S extends StateStore = StateStore>(name: string): Promise<S> {
    return (await this.findStore(name)) as S
  }

  async getSessionStore<S extends StateStore = StateStore>(name: string): Promise<S> {
    return (await this.findStore(name)) as S
  }

  async getStateStore<S extends StateStore = StateStore>(name: string): Promise<S> {
    return (await this.findStore(name)) as S
  }

  /** Advances the mock wall clock, fires due WALL_CLOCK_TIME punctuations, then commits. */
  async advanceWallClockTime(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`advanceWallClockTime: ms must be a non-negative number, got ${String(ms)}`)
    await this.started()
    this.wallClock += ms
    for (const task of this.tasks) await task.punctuate(this.wallClock)
    await this.runToCompletion()
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
      try {
        await task.close({ clean: error === null })
      } catch (err) {
        error ??= err
      }
    }
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
