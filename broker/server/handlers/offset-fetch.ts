import { ErrorCode } from '../../../protocol/errors.js'
import type { OffsetFetchRequest, OffsetFetchResponse, OffsetFetchResponseTopic } from '../../../protocol/messages/offset-fetch.js'
import type { Handler } from '../context.js'

// Partitions without a committed offset answer offset -1 and empty metadata, as Kafka does.
// With requireStable (v7), a partition whose offset an open transaction is about to commit
// answers UNSTABLE_OFFSET_COMMIT so the client retries instead of reading a stale offset.
export const offsetFetch: Handler<OffsetFetchRequest, OffsetFetchResponse> = (body, broker) => {
  const groupId = body.groupId ?? ''
  const requested = body.topics ?? null
  const pending = body.requireStable === true ? broker.txn?.hasPendingOffset?.bind(broker.txn) : undefined
  const partitionOf = (topic: string, partitionIndex: number) => {
    if (pending?.(groupId, topic, partitionIndex)) {
      return { partitionIndex, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: ErrorCode.UNSTABLE_OFFSET_COMMIT }
    }
    const c = broker.offsets.get(groupId, topic, partitionIndex)
    return c
      ? { partitionIndex, committedOffset: c.offset, committedLeaderEpoch: c.leaderEpoch, metadata: c.metadata ?? '', errorCode: 0 }
      : { partitionIndex, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: 0 }
  }
  let topics: OffsetFetchResponseTopic[]
  if (requested === null) {
    topics = [...broker.offsets.all(groupId)].map(([name, parts]) => ({
      name, partitions: [...parts.keys()].sort((a, b) => a - b).map((p) => partitionOf(name, p)),
    }))
  } else {
    topics = requested.map((t) => ({ name: t.name, partitions: t.partitionIndexes.map((p) => partitionOf(t.name, p)) }))
  }
  return { throttleTimeMs: 0, topics, errorCode: 0 }
}
