import { DEFAULT_CACHE_MAX_BYTES } from '../../stores/cache/thread-cache.js'
import type { StateStore } from '../../stores/state-store.js'
import { deadLetterQueueRecord, sendDeadLetter } from '../internals/dead-letter-queue.js'
import { RecordCollectorImpl } from '../internals/record-collector.js'
import { StreamTask } from '../internals/stream-task.js'
import { prepareCommit, type CommitUnit } from '../internals/task-commit.js'
import type { DeserializationHandler } from '../internals/task-types.js'
import type { Topology } from '../topology.js'
import { DriverProductionErrors } from './driver-production-errors.js'
import type { DriverMetrics } from './driver-metrics.js'
import { loadPartitionTimes, savePartitionTimes } from './driver-stream-time.js'
import type { InMemoryProducer } from './in-memory-producer.js'
import type { TopologyTestDriverOptions } from './topology-test-driver.js'

/** Feedback loops (a topology reading its own output) stop after this many rounds. */
const MAX_ROUNDS = 10_000

export interface DriverTasksOptions {
  topology: Topology
  options: TopologyTestDriverOptions
  applicationId: string
  stateDir: string
  /** Whether the state directory is the driver's own (temporary): partition times are then not kept. */
  ownsStateDir: boolean
  producer: InMemoryProducer
  counters: DriverMetrics
  now: () => number
}

/**
 * The driver's tasks, one per sub-topology on partition 0, each with its record collector, built
 * and run through the same StreamTask and commit steps the runtime uses: records one at a time,
 * each followed by a commit, until nothing is left to process.
 */
export class DriverTasks {
  /** Stream tasks (not global). */
  readonly stream: StreamTask[] = []
  readonly global: StreamTask[] = []
  /** Global tasks first (they feed the stores others read), then the others; built once. */
  readonly all: StreamTask[] = []
  /** Stores of the global tasks, by name, shared with every stream task. */
  readonly globalStores = new Map<string, StateStore>()
  /** Each task with its collector. */
  private readonly units = new Map<StreamTask, CommitUnit & { collector: RecordCollectorImpl }>()

  constructor(private readonly deps: DriverTasksOptions) {
    const { options, counters } = deps
    const handler = options.productionExceptionHandler
    const errors = handler === undefined ? undefined : new DriverProductionErrors(handler)
    const dlq = options.deadLetterQueueTopic ?? null
    const processingHandler = options.processingExceptionHandler
    const processingErrors = processingHandler !== undefined || dlq !== null ? { handler: processingHandler ?? 'logAndFail', deadLetterQueueTopic: dlq } : undefined
    for (const group of deps.topology.builder.nodeGroups()) {
      // global stores write no dead-letter records, as Kafka Streams 4.x
      const groupDlq = group.global ? null : dlq
      const collector = new RecordCollectorImpl(deps.producer, { transactional: false, errors, deadLetterQueueTopic: groupDlq })
      let taskId = ''
      const task: StreamTask = new StreamTask({
        topology: deps.topology,
        subtopologyId: group.id,
        partition: 0,
        applicationId: deps.applicationId,
        stateDir: deps.stateDir,
        collector,
        cacheMaxBytes: options.cacheMaxBytes ?? DEFAULT_CACHE_MAX_BYTES,
        deserializationHandler: counters.countingSkips(() => taskId, withDeadLetterQueue(options.deserializationHandler, groupDlq, collector)),
        processingErrors: processingErrors && { ...processingErrors, deadLetterQueueTopic: groupDlq },
        onDroppedRecord: () => counters.dropped(taskId),
        onLateRecord: () => counters.late(taskId),
        globalStores: this.globalStores,
        defaultKeySerde: options.defaultKeySerde,
        defaultValueSerde: options.defaultValueSerde,
        partitionCount: () => 1,
        now: deps.now,
      })
      taskId = task.id
      if (!group.global) counters.register(taskId)
      this.units.set(task, { task, collector })
      if (group.global) this.global.push(task)
      else this.stream.push(task)
    }
    this.all.push(...this.global, ...this.stream)
  }

  /** Opens the stores (global ones first), resumes saved partition times and starts the processors. */
  async initialize(): Promise<void> {
    for (const task of this.global) {
      await task.initialize()
      for (const name of task.storeNames()) this.globalStores.set(name, task.getStore(name)!)
    }
    for (const task of this.stream) {
      await task.initialize()
      if (!this.deps.ownsStateDir) for (const p of loadPartitionTimes(this.deps.stateDir, task.id)) task.initializePartitionTime(p.topic, p.partition, p.partitionTime)
    }
    for (const task of this.all) await task.start()
  }

  /** Full names of every topic the tasks read. */
  sourceTopics(): string[] {
    const topics = new Set<string>()
    for (const t of this.all) for (const s of t.sourceTopics()) topics.add(s)
    return [...topics]
  }

  /** A task's commit, through the runtime's steps: stores and caches, then the collector. */
  private async commit(task: StreamTask): Promise<void> {
    const [prepared] = await prepareCommit([this.units.get(task)!])
    if (prepared!.error !== undefined) throw prepared!.error
  }

  async runToCompletion(): Promise<void> {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      let worked = false
      for (const task of this.all) {
        // One record, then a commit, as Kafka Streams' driver: caches flush after every record,
        // including records re-read from repartition topics.
        while (task.buffered() > 0) {
          await task.process(1)
          await this.commit(task)
          worked = true
        }
      }
      for (const task of this.all) await this.commit(task)
      if (!worked && this.all.every((t) => t.buffered() === 0)) return
    }
    throw new Error(`the topology did not settle after ${MAX_ROUNDS} rounds; does it read its own output in a loop?`)
  }

  /** Fires the stream tasks' due punctuations at `wallClockMs` (each task then commits), then runs what they produced. */
  async punctuate(wallClockMs: number): Promise<void> {
    for (const task of this.stream) {
      await task.punctuate(wallClockMs)
      await this.commit(task)
    }
    await this.runToCompletion()
  }

  /**
   * Closes every task: after a clean run each commits first (caches forward, stores flush, as the
   * runtime does) and saves its partition times; after `error`, or once one fails, tasks close
   * dirty. Returns the first error, `error` included.
   */
  async close(error: unknown): Promise<unknown> {
    for (const task of [...this.stream, ...this.global]) {
      const clean = error === null
      const collector = this.units.get(task)!.collector
      try {
        if (clean) {
          const offsets = await task.commit()
          if (!this.deps.ownsStateDir && !task.isGlobal) savePartitionTimes(this.deps.stateDir, task.id, offsets)
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
    return error
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
