import { ErrorCode } from '../../../protocol/errors.js'
import type { CreatePartitionsRequest, CreatePartitionsResponse, CreatePartitionsTopicResult } from '../../../protocol/messages/create-partitions.js'
import type { Handler } from '../context.js'

export const createPartitions: Handler<CreatePartitionsRequest, CreatePartitionsResponse> = (body, broker) => {
  const current = new Map(broker.logs.topics().map((t) => [t.name, t.partitions]))
  const results = body.topics.map((t): CreatePartitionsTopicResult => {
    const have = current.get(t.name)
    if (have === undefined) return { name: t.name, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `Topic '${t.name}' does not exist.` }
    if (!(t.count > have)) {
      return { name: t.name, errorCode: ErrorCode.INVALID_PARTITIONS, errorMessage: `Topic currently has ${have} partitions, which is higher than or equal to the requested ${t.count}.` }
    }
    if (body.validateOnly) return { name: t.name, errorCode: 0, errorMessage: null }
    const code = broker.logs.addPartitions(t.name, t.count)
    return { name: t.name, errorCode: code, errorMessage: code ? broker.logs.lastError : null }
  })
  return { throttleTimeMs: 0, results }
}
