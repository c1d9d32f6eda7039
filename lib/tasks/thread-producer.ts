import type { ClientFactory, GroupMetadata, OutgoingRecord, RecordProducer, SendResult, TopicPartitionOffset } from '../clients/types.js'

/**
 * The transactional id of a stream thread's producer under exactly_once_v2 with KIP-447 (Kafka
 * Streams' `<application.id>-<process.id>-<thread index>`).
 */
export function threadTransactionalIdOf(applicationId: string, processId: string, threadIndex: number): string {
  return `${applicationId}-${processId}-${threadIndex}`
}

export interface ThreadProducerOptions {
  clients: Pick<ClientFactory, 'producer'>
  transactionalId: string
  transactionTimeoutMs: number
  /** Called once the thread is done with the producer for good (its thread index is free again). */
  onDispose?: () => void
}

/**
 * Kafka Streams' StreamsProducer under exactly_once_v2 with KIP-447: one transactional producer
 * for every active task of a stream thread, so one transaction holds the output, changelog
 * records and input offsets of all of them. Zombies are fenced by the group generation the offsets
 * carry (the coordinator refuses a stale member), not by the transactional id.
 *
 * Each task sends through its own view (`forTask`), which records that the task has output in the
 * open transaction: if that transaction aborts, exactly those tasks must start again from their
 * last commit. The producer is initialized (InitProducerId, which fences a previous incarnation of
 * the id and aborts its open transaction) before the first task starts, and re-created after it
 * was fenced or its transaction lost.
 */
export class ThreadProducer {
  private producer: RecordProducer | null = null
  private initializing: Promise<void> | null = null
  private beginning: Promise<void> | null = null
  /** Tasks whose records went into the open transaction. */
  private readonly withOutput = new Set<string>()

  constructor(private readonly opts: ThreadProducerOptions) {}

  get transactionalId(): string {
    return this.opts.transactionalId
  }

  /** Creates and initializes the producer unless it is; concurrent callers share one attempt. */
  ensureInitialized(): Promise<void> {
    if (this.producer) return Promise.resolve()
    this.initializing ??= (async () => {
      const p = this.opts.clients.producer({ transactionalId: this.opts.transactionalId, transactionTimeoutMs: this.opts.transactionTimeoutMs })
      try {
        await p.connect()
      } catch (err) {
        await p.disconnect().catch(() => {})
        throw err
      }
      this.producer = p
    })().finally(() => (this.initializing = null))
    return this.initializing
  }

  /**
   * Waits up to `maxWaitMs` for the producer to be initialized (starting it unless under way);
   * false when it is not yet. The attempt goes on in the background, so a coordinator that stays
   * unavailable for many retries does not hold up the thread's loop (stall checks, standbys); a
   * failed attempt rejects the wait, and the next call starts a new one.
   */
  async initializedWithin(maxWaitMs: number): Promise<boolean> {
    if (this.producer) return true
    const attempt = this.ensureInitialized()
    let timer: NodeJS.Timeout | undefined
    const waited = new Promise<false>(resolve => (timer = setTimeout(() => resolve(false), maxWaitMs)))
    try {
      return await Promise.race([attempt.then(() => true as const), waited])
    } finally {
      clearTimeout(timer)
      // A rejection after the wait ended is seen by the next call's attempt, not left unhandled.
      attempt.catch(() => {})
    }
  }

  private get current(): RecordProducer {
    if (!this.producer) throw new Error(`The stream thread's transactional producer ${this.opts.transactionalId} is not initialized`)
    return this.producer
  }

  /** Whether a transaction is open (records sent since the last commit or abort). */
  inTransaction(): boolean {
    return this.producer !== null && this.producer.inTransaction()
  }

  /** Ids of the tasks with records in the open transaction. */
  tasksWithOutput(): ReadonlySet<string> {
    return this.withOutput
  }

