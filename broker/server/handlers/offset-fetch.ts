import { ErrorCode } from '../../../protocol/errors.js'
import type { OffsetFetchRequest, OffsetFetchResponse } from '../../../protocol/messages/offset-fetch.js'
import type { BrokerContext, Handler } from '../context.js'

interface PartitionOffset { partitionIndex: number; committedOffset: number; committedLeaderEpoch: number; metadata: string | null; errorCode: number }
interface TopicOffsets { name: string; partitions: PartitionOffset[] }

// Partitions without a committed offset answer offset -1 and empty metadata, as Kafka does.
// With requireStable (v7+), a partition whose offset an open transaction is about to commit
// answers UNSTABLE_OFFSET_COMMIT so the client retries instead of reading a stale offset.
// Null topics ask for every partition the group has an offset for.
function groupOffsets(broker: BrokerContext, groupId: string, requested: { name: string; partitionIndexes: number[] }[] | null, requireStable: boolean): TopicOffsets[] {
  const pending = requireStable ? broker.txn?.hasPendingOffset?.bind(broker.txn) : undefined
  const partitionOf = (topic: string, partitionIndex: number): PartitionOffset => {
    if (pending?.(groupId, topic, partitionIndex)) {
      return { partitionIndex, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: ErrorCode.UNSTABLE_OFFSET_COMMIT }
    }
    const c = broker.offsets.get(groupId, topic, partitionIndex)
    return c
      ? { partitionIndex, committedOffset: c.offset, committedLeaderEpoch: c.leaderEpoch, metadata: c.metadata ?? '', errorCode: 0 }
      : { partitionIndex, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: 0 }
  }
  if (requested === null) {
    return [...broker.offsets.all(groupId)].map(([name, parts]) => ({
      name, partitions: [...parts.keys()].sort((a, b) => a - b).map((p) => partitionOf(name, p)),
    }))
  }
  return requested.map((t) => ({ name: t.name, partitions: t.partitionIndexes.map((p) => partitionOf(t.name, p)) }))
}

// v8+ (KIP-709) asks for several groups at once, answered per group. Classic groups ignore the
// member id and epoch of v9+ (they are for KIP-848 consumer groups), as Kafka does.
export const offsetFetch: Handler<OffsetFetchRequest, OffsetFetchResponse> = (body, broker, { header }) => {
  const requireStable = body.requireStable === true
  if (header.apiVersion >= 8) {
    return {
      throttleTimeMs: 0,
      groups: (body.groups ?? []).map((g) => ({
        groupId: g.groupId, errorCode: 0,
        topics: groupOffsets(broker, g.groupId, g.topics === null ? null : g.topics.map((t) => ({ name: t.name ?? '', partitionIndexes: t.partitionIndexes })), requireStable),
      })),
    }
  }
  const topics = groupOffsets(broker, body.groupId ?? '', body.topics ?? null, requireStable)
  return { throttleTimeMs: 0, topics, errorCode: 0 }
}
