import { ErrorCode } from '../../../protocol/errors.js'
import type { DeleteRecordsRequest, DeleteRecordsResponse } from '../../../protocol/messages/delete-records.js'
import type { Handler } from '../context.js'

export const deleteRecords: Handler<DeleteRecordsRequest, DeleteRecordsResponse> = (body, broker) => {
  const topics = body.topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p) => {
      const log = broker.logs.partition(t.name, p.partitionIndex)
      if (!log) return { partitionIndex: p.partitionIndex, lowWatermark: -1, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }
      const r = log.deleteRecordsBefore(p.offset)
      return { partitionIndex: p.partitionIndex, lowWatermark: r.lowWatermark, errorCode: r.errorCode }
    }),
  }))
  return { throttleTimeMs: 0, topics }
}
