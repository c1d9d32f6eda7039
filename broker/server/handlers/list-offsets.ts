import { ErrorCode } from '../../../protocol/errors.js'
import type { ListOffsetsPartitionResponse, ListOffsetsRequest, ListOffsetsResponse, ListOffsetsTopicResponse } from '../../../protocol/messages/list-offsets.js'
import type { Handler } from '../context.js'
import { LEADER_EPOCH, leaderEpochError } from './fetch.js'

const LATEST = -1
const EARLIEST = -2
/** v8+ (KIP-405): the first offset in local storage; without tiered storage, the log start offset. */
const EARLIEST_LOCAL = -4
/** v9+ (KIP-1005): the last offset in tiered storage; without tiered storage, none (-1). */
const LATEST_TIERED = -5

// Latest under read_committed is the last stable offset, and lookups by timestamp stop there, as in Kafka.
export const listOffsets: Handler<ListOffsetsRequest, ListOffsetsResponse> = (body, broker) => {
  const committed = body.isolationLevel === 1
  const topics: ListOffsetsTopicResponse[] = body.topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p): ListOffsetsPartitionResponse => {
      const fail = (errorCode: number): ListOffsetsPartitionResponse => ({ partitionIndex: p.partitionIndex, errorCode, timestamp: -1, offset: -1, leaderEpoch: -1 })
      const epochError = leaderEpochError(p.currentLeaderEpoch ?? -1)
      if (epochError) return fail(epochError)
      const log = broker.logs.partition(t.name, p.partitionIndex)
      if (!log) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
      let found: { offset: number; timestamp: number }
      if (p.timestamp === LATEST) found = { offset: committed ? log.lastStableOffset : log.logEndOffset, timestamp: -1 }
      else if (p.timestamp === EARLIEST || p.timestamp === EARLIEST_LOCAL) found = { offset: log.logStartOffset, timestamp: -1 }
      else if (p.timestamp === LATEST_TIERED) found = { offset: -1, timestamp: -1 }
      else {
        // A timestamp lookup may only answer offsets a consumer at this isolation level could fetch
        // (Kafka's lastFetchableOffset); beyond it the answer is "no such offset".
        found = log.offsetForTime(p.timestamp)
        if (found.offset >= (committed ? log.lastStableOffset : log.highWatermark)) found = { offset: -1, timestamp: -1 }
      }
      return { partitionIndex: p.partitionIndex, errorCode: 0, timestamp: found.timestamp, offset: found.offset, leaderEpoch: found.offset >= 0 ? LEADER_EPOCH : -1 }
    }),
  }))
  return { throttleTimeMs: 0, topics }
}
