/**
 * Client errors by kind. Whatever a client adapter throws is classified here, by walking the
 * error's cause chain and reading Kafka error codes and the adapter's error types (never message
 * text), so the runtime above `lib/clients/` can act on the kind alone:
 *
 * - `retriable`: the network or a briefly unavailable broker; redo the operation after a backoff.
 * - `rebalance`: the group moved on (ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, REBALANCE_IN_PROGRESS,
 *   FENCED_INSTANCE_ID); rejoin, and redo what was not committed.
 * - `fenced`: another producer now owns the transactional id (PRODUCER_FENCED,
 *   INVALID_PRODUCER_EPOCH, TRANSACTION_COORDINATOR_FENCED); close the task dirty.
 * - `transaction_state`: the coordinator or partition no longer knows the transaction
 *   (INVALID_TXN_STATE, INVALID_PRODUCER_ID_MAPPING, UNKNOWN_PRODUCER_ID, OUT_OF_ORDER_SEQUENCE);
 *   restart the task from its last commit.
 * - `unknown_topic`: a topic or partition the request named does not exist (yet).
 * - `authorization`: the principal lacks a permission; an operator must act.
 * - `fatal`: anything else, including errors of user code.
 */
export type ClientErrorKind = 'retriable' | 'rebalance' | 'fenced' | 'transaction_state' | 'unknown_topic' | 'authorization' | 'fatal'

/** Kafka error codes (Kafka's Errors enum) and the kind each one is. Codes not listed are fatal. */
const KIND_OF_CODE = new Map<number, ClientErrorKind>([
  [2, 'retriable'], // CORRUPT_MESSAGE
  [5, 'retriable'], // LEADER_NOT_AVAILABLE
  [6, 'retriable'], // NOT_LEADER_OR_FOLLOWER
  [7, 'retriable'], // REQUEST_TIMED_OUT
  [8, 'retriable'], // BROKER_NOT_AVAILABLE
  [9, 'retriable'], // REPLICA_NOT_AVAILABLE
  [13, 'retriable'], // NETWORK_EXCEPTION
  [14, 'retriable'], // COORDINATOR_LOAD_IN_PROGRESS
  [15, 'retriable'], // COORDINATOR_NOT_AVAILABLE
  [16, 'retriable'], // NOT_COORDINATOR
  [19, 'retriable'], // NOT_ENOUGH_REPLICAS
  [20, 'retriable'], // NOT_ENOUGH_REPLICAS_AFTER_APPEND
  [51, 'retriable'], // CONCURRENT_TRANSACTIONS
  [56, 'retriable'], // KAFKA_STORAGE_ERROR
  [74, 'retriable'], // FENCED_LEADER_EPOCH
  [75, 'retriable'], // UNKNOWN_LEADER_EPOCH
  [88, 'retriable'], // UNSTABLE_OFFSET_COMMIT
  [89, 'retriable'], // THROTTLING_QUOTA_EXCEEDED
  [22, 'rebalance'], // ILLEGAL_GENERATION
  [25, 'rebalance'], // UNKNOWN_MEMBER_ID
  [27, 'rebalance'], // REBALANCE_IN_PROGRESS
  [79, 'rebalance'], // MEMBER_ID_REQUIRED
  // A static member with the same instance id replaced this one: its tasks have moved, as after a
  // rebalance (Kafka Streams turns it into a TaskMigratedException as well).
  [82, 'rebalance'], // FENCED_INSTANCE_ID
  [47, 'fenced'], // INVALID_PRODUCER_EPOCH
  [52, 'fenced'], // TRANSACTION_COORDINATOR_FENCED
  [90, 'fenced'], // PRODUCER_FENCED
  [45, 'transaction_state'], // OUT_OF_ORDER_SEQUENCE_NUMBER
  [48, 'transaction_state'], // INVALID_TXN_STATE
  [49, 'transaction_state'], // INVALID_PRODUCER_ID_MAPPING
  [59, 'transaction_state'], // UNKNOWN_PRODUCER_ID
  [3, 'unknown_topic'], // UNKNOWN_TOPIC_OR_PARTITION
  [100, 'unknown_topic'], // UNKNOWN_TOPIC_ID
  [29, 'authorization'], // TOPIC_AUTHORIZATION_FAILED
  [30, 'authorization'], // GROUP_AUTHORIZATION_FAILED
  [31, 'authorization'], // CLUSTER_AUTHORIZATION_FAILED
  [53, 'authorization'], // TRANSACTIONAL_ID_AUTHORIZATION_FAILED
  [58, 'authorization'], // SASL_AUTHENTICATION_FAILED
])