  /** Begins a transaction unless one is open; collectors of several tasks may ask at once. */
  maybeBegin(): Promise<void> {
    const p = this.current
    if (p.inTransaction()) return Promise.resolve()
    this.beginning ??= p.beginTransaction().finally(() => (this.beginning = null))
    return this.beginning
  }

  /**
   * Commits the open transaction with every task's input offsets (KIP-447: with the consumer's
   * group metadata, so the coordinator refuses a member of an old generation).
   */
  async commit(groupId: string, offsets: readonly TopicPartitionOffset[], group: GroupMetadata | undefined): Promise<void> {
    await this.maybeBegin()
    const p = this.current
    if (offsets.length > 0) await p.sendOffsetsInTransaction(groupId, offsets, group)
    await p.commitTransaction()
    this.withOutput.clear()
  }

  /** Aborts the open transaction, if any. Rejects when the abort failed (then `close`: the next producer aborts it). */
  async abort(): Promise<void> {
    const p = this.producer
    this.withOutput.clear()
    if (p && p.inTransaction()) await p.abortTransaction()
  }

  /**
   * Closes the producer; the next task start creates a new one (after fencing, a lost transaction
   * or a failed abort, its InitProducerId bumps the epoch, which aborts whatever was left open).
   */
  async close(): Promise<void> {
    const old = this.producer
    this.producer = null
    this.withOutput.clear()
    await old?.disconnect().catch(() => {})
  }

  /**
   * Replaces the producer now: the new one's InitProducerId bumps the epoch, which resolves
   * whatever the old one left open (aborts it, or completes a commit the coordinator had begun).
   */
  async reset(): Promise<void> {
    await this.close()
    await this.ensureInitialized()
  }

  /** The thread stopped: closes the producer for good. */
  async dispose(): Promise<void> {
    await this.close()
    const onDispose = this.opts.onDispose
    this.opts.onDispose = undefined
    onDispose?.()
  }

  /** What one task's record collector sends through. */
  forTask(taskId: string): RecordProducer {
    return new TaskView(this, taskId, () => this.current, this.withOutput)
  }
}

/**
 * A task's view of the thread producer: sends go to the shared producer (marking the task as
 * having output in the transaction); transactions are the thread's to commit or abort.
 */
class TaskView implements RecordProducer {
  constructor(
    private readonly thread: ThreadProducer,
    private readonly taskId: string,
    private readonly producer: () => RecordProducer,
    private readonly withOutput: Set<string>,
  ) {}

  async connect(): Promise<void> {}
  async disconnect(): Promise<void> {}

  send(topic: string, records: readonly OutgoingRecord[]): Promise<SendResult[]> {
    return this.producer().send(topic, records)
  }

  sendBatch(batches: readonly { topic: string; records: readonly OutgoingRecord[] }[], transactional: boolean): Promise<(SendResult & { topic: string })[]> {
    // Marked before sending: even a failed send may have written part of the batch.
    if (transactional) this.withOutput.add(this.taskId)
    return this.producer().sendBatch(batches, transactional)
  }

  beginTransaction(): Promise<void> {
    return this.thread.maybeBegin()
  }

  sendInTransaction(topic: string, records: readonly OutgoingRecord[]): Promise<SendResult[]> {
    this.withOutput.add(this.taskId)
    return this.producer().sendInTransaction(topic, records)
  }

  inTransaction(): boolean {
    return this.thread.inTransaction()
  }

  sendOffsetsInTransaction(): Promise<void> {
    return Promise.reject(this.notPerTask('sendOffsetsInTransaction'))
  }

  commitTransaction(): Promise<void> {
    return Promise.reject(this.notPerTask('commitTransaction'))
  }

  abortTransaction(): Promise<void> {
    return Promise.reject(this.notPerTask('abortTransaction'))
  }

  private notPerTask(op: string): Error {
    return new Error(`Task ${this.taskId}: ${op} is the stream thread's (its producer ${this.thread.transactionalId} is shared by all its tasks)`)
  }
}
