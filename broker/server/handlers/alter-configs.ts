import { ErrorCode } from '../../../protocol/errors.js'
import type { AlterConfigsRequest, AlterConfigsResourceResponse, AlterConfigsResponse } from '../../../protocol/messages/alter-configs.js'
import type { Handler } from '../context.js'
import { validateTopicConfigs } from '../../log/topic-config.js'
import { configRecord } from './topic-configs.js'

const TOPIC = 2

// AlterConfigs replaces a topic's whole set of overrides (unlike IncrementalAlterConfigs).
export const alterConfigs: Handler<AlterConfigsRequest, AlterConfigsResponse> = (body, broker) => {
  const responses = body.resources.map((res): AlterConfigsResourceResponse => {
    const base = { resourceType: res.resourceType, resourceName: res.resourceName }
    if (res.resourceType !== TOPIC) {
      return { ...base, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `only topic configs (resource type ${TOPIC}) can be altered on this broker` }
    }
    if (!broker.logs.hasTopic(res.resourceName)) {
      return { ...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `Topic '${res.resourceName}' does not exist.` }
    }
    const configs = configRecord(res.configs)
    if (body.validateOnly) {
      const problem = validateTopicConfigs(configs)
      return { ...base, errorCode: problem ? ErrorCode.INVALID_CONFIG : 0, errorMessage: problem }
    }
    const code = broker.logs.alterConfigs(res.resourceName, configs)
    return { ...base, errorCode: code, errorMessage: code ? broker.logs.lastError : null }
  })
  return { throttleTimeMs: 0, responses }
}