export function kindOfKafkaCode(code: number): ClientErrorKind {
  return KIND_OF_CODE.get(code) ?? 'fatal'
}

/** What an adapter can tell about one error of a cause chain. */
export interface ErrorLinkFacts {
  /** The Kafka error code the broker answered, when this error carries one. */
  kafkaCode?: number
  /** A network failure (connection refused, reset, closed, timed out, no broker reachable). */
  network?: boolean
  /** The adapter's own retriable flag. */
  retriable?: boolean
  /** The errors this one wraps (cause, or an adapter's own field). */
  causes?: unknown[]
}

/** Reads one error of a chain; returns null for errors it does not know. */
export type ErrorLinkReader = (err: object) => ErrorLinkFacts | null

const readers: ErrorLinkReader[] = []

/** Adapters register how to read their errors (once, when the adapter module loads). */
export function registerErrorReader(reader: ErrorLinkReader): void {
  if (!readers.includes(reader)) readers.push(reader)
}

/** A typed error of the client layer: the kind is decided, the original is the cause. */
export class ClientError extends Error {
  override readonly name = 'ClientError'
  constructor(
    readonly kind: ClientErrorKind,
    message: string,
    readonly kafkaCode: number | null = null,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

const NODE_NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ECONNABORTED'])

function factsOf(link: object): ErrorLinkFacts {
  if (link instanceof ClientError) return { kafkaCode: link.kafkaCode ?? undefined, causes: [link.cause] }
  for (const read of readers) {
    const facts = read(link)
    if (facts) return facts
  }
  const e = link as { code?: unknown; syscall?: unknown; cause?: unknown; originalError?: unknown }
  return {
    network: typeof e.code === 'string' && typeof e.syscall === 'string' && NODE_NETWORK_CODES.has(e.code),
    causes: [e.cause, e.originalError],
  }
}

/**
 * The kind of an error, from the first error in its cause chain that carries a Kafka error code
 * (wrappers such as "non-retriable" or "retries exhausted" say nothing about the broker's answer),
 * else a network failure anywhere in the chain, else the innermost retriable flag.
 */
export function classifyClientError(err: unknown): ClientErrorKind {
  if (err instanceof ClientError) return err.kind
  const seen = new Set<object>()
  const queue: unknown[] = [err]
  let network = false
  let innermostRetriable: boolean | undefined
  while (queue.length > 0 && seen.size < 16) {
    const link = queue.shift()
    if (link === null || typeof link !== 'object' || seen.has(link)) continue
    seen.add(link)
    if (link instanceof ClientError) return link.kind
    const facts = factsOf(link)
    if (facts.kafkaCode !== undefined && facts.kafkaCode !== 0) return kindOfKafkaCode(facts.kafkaCode)
    if (facts.network) network = true
    if (facts.retriable !== undefined) innermostRetriable = facts.retriable
    for (const c of facts.causes ?? []) if (c !== undefined && c !== null) queue.push(c)
  }
  if (network || innermostRetriable === true) return 'retriable'
  return 'fatal'
}

/** The Kafka error code the chain carries, if any (for logs). */
export function kafkaCodeOf(err: unknown): number | null {
  const seen = new Set<object>()
  const queue: unknown[] = [err]
  while (queue.length > 0 && seen.size < 16) {
    const link = queue.shift()
    if (link === null || typeof link !== 'object' || seen.has(link)) continue
    seen.add(link)
    const facts = factsOf(link)
    if (facts.kafkaCode !== undefined && facts.kafkaCode !== 0) return facts.kafkaCode
    for (const c of facts.causes ?? []) if (c !== undefined && c !== null) queue.push(c)
  }
  return null
}

/**
 * The coordinator no longer knows this member in its generation (UNKNOWN_MEMBER_ID,
 * ILLEGAL_GENERATION, FENCED_INSTANCE_ID): unlike REBALANCE_IN_PROGRESS, the member's partitions
 * may already belong to another member, so they are lost rather than revoked.
 */
export function isMembershipLost(err: unknown): boolean {
  if (classifyClientError(err) !== 'rebalance') return false
  const code = kafkaCodeOf(err)
  return code === 22 || code === 25 || code === 82
}

/** Worth redoing after a backoff: the network, a busy broker, a topic that is not there yet. */
export function isRetriableClientError(err: unknown): boolean {
  const kind = classifyClientError(err)
  return kind === 'retriable' || kind === 'unknown_topic'
}

/** Neither user code nor a refusal that needs an operator: the runtime recovers by itself. */
export function isRecoverableClientError(err: unknown): boolean {
  const kind = classifyClientError(err)
  return kind !== 'fatal' && kind !== 'authorization'
}
