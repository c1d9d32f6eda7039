import { ErrorCode } from '../../../protocol/errors.js'
import type { PartitionProduceResponse, ProduceRequest, ProduceResponse, TopicProduceResponse } from '../../../protocol/messages/produce.js'
import type { Handler } from '../context.js'

// Batches go to the log as received; the log validates them (CRC, idempotence, transactions).
export const produce: Handler<ProduceRequest, ProduceResponse> = (body, broker) => {
  const acks = body.acks
  const ackError = acks === 0 || acks === 1 || acks === -1 ? 0 : ErrorCode.INVALID_REQUIRED_ACKS
  const now = Date.now()
  const responses: TopicProduceResponse[] = []
  for (const topic of body.topicData) {
    // v13+ names the topic by id (KIP-516); an id no topic has is UNKNOWN_TOPIC_ID.
    const name = topic.topicId !== undefined && !topic.name ? broker.logs.topicName(topic.topicId) : topic.name ?? ''
    const unknown = name === undefined ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
    const partitionResponses: PartitionProduceResponse[] = []
    for (const p of topic.partitionData) {
      const log = ackError || name === undefined ? undefined : broker.logs.partition(name, p.index)
      if (!log) {
        partitionResponses.push(failed(p.index, ackError || unknown, null))
        continue
      }
      const records = p.records
      if (!records || records.length === 0) {
        partitionResponses.push(failed(p.index, ErrorCode.CORRUPT_MESSAGE, 'produce request has no records'))
        continue
      }
      const r = log.append(records, now)
      if (r.errorCode) {
        partitionResponses.push({ ...failed(p.index, r.errorCode, r.errorMessage ?? null), logStartOffset: r.logStartOffset })
      } else {
        partitionResponses.push({
          index: p.index, errorCode: 0, baseOffset: r.baseOffset, logAppendTimeMs: r.logAppendTime,
          logStartOffset: r.logStartOffset, recordErrors: [], errorMessage: null,
        })
      }
    }
    responses.push({ name: name ?? '', topicId: topic.topicId, partitionResponses })
  }
  if (acks === 0) return null
  return { responses, throttleTimeMs: 0 }
}

function failed(index: number, errorCode: number, errorMessage: string | null): PartitionProduceResponse {
  return { index, errorCode, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1, recordErrors: [], errorMessage }
}
