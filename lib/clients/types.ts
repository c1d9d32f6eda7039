/**
 * The runtime's view of a Kafka client. Everything in lib/ above this folder talks to these
 * interfaces only, so another client (a faster native one) can replace kafkajs by implementing them.
 */

export type Headers = Record<string, Buffer | string | undefined>

export interface TopicPartition {
  topic: string
  partition: number
}

export interface TopicPartitionOffset extends TopicPartition {
  offset: number
  /** Committed offset metadata (Kafka Streams: the encoded partition time); null or absent for none. */
  metadata?: string | null
}

export interface FetchedRecord {
  offset: number
  key: Buffer | null
  value: Buffer | null
  timestamp: number
  headers: Headers
}

export interface TopicSpec {
  topic: string
  numPartitions: number
  /** -1 = broker default */
  replicationFactor: number
  config: Record<string, string>
}

export interface AdminClient {
  connect(): Promise<void>
  disconnect(): Promise<void>
  listTopics(): Promise<string[]>
  /** Partition counts of the topics that exist; missing topics are absent from the map. */
  partitionCounts(topics: readonly string[]): Promise<Map<string, number>>
  /** Creates the topics that do not exist yet; an existing topic is not an error. */
  createTopics(specs: readonly TopicSpec[]): Promise<void>
  topicConfigs(topics: readonly string[]): Promise<Map<string, Record<string, string>>>
  deleteTopics(topics: readonly string[]): Promise<void>
  /** Committed offsets of a group; partitions without a commit are absent. */
  committedOffsets(groupId: string, topics: readonly string[]): Promise<TopicPartitionOffset[]>
  /** Deletes records below the given offsets (repartition topics, once consumed and committed). */
  deleteRecordsBefore(offsets: readonly TopicPartitionOffset[]): Promise<void>
  /** Moves a group's committed offsets to the start of the topic. The group must be empty. */
  resetOffsetsToEarliest(groupId: string, topic: string): Promise<void>
}

/** Fetches from partitions chosen by the caller (no group): changelog restore and standbys. */
export interface PartitionReader {
  connect(): Promise<void>
  disconnect(): Promise<void>
  /** End offsets as a read_committed consumer sees them (last stable offsets). */
  endOffsets(partitions: readonly TopicPartition[]): Promise<Map<string, number>>
  beginningOffsets(partitions: readonly TopicPartition[]): Promise<Map<string, number>>
  /** One fetch round; each result carries the position to fetch from next. */
  fetch(positions: readonly TopicPartitionOffset[], maxWaitMs: number): Promise<
    { topic: string; partition: number; records: FetchedRecord[]; nextOffset: number }[]
  >
}

export interface OutgoingRecord {
  key: Buffer | null
  value: Buffer | null
  timestamp: number
  headers?: Headers
  /** -1 lets the client's default partitioner (murmur2 of the key, as Java's) choose. */
  partition: number
}

/** Where a send's records landed: per partition, the offset of the first one. */
export interface SendResult {
  partition: number
  baseOffset: number
}

/** A producer; transactional when created with a transactional id. */
export interface RecordProducer {
  connect(): Promise<void>
  disconnect(): Promise<void>
  send(topic: string, records: readonly OutgoingRecord[]): Promise<SendResult[]>
  /** Several topics in one request; results carry their topic. */
  sendBatch(batches: readonly { topic: string; records: readonly OutgoingRecord[] }[], transactional: boolean): Promise<(SendResult & { topic: string })[]>
  /** Transactions (only on a transactional producer). */
  beginTransaction(): Promise<void>
  sendInTransaction(topic: string, records: readonly OutgoingRecord[]): Promise<SendResult[]>
  /**
   * Commits input offsets in the open transaction. With `group` (the consumer's group metadata,
   * KIP-447) the coordinator checks the member's generation, so a zombie's commit is refused;
   * an adapter without KIP-447 ignores it (see `ClientFactory.groupMetadataInTransactions`).
   */
  sendOffsetsInTransaction(groupId: string, offsets: readonly TopicPartitionOffset[], group?: GroupMetadata): Promise<void>
  commitTransaction(): Promise<void>
  abortTransaction(): Promise<void>
  inTransaction(): boolean
}

/** A group member's identity for KIP-447 offset commits in a transaction (Kafka's ConsumerGroupMetadata). */
export interface GroupMetadata {
  generationId: number
  memberId: string
  groupInstanceId?: string | null
}

