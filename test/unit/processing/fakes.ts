// In-memory fakes of the client interfaces of lib/clients/types.ts: one "cluster" of topic logs
// and committed group offsets, a group consumer the test drives (assignments, fetched records,
// commit outcomes), transactional producers that can be fenced, an admin and a partition reader.
import type {
  AdminClient,
  ClientFactory,
  FetchedRecord,
  GroupConsumer,
  GroupMetadata,
  GroupConsumerHandlers,
  OutgoingRecord,
  PartitionReader,
  ProducerOptions,
  RecordProducer,
  SendResult,
  TopicPartition,
  TopicPartitionOffset,
} from '../../../lib/clients/types.js'
import { tpKey } from '../../../lib/clients/types.js'
import { ClientError } from '../../../lib/clients/errors.js'

export class FakeCluster {
  readonly logs = new Map<string, FetchedRecord[]>()
  /** The group's committed offsets (one group: the application's). */
  readonly committed = new Map<string, TopicPartitionOffset>()
  /** Transactional ids a newer producer has fenced. */
  readonly fenced = new Set<string>()
  readonly deletedBefore = new Map<string, number>()
  /** Records of open or aborted transactions (tpKey@offset): in the log, invisible to read_committed. */
  readonly invisible = new Set<string>()
  /**
   * The group's generation and its one member, as the coordinator knows them: a transactional
   * offset commit with group metadata (KIP-447) from another generation or member is refused.
   */
  generation = 0
  member = 'member-1'
  /** Topics whose committed offsets an open transaction is about to change (OffsetFetch answers UNSTABLE_OFFSET_COMMIT). */
  readonly unstableOffsets = new Set<string>()
  /** How many offset fetches were answered UNSTABLE_OFFSET_COMMIT. */
  unstableAnswers = 0

  log(topic: string, partition: number): FetchedRecord[] {
    const key = tpKey(topic, partition)
    let log = this.logs.get(key)
    if (!log) this.logs.set(key, (log = []))
    return log
  }

  append(topic: string, partition: number, records: readonly OutgoingRecord[]): number {
    const log = this.log(topic, partition)
    const base = log.length
    for (const r of records) log.push({ offset: log.length, key: r.key, value: r.value, timestamp: r.timestamp, headers: r.headers ?? {} })
    return base
  }

  /** Input records `key:value` strings. */
  produce(topic: string, partition: number, ...kvs: string[]): FetchedRecord[] {
    const base = this.append(topic, partition, kvs.map(kv => {
      const [k, v] = kv.split(':')
      return { key: Buffer.from(k!), value: Buffer.from(v ?? ''), timestamp: 1000 + this.log(topic, partition).length, partition }
    }))
    return this.log(topic, partition).slice(base)
  }

  /** What a read_committed reader sees of a partition from `from` on. */
  visible(topic: string, partition: number, from = 0): FetchedRecord[] {
    const key = tpKey(topic, partition)
    return this.log(topic, partition).slice(from).filter(r => !this.invisible.has(`${key}@${r.offset}`))
  }

  commit(offsets: readonly TopicPartitionOffset[]): void {
    for (const o of offsets) this.committed.set(tpKey(o.topic, o.partition), { ...o })
  }

  committedOffset(topic: string, partition: number): number | undefined {
    return this.committed.get(tpKey(topic, partition))?.offset
  }

  /** key → latest value of a changelog partition, as text. */
  table(topic: string, partition: number): Record<string, string | null> {
    const out: Record<string, string | null> = {}
    for (const r of this.visible(topic, partition)) out[r.key!.toString()] = r.value === null ? null : r.value.toString()
    return out
  }
}

