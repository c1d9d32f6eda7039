import { ErrorCode } from '../../../protocol/errors.js'
import type { CreatableTopicResult, CreateTopicsRequest, CreateTopicsResponse } from '../../../protocol/messages/create-topics.js'
import type { Handler } from '../context.js'
import { validateTopicConfigs, validateTopicName } from '../../log/topic-config.js'
import { ConfigSource, configRecord, effectiveConfigs } from './topic-configs.js'

export const createTopics: Handler<CreateTopicsRequest, CreateTopicsResponse> = (body, broker) => {
  const seen = new Map<string, number>()
  for (const t of body.topics) seen.set(t.name, (seen.get(t.name) ?? 0) + 1)
  const topics = body.topics.map((t): CreatableTopicResult => {
    const name = t.name
    const fail = (errorCode: number, errorMessage: string): CreatableTopicResult => ({
      name, topicId: undefined, errorCode, errorMessage, numPartitions: -1, replicationFactor: -1, configs: [],
    })
    if (seen.get(name)! > 1) return fail(ErrorCode.INVALID_REQUEST, `topic ${name} appears more than once in the request`)
    const assignments = t.assignments ?? []
    let partitions = t.numPartitions
    if (partitions === -1) partitions = assignments.length > 0 ? assignments.length : broker.defaultPartitions
    const rf = t.replicationFactor
    if (rf !== -1 && rf !== 1) {
      return fail(ErrorCode.INVALID_REPLICATION_FACTOR, `Replication factor: ${rf} larger than available brokers: 1.`)
    }
    const configs = configRecord(t.configs)
    if (body.validateOnly) {
      const problem = validateTopicName(name)
      if (problem) return fail(ErrorCode.INVALID_TOPIC_EXCEPTION, problem)
      if (broker.logs.hasTopic(name)) return fail(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${name}' already exists.`)
      if (!Number.isInteger(partitions) || partitions < 1) return fail(ErrorCode.INVALID_PARTITIONS, `Number of partitions must be larger than 0.`)
      const configProblem = validateTopicConfigs(configs)
      if (configProblem) return fail(ErrorCode.INVALID_CONFIG, configProblem)
    } else {
      const code = broker.logs.createTopic(name, partitions, configs)
      if (code !== 0) return fail(code, broker.logs.lastError ?? `cannot create topic ${name}`)
    }
    return {
      name, topicId: broker.logs.topicId(name), errorCode: 0, errorMessage: null,
      numPartitions: partitions, replicationFactor: 1,
      configs: effectiveConfigs(configs).map((c) => ({
        name: c.name, value: c.value, readOnly: false, isSensitive: false,
        configSource: c.overridden ? ConfigSource.DYNAMIC_TOPIC_CONFIG : ConfigSource.DEFAULT_CONFIG,
      })),
    }
  })
  return { throttleTimeMs: 0, topics }
}
