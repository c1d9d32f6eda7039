import type { TopicPartition, TopicPartitionOffset } from '../../types.js'
import type { Cluster } from '../cluster/cluster.js'
import { byTopic } from '../cluster/leaders.js'
import { KafkaResponseError, LeanClientStateError } from '../errors.js'
import { Api } from '../net/apis.js'

import type { GroupMetadata } from '../../types.js'

/** OPERATION_NOT_ATTEMPTED: another partition of the same AddPartitionsToTxn failed. */
const NOT_ATTEMPTED = 55

/**
 * The producer id and epoch, and the requests a producer sends to its transaction coordinator
 * (and, for offsets, to the group coordinator). Every error keeps its Kafka code, so fencing
 * (PRODUCER_FENCED, INVALID_PRODUCER_EPOCH) and KIP-447's refusals (ILLEGAL_GENERATION,
 * UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID) reach the runtime as their kinds.
 */
export class ProducerSession {
  producerId = -1
  producerEpoch = -1

  constructor(
    private readonly cluster: Cluster,
    readonly transactionalId: string | null,
    private readonly transactionTimeoutMs: number,
  ) {}

  /** InitProducerId: a new id (idempotent) or the transactional id's next epoch, fencing older owners. */
  async init(): Promise<void> {
    const transactionalId = this.transactionalId
    const send = async (conn: import('../net/connection.js').BrokerConnection) => {
      const res = await conn.request(Api.InitProducerId, { transactionalId, transactionTimeoutMs: this.transactionTimeoutMs })
      if (res.errorCode !== 0) throw new KafkaResponseError(res.errorCode, conn.address, 'InitProducerId', transactionalId ? `transactional id ${transactionalId}` : null)
      this.producerId = res.producerId
      this.producerEpoch = res.producerEpoch
    }
    if (transactionalId === null) await this.cluster.retry(() => send(this.cluster.any()))
    else await this.cluster.withCoordinator('transaction', transactionalId, send)
  }

  private txnId(): string {
    if (this.transactionalId === null) throw new LeanClientStateError('Not a transactional producer: it was created without a transactionalId')
    return this.transactionalId
  }

  async addPartitions(partitions: readonly TopicPartition[]): Promise<void> {
    const transactionalId = this.txnId()
    const topics = [...byTopic(partitions)].map(([name, ps]) => ({ name, partitions: ps.map(p => p.partition) }))
    await this.cluster.withCoordinator('transaction', transactionalId, async conn => {
      const res = await conn.request(Api.AddPartitionsToTxn, {
        v3AndBelowTransactionalId: transactionalId,
        v3AndBelowProducerId: this.producerId,
        v3AndBelowProducerEpoch: this.producerEpoch,
        v3AndBelowTopics: topics,
      })
      let failure: KafkaResponseError | null = null
      for (const t of res.resultsByTopicV3AndBelow ?? []) {
        for (const p of t.resultsByPartition) {
          if (p.partitionErrorCode === 0 || (p.partitionErrorCode === NOT_ATTEMPTED && failure)) continue
          const e = new KafkaResponseError(p.partitionErrorCode, conn.address, 'AddPartitionsToTxn', `transactional id ${transactionalId}, ${t.name}-${p.partitionIndex}`)
          if (!failure || failure.code === NOT_ATTEMPTED) failure = e
        }
      }
      if (failure) throw failure
    })
  }

  async addOffsets(groupId: string): Promise<void> {
    const transactionalId = this.txnId()
    await this.cluster.withCoordinator('transaction', transactionalId, async conn => {
      const res = await conn.request(Api.AddOffsetsToTxn, { transactionalId, producerId: this.producerId, producerEpoch: this.producerEpoch, groupId })
      if (res.errorCode !== 0) throw new KafkaResponseError(res.errorCode, conn.address, 'AddOffsetsToTxn', `transactional id ${transactionalId}, group ${groupId}`)
    })
  }

  /** TxnOffsetCommit to the group's coordinator; v3+ with the member's generation and id when given. */
  async commitOffsets(groupId: string, offsets: readonly TopicPartitionOffset[], group?: GroupMetadata): Promise<void> {
    const transactionalId = this.txnId()
    const topics = [...byTopic(offsets)].map(([name, ps]) => ({
      name,
      partitions: ps.map(p => ({ partitionIndex: p.partition, committedOffset: p.offset, committedMetadata: p.metadata ?? null })),
    }))
    await this.cluster.withCoordinator('group', groupId, async conn => {
      let version = 0
      const res = await conn.request(Api.TxnOffsetCommit, v => {
        version = v
        if (group && v < 3) throw new KafkaResponseError(35, conn.address, `TxnOffsetCommit v${v}`, `group ${groupId}`, 'the broker cannot take group metadata with transactional offsets (KIP-447 needs TxnOffsetCommit v3)')
        return {
          transactionalId,
          groupId,
          producerId: this.producerId,
          producerEpoch: this.producerEpoch,
          ...(v >= 3 ? { generationId: group?.generationId ?? -1, memberId: group?.memberId ?? '', groupInstanceId: group?.groupInstanceId ?? null } : {}),
          topics,
        }
      })
      for (const t of res.topics) {
        for (const p of t.partitions) {
          if (p.errorCode !== 0) throw new KafkaResponseError(p.errorCode, conn.address, `TxnOffsetCommit v${version}`, `transactional id ${transactionalId}, group ${groupId}, ${t.name}-${p.partitionIndex}`)
        }
      }
    })
  }

  async endTxn(commit: boolean): Promise<void> {
    const transactionalId = this.txnId()
    await this.cluster.withCoordinator('transaction', transactionalId, async conn => {
      const res = await conn.request(Api.EndTxn, { transactionalId, producerId: this.producerId, producerEpoch: this.producerEpoch, committed: commit })
      if (res.errorCode !== 0) throw new KafkaResponseError(res.errorCode, conn.address, commit ? 'EndTxn (commit)' : 'EndTxn (abort)', `transactional id ${transactionalId}`)
    })
  }
}