/** A promise the test resolves or rejects when it chooses. */
export function deferred<T = void>(): { promise: Promise<T>; resolve(v: T): void; reject(e: unknown): void } {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

/** A group member driven by the test: it delivers what the test says, when the test says. */
export class FakeGroupConsumer implements GroupConsumer {
  handlers: GroupConsumerHandlers | null = null
  readonly paused = new Set<string>()
  /** Where the next fetch of each partition starts. */
  readonly positions = new Map<string, number>()
  assignment: TopicPartition[] = []
  userData: Buffer | null = null
  unconfirmedMs: number | null = null
  /** Set to hold (or fail) the next offset commit until the test settles it. */
  nextCommit: Promise<void> | null = null
  commits = 0
  private member = 'member-1'
  private generation = 0

  /** `kip447`: reports its group metadata for transactional offset commits (kafkajs does not). */
  constructor(private readonly cluster: FakeCluster, private readonly kip447 = false) {}

  async connect(): Promise<void> {}
  async disconnect(): Promise<void> {}
  async subscribe(): Promise<void> {}
  async run(handlers: GroupConsumerHandlers): Promise<void> {
    this.handlers = handlers
  }

  /**
   * A rebalance completed with these partitions (membershipLost: rejoined under a new member id).
   * As kafkajs does, the new generation fetches from the committed offsets unless the runtime seeks.
   */
  assign(parts: TopicPartition[], membershipLost = false): void {
    if (membershipLost) this.member += "'"
    // each assignment is a new generation this member joined
    this.generation = ++this.cluster.generation
    this.cluster.member = this.member
    this.assignment = parts
    for (const tp of parts) this.positions.set(tpKey(tp.topic, tp.partition), this.cluster.committedOffset(tp.topic, tp.partition) ?? 0)
    this.handlers!.onAssigned(parts, membershipLost)
  }

  /**
   * One fetch of a partition from where the consumer is (its last seek), as the real consumer
   * would: nothing while paused. Returns how many records were handed over.
   */
  fetch(topic: string, partition: number): number {
    const key = tpKey(topic, partition)
    if (this.paused.has(key) || !this.assignment.some(a => a.topic === topic && a.partition === partition)) return 0
    const log = this.cluster.log(topic, partition)
    const from = this.positions.get(key) ?? 0
    const records = this.cluster.visible(topic, partition, from)
    if (records.length === 0) return 0
    this.positions.set(key, log.length)
    if (records.length > 0) this.handlers!.onRecords(topic, partition, records, log.length)
    return records.length
  }

  /** Hands over records whatever the position (a batch fetched before a seek or pause). */
  deliver(topic: string, partition: number, records: FetchedRecord[]): void {
    this.handlers!.onRecords(topic, partition, records, this.cluster.log(topic, partition).length)
  }

  pause(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) this.paused.add(tpKey(tp.topic, tp.partition))
  }

  resume(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) this.paused.delete(tpKey(tp.topic, tp.partition))
  }

  seek(topic: string, partition: number, offset: number): void {
    this.positions.set(tpKey(topic, partition), offset)
  }

  async commitOffsets(offsets: readonly TopicPartitionOffset[]): Promise<void> {
    this.commits++
    const gate = this.nextCommit
    this.nextCommit = null
    if (gate) await gate
    this.cluster.commit(offsets)
  }

  unconfirmedForMs(): number | null {
    return this.unconfirmedMs
  }

  async assignmentUserData(): Promise<Buffer | null> {
    return this.userData
  }

  memberId(): string | null {
    return this.member
  }

  /** Set while the member rejoins: it has no generation to give (between JoinGroup and its assignment). */
  betweenGenerations = false

  groupMetadata(): GroupMetadata | null {
    return this.kip447 && !this.betweenGenerations ? { generationId: this.generation, memberId: this.member } : null
  }
}

/** A producer writing into the cluster; a transactional one makes its writes visible at commit. */
export class FakeProducer implements RecordProducer {
  /** The open transaction: its records' places in the logs and its offsets. */
  private txn: { records: string[]; offsets: TopicPartitionOffset[] } | null = null
  aborts = 0
  /** Set to hold the next transaction commit until the test settles it. */
  holdCommit: Promise<void> | null = null
  /** Set to hold every send (its acknowledgement) until the test settles it. */
  holdSends: Promise<void> | null = null
  /** Set to fail sends: returns the error for a batch that should fail, else null. */
  failSend: ((batches: readonly { topic: string; records: readonly OutgoingRecord[] }[]) => Error | null) | null = null
  /** InitProducerId requests (connects), begun and committed transactions. */
  inits = 0
  begins = 0
  commits = 0
  disconnected = false
  /** Every sendOffsetsInTransaction: the offsets and the group metadata they carried. */
  readonly offsetCommits: { offsets: TopicPartitionOffset[]; group: GroupMetadata | undefined }[] = []

  constructor(private readonly cluster: FakeCluster, readonly transactionalId?: string) {}

  async connect(): Promise<void> {
    // InitProducerId: a new producer with the id fences the old one and aborts its transaction.
    this.inits++
    if (this.transactionalId) this.cluster.fenced.delete(this.transactionalId)
  }

  async disconnect(): Promise<void> {
    this.disconnected = true
  }

  async send(topic: string, records: readonly OutgoingRecord[]): Promise<SendResult[]> {
    return this.write(topic, records)
  }

  async sendBatch(batches: readonly { topic: string; records: readonly OutgoingRecord[] }[], transactional: boolean) {
    if (this.holdSends) await this.holdSends
    const failure = this.failSend?.(batches)
    if (failure) throw failure
    const out: (SendResult & { topic: string })[] = []
    for (const b of batches) {
      for (const r of this.write(b.topic, b.records, transactional)) out.push({ ...r, topic: b.topic })
    }
    return out
  }

  /** Appends the records; one result per partition, with the offset of its first record (as the protocol answers). */
  private write(topic: string, records: readonly OutgoingRecord[], transactional = false): SendResult[] {
    const results = new Map<number, SendResult>()
    for (const r of records) {
      const partition = Math.max(0, r.partition)
      const baseOffset = this.cluster.append(topic, partition, [r])
      if (transactional) {
        const place = `${tpKey(topic, partition)}@${baseOffset}`
        this.cluster.invisible.add(place)
        this.txn!.records.push(place)
      }
      if (!results.has(partition)) results.set(partition, { partition, baseOffset })
    }
    return [...results.values()]
  }

