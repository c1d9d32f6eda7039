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
  sendOffsetsInTransaction(groupId: string, offsets: readonly TopicPartitionOffset[]): Promise<void>
  commitTransaction(): Promise<void>
  abortTransaction(): Promise<void>
  inTransaction(): boolean
}

export function tpKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`
}
