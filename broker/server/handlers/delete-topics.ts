import { ErrorCode } from '../../../protocol/errors.js'
import type { DeletableTopicResult, DeleteTopicsRequest, DeleteTopicsResponse } from '../../../protocol/messages/delete-topics.js'
import type { Handler } from '../context.js'

// Committed offsets of a deleted topic go with it, as in Kafka.
export const deleteTopics: Handler<DeleteTopicsRequest, DeleteTopicsResponse> = (body, broker, { header }) => {
  const requested: { name: string | null; id?: Buffer }[] = header.apiVersion >= 6
    ? (body.topics ?? []).map((t) => ({ name: t.name, id: t.topicId }))
    : (body.topicNames ?? []).map((name) => ({ name }))
  const responses = requested.map(({ name, id }): DeletableTopicResult => {
    let resolved = name
    if (resolved === null && id) resolved = broker.logs.topicName(id) ?? null
    if (resolved === null) {
      return { name: null, topicId: id, errorCode: ErrorCode.UNKNOWN_TOPIC_ID, errorMessage: 'no topic has this id' }
    }
    const deletedId = broker.logs.topicId(resolved)
    const code = broker.logs.deleteTopic(resolved)
    if (code === 0) broker.offsets.deleteTopic(resolved)
    return { name: resolved, topicId: deletedId, errorCode: code, errorMessage: code ? broker.logs.lastError : null }
  })
  return { throttleTimeMs: 0, responses }
}