  async beginTransaction(): Promise<void> {
    this.begins++
    this.txn = { records: [], offsets: [] }
  }

  async sendInTransaction(topic: string, records: readonly OutgoingRecord[]): Promise<SendResult[]> {
    return this.write(topic, records, true)
  }

  async sendOffsetsInTransaction(_groupId: string, offsets: readonly TopicPartitionOffset[], group?: GroupMetadata): Promise<void> {
    this.offsetCommits.push({ offsets: offsets.map(o => ({ ...o })), group })
    // KIP-447: the coordinator checks the member and its generation
    if (group && group.memberId !== this.cluster.member) throw new ClientError('rebalance', `Unknown member ${group.memberId}`, 25)
    if (group && group.generationId !== this.cluster.generation) throw new ClientError('rebalance', `Generation ${group.generationId} is not the group's (${this.cluster.generation})`, 22)
    this.txn!.offsets.push(...offsets)
  }

  async commitTransaction(): Promise<void> {
    const hold = this.holdCommit
    this.holdCommit = null
    if (hold) await hold
    if (this.transactionalId && this.cluster.fenced.has(this.transactionalId)) {
      throw new ClientError('fenced', `Producer ${this.transactionalId} was fenced by a newer one`, 47)
    }
    const txn = this.txn!
    this.txn = null
    this.commits++
    for (const place of txn.records) this.cluster.invisible.delete(place)
    this.cluster.commit(txn.offsets)
  }

  async abortTransaction(): Promise<void> {
    if (this.txn) this.aborts++
    this.txn = null
  }

  inTransaction(): boolean {
    return this.txn !== null
  }
}

export class FakeReader implements PartitionReader {
  /** Set to hold every changelog fetch (a restore) until the test settles it. */
  holdFetches: Promise<void> | null = null
  /** Every fetch's positions, in order. */
  readonly fetched: TopicPartitionOffset[][] = []

  constructor(private readonly cluster: FakeCluster) {}
  async connect(): Promise<void> {}
  async disconnect(): Promise<void> {}
  async endOffsets(tps: readonly TopicPartition[]) {
    return new Map(tps.map(tp => [tpKey(tp.topic, tp.partition), this.cluster.log(tp.topic, tp.partition).length]))
  }
  async beginningOffsets(tps: readonly TopicPartition[]) {
    return new Map(tps.map(tp => [tpKey(tp.topic, tp.partition), 0]))
  }
  async fetch(positions: readonly TopicPartitionOffset[]) {
    this.fetched.push(positions.map(p => ({ ...p })))
    if (this.holdFetches) await this.holdFetches
    return positions.map(p => {
      const log = this.cluster.log(p.topic, p.partition)
      return { topic: p.topic, partition: p.partition, records: this.cluster.visible(p.topic, p.partition, p.offset), nextOffset: log.length }
    })
  }
}

export class FakeAdmin implements AdminClient {
  constructor(private readonly cluster: FakeCluster) {}
  async connect(): Promise<void> {}
  async disconnect(): Promise<void> {}
  async listTopics(): Promise<string[]> {
    return [...new Set([...this.cluster.logs.keys()].map(k => k.split('\u0000')[0]!))]
  }
  async partitionCounts(): Promise<Map<string, number>> {
    return new Map()
  }
  async createTopics(): Promise<void> {}
  async topicConfigs(): Promise<Map<string, Record<string, string>>> {
    return new Map()
  }
  async deleteTopics(): Promise<void> {}
  async committedOffsets(_groupId: string, topics: readonly string[]): Promise<TopicPartitionOffset[]> {
    if (topics.some(t => this.cluster.unstableOffsets.has(t)) && ++this.cluster.unstableAnswers) throw new ClientError('retriable', 'The offsets are about to change in an open transaction', 88)
    return [...this.cluster.committed.values()].filter(o => topics.includes(o.topic))
  }
  async deleteRecordsBefore(offsets: readonly TopicPartitionOffset[]): Promise<void> {
    for (const o of offsets) this.cluster.deletedBefore.set(tpKey(o.topic, o.partition), o.offset)
  }
  async resetOffsetsToEarliest(): Promise<void> {}
}

/**
 * Every client of the cluster; producers it created, by transactional id (or 'shared').
 * `kip447`: a client committing offsets in transactions with group metadata (kafkajs does not).
 */
export class FakeClients implements ClientFactory {
  readonly producers: FakeProducer[] = []
  constructor(private readonly cluster: FakeCluster, readonly groupMetadataInTransactions = false) {}
  admin(): AdminClient {
    return new FakeAdmin(this.cluster)
  }
  producer(opts?: ProducerOptions): FakeProducer {
    const p = new FakeProducer(this.cluster, opts?.transactionalId)
    this.producers.push(p)
    return p
  }
  groupConsumer(): GroupConsumer {
    return new FakeGroupConsumer(this.cluster, this.groupMetadataInTransactions)
  }
  partitionReader(): PartitionReader {
    return new FakeReader(this.cluster)
  }
}
