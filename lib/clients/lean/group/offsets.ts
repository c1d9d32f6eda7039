import type { TopicPartition, TopicPartitionOffset } from '../../types.js'
import type { Cluster } from '../cluster/cluster.js'
import { byTopic } from '../cluster/leaders.js'
import { CorruptResponseError, KafkaResponseError } from '../errors.js'
import { Api } from '../net/apis.js'

/** Who commits: a member of a generation, or (-1, '') for an admin's commit to an empty group. */
export interface CommitIdentity {
  generationId: number
  memberId: string
  groupInstanceId: string | null
}

/**
 * A group's committed offsets (OffsetFetch with requireStable: offsets of a transaction still
 * open are waited for, as a read_committed consumer must). A partition without a commit has -1.
 */
export async function fetchGroupOffsets(cluster: Cluster, groupId: string, partitions: readonly TopicPartition[]): Promise<TopicPartitionOffset[]> {
  const topics = [...byTopic(partitions)].map(([name, ps]) => ({ name, partitionIndexes: ps.map(p => p.partition) }))
  return cluster.withCoordinator('group', groupId, async conn => {
    let version = 0
    const res = await conn.request(Api.OffsetFetch, v => {
      version = v
      if (v >= 8) return { groups: [{ groupId, topics }], requireStable: true }
      return { groupId, topics, ...(v >= 7 ? { requireStable: true } : {}) }
    })
    const api = `OffsetFetch v${version}`
    const group = version >= 8 ? res.groups?.find(g => g.groupId === groupId) : { errorCode: res.errorCode ?? 0, topics: res.topics ?? [] }
    if (!group) throw new CorruptResponseError(conn.address, `${api} from broker ${conn.address} has no answer for group ${groupId}`)
    if (group.errorCode !== 0) throw new KafkaResponseError(group.errorCode, conn.address, api, `group ${groupId}`)
    const out: TopicPartitionOffset[] = []
    for (const t of group.topics) {
      for (const p of t.partitions) {
        if (p.errorCode !== 0) throw new KafkaResponseError(p.errorCode, conn.address, api, `group ${groupId}, ${t.name}-${p.partitionIndex}`)
        out.push({ topic: t.name!, partition: p.partitionIndex, offset: p.committedOffset, metadata: p.metadata })
      }
    }
    return out
  })
}

/**
 * OffsetCommit with the member's generation and id. Coordinator moves and other retriable errors
 * are retried; ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, REBALANCE_IN_PROGRESS and FENCED_INSTANCE_ID
 * are thrown with their code (the runtime's rebalance kind).
 */
export async function commitGroupOffsets(cluster: Cluster, groupId: string, who: CommitIdentity, offsets: readonly TopicPartitionOffset[]): Promise<void> {
  if (offsets.length === 0) return
  const topics = [...byTopic(offsets)].map(([name, ps]) => ({
    name,
    partitions: ps.map(p => ({ partitionIndex: p.partition, committedOffset: p.offset, committedMetadata: p.metadata ?? null })),
  }))
  await cluster.withCoordinator('group', groupId, async conn => {
    let version = 0
    const res = await conn.request(Api.OffsetCommit, v => {
      version = v
      return {
        groupId,
        generationIdOrMemberEpoch: who.generationId,
        memberId: who.memberId,
        ...(v >= 7 ? { groupInstanceId: who.groupInstanceId } : {}),
        topics,
      }
    })
    for (const t of res.topics) {
      for (const p of t.partitions) {
        if (p.errorCode !== 0) throw new KafkaResponseError(p.errorCode, conn.address, `OffsetCommit v${version}`, `group ${groupId}, ${t.name}-${p.partitionIndex}`)
      }
    }
  })
}
