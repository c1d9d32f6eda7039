/** What the coordinator knows of one transactional id (Kafka's TransactionMetadata, single node). */

/**
 * Kafka's states. With a single broker, markers are written synchronously inside the request that
 * ends a transaction, so in memory the Prepare* states never outlive a request; on disk they are the
 * first of the two steps, and a crash between them leaves a Prepare* state that recovery completes.
 */
export type TxnState = 'Empty' | 'Ongoing' | 'PrepareCommit' | 'PrepareAbort' | 'CompleteCommit' | 'CompleteAbort'

export interface PendingOffset { topic: string; partition: number; offset: number; metadata: string | null }

export interface TxnMetadata {
  transactionalId: string
  producerId: bigint
  producerEpoch: number
  lastProducerEpoch: number // epoch before the latest bump; -1 if none
  timeoutMs: number
  state: TxnState
  /** `${topic}\u0000${partition}` → partition, in the order they were added. */
  partitions: Map<string, { topic: string; partition: number }>
  groups: Set<string>
  /** groupId → partition key → offset committed by TxnOffsetCommit, visible only at commit. */
  pendingOffsets: Map<string, Map<string, PendingOffset>>
  txnStartTimestamp: number
  lastUpdateTimestamp: number
}

export const partitionKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`

/** Kafka bumps to a fresh producer id when the epoch would reach Short.MAX_VALUE. */
export const MAX_PRODUCER_EPOCH = 32766