export function tpKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`
}

/** What a group consumer tells the runtime; every handler runs synchronously inside the client. */
export interface GroupConsumerHandlers {
  /**
   * A rebalance completed: the partitions this member now owns (all of them, not a delta).
   * `membershipLost`: this member joined under a new member id (the coordinator expelled the old
   * one, or the client re-created its consumer after a crash and left the group), so every partition
   * it owned before may have had another owner meanwhile: Kafka's onPartitionsLost.
   * Runs before the client fetches for the new generation.
   */
  onAssigned(partitions: TopicPartition[], membershipLost: boolean): void
  /** Records fetched for one partition, in offset order. Must not block on processing. */
  onRecords(topic: string, partition: number, records: FetchedRecord[], highWatermark: number): void
  /**
   * The consumer has read a partition up to `nextOffset`, control records and aborted records
   * included (so also after batches that hand over no records): how far the partition is read.
   */
  onFetched?(topic: string, partition: number, nextOffset: number): void
  /**
   * A rebalance began (the client is about to rejoin): commit now, before tasks may move. A hint
   * where the client does not wait (kafkajs); a client that implements `onPartitionsRevoked` calls
   * that instead.
   */
  onRebalanceStarted(): void
  /**
   * Kafka's onPartitionsRevoked of the eager protocol: every partition of this member is revoked and
   * the client rejoins only once the returned promise settles (bounded by the rebalance timeout), so
   * a commit made meanwhile still belongs to the current generation. Until the next onAssigned the
   * runtime processes nothing (a task that moves must not have output in the open transaction).
   * Heartbeats go on meanwhile. The promise never rejects.
   */
  onPartitionsRevoked?(): Promise<void>
  /** The consumer failed for good (the client gave up restarting it). */
  onCrash(error: Error): void
  /**
   * The client dropped its consumer after an error and re-creates it shortly (it left the group, so
   * the next assignment reports `membershipLost`). Pauses, seeks and commits made until then are
   * kept or refused as transient by the adapter.
   */
  onRestarting?(error: Error): void
}

/**
 * A member of the application's consumer group: fetches in the background and hands records to
 * the runtime, which owns positions, pauses and commits (nothing is committed automatically).
 */
export interface GroupConsumer {
  connect(): Promise<void>
  disconnect(): Promise<void>
  subscribe(topics: readonly string[], fromBeginning: boolean): Promise<void>
  /** Starts fetching; resolves once the consumer runs (handlers are called from then on). */
  run(handlers: GroupConsumerHandlers): Promise<void>
  pause(partitions: readonly TopicPartition[]): void
  resume(partitions: readonly TopicPartition[]): void
  /** Where the next fetch of a partition starts. */
  seek(topic: string, partition: number, offset: number): void
  commitOffsets(offsets: readonly TopicPartitionOffset[]): Promise<void>
  /**
   * How long the coordinator has gone without confirming this member, when longer than the
   * session timeout (it has probably expelled it); null while the session holds.
   */
  unconfirmedForMs(now?: number): number | null
  /** This member's assignment user data (the assignor's AssignmentInfo bytes), if any. */
  assignmentUserData(): Promise<Buffer | null>
  memberId(): string | null
  /** The current generation and member id, for transactional offset commits; null before the first join or when the adapter cannot tell. */
  groupMetadata(): GroupMetadata | null
}

export interface ProducerOptions {
  /** Set for exactly-once: one per task, `<applicationId>-<taskId>`. */
  transactionalId?: string
  transactionTimeoutMs?: number
}

/** A member's subscription as the group leader sees it (Kafka's ConsumerProtocolSubscription). */
export interface GroupMemberSubscription {
  memberId: string
  topics: string[]
  userData: Buffer | null
}

/** What the leader gives one member (Kafka's ConsumerProtocolAssignment). */
export interface GroupMemberAssignment {
  memberId: string
  partitions: { topic: string; partitions: number[] }[]
  userData: Buffer | null
}

/**
 * A consumer group's partition assignor, independent of any client (Kafka's
 * ConsumerPartitionAssignor): each adapter carries it in its own protocol form.
 */
export interface GroupAssignor {
  /** The protocol name members agree on (`stream` for kstreams). */
  readonly name: string
  readonly version: number
  /** This member's subscription user data; read at every join, so always fresh. */
  subscriptionUserData(topics: readonly string[]): Buffer | null
  /**
   * Run by the group leader. `partitionCounts` holds the subscribed topics that exist; a missing
   * topic is absent. Returns one assignment per member.
   */
  assign(members: readonly GroupMemberSubscription[], partitionCounts: ReadonlyMap<string, number>): GroupMemberAssignment[]
}

export interface GroupConsumerOptions<Assigner = GroupAssignor> {
  groupId: string
  /** The partition assignor. */
  assigner: Assigner
  sessionTimeoutMs: number
  rebalanceTimeoutMs: number
  heartbeatIntervalMs: number
  /** How long a fetch waits for data; short keeps latency low. */
  maxWaitTimeMs?: number
}

/** Creates every client the runtime needs; one implementation per adapter. */
export interface ClientFactory<Assigner = GroupAssignor> {
  /**
   * Whether transactional offset commits carry group metadata (KIP-447). Then exactly_once_v2
   * runs one transactional producer per stream thread; without it, one per task, whose
   * transactional id fences a previous owner.
   */
  readonly groupMetadataInTransactions: boolean
  admin(): AdminClient
  producer(opts?: ProducerOptions): RecordProducer
  groupConsumer(opts: GroupConsumerOptions<Assigner>): GroupConsumer
  partitionReader(): PartitionReader
}
