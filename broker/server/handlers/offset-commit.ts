import { ErrorCode } from '../../../protocol/errors.js'
import type { OffsetCommitRequest, OffsetCommitResponse, OffsetCommitResponseTopic } from '../../../protocol/messages/offset-commit.js'
import type { Handler } from '../context.js'

const MAX_METADATA = 4096 // Kafka's offset.metadata.max.bytes

export const offsetCommit: Handler<OffsetCommitRequest, OffsetCommitResponse> = (body, broker) => {
  const groupError = body.groupId
    ? broker.groups.commitCheck(body.groupId, body.generationIdOrMemberEpoch ?? -1, body.memberId ?? '', { groupInstanceId: body.groupInstanceId ?? null })
    : ErrorCode.INVALID_GROUP_ID
  const accepted: { topic: string; partition: number; offset: number; metadata: string | null; leaderEpoch: number }[] = []
  const topics = body.topics.map((t): OffsetCommitResponseTopic => {
    const name = t.name ?? ''
    const partitions = t.partitions.map((p) => {
      let errorCode: number = groupError
      if (!errorCode && !broker.logs.partition(name, p.partitionIndex)) errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
      if (!errorCode && p.committedMetadata && Buffer.byteLength(p.committedMetadata) > MAX_METADATA) errorCode = ErrorCode.OFFSET_METADATA_TOO_LARGE
      if (!errorCode) {
        accepted.push({ topic: name, partition: p.partitionIndex, offset: p.committedOffset, metadata: p.committedMetadata ?? null, leaderEpoch: p.committedLeaderEpoch ?? -1 })
      }
      return { partitionIndex: p.partitionIndex, errorCode }
    })
    return { name, partitions }
  })
  if (accepted.length > 0) broker.offsets.commit(body.groupId, accepted)
  return { throttleTimeMs: 0, topics }
}
