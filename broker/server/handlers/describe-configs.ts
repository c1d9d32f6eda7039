import { ErrorCode } from '../../../protocol/errors.js'
import type { DescribeConfigsRequest, DescribeConfigsResponse, DescribeConfigsResult } from '../../../protocol/messages/describe-configs.js'
import type { BrokerContext, Handler } from '../context.js'
import { ConfigSource, effectiveConfigs } from './topic-configs.js'

const TOPIC = 2
const BROKER = 4

function brokerConfigs(broker: BrokerContext): { name: string; value: string }[] {
  return [
    { name: 'auto.create.topics.enable', value: String(broker.autoCreateTopics) },
    { name: 'default.replication.factor', value: '1' },
    { name: 'min.insync.replicas', value: '1' },
    { name: 'num.partitions', value: String(broker.defaultPartitions) },
    { name: 'offsets.topic.replication.factor', value: '1' },
    { name: 'transaction.state.log.min.isr', value: '1' },
    { name: 'transaction.state.log.replication.factor', value: '1' },
  ]
}

export const describeConfigs: Handler<DescribeConfigsRequest, DescribeConfigsResponse> = (body, broker) => {
  const topics = new Map(broker.logs.topics().map((t) => [t.name, t.configs]))
  const results = body.resources.map((res): DescribeConfigsResult => {
    const base = { resourceType: res.resourceType, resourceName: res.resourceName }
    let entries: { name: string; value: string; source: number }[]
    if (res.resourceType === TOPIC) {
      const overrides = topics.get(res.resourceName)
      if (!overrides) return { ...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `Topic '${res.resourceName}' does not exist.`, configs: [] }
      entries = effectiveConfigs(overrides).map((c) => ({
        name: c.name, value: c.value, source: c.overridden ? ConfigSource.DYNAMIC_TOPIC_CONFIG : ConfigSource.DEFAULT_CONFIG,
      }))
    } else if (res.resourceType === BROKER) {
      entries = brokerConfigs(broker).map((c) => ({ ...c, source: ConfigSource.STATIC_BROKER_CONFIG }))
    } else {
      return { ...base, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `unsupported resource type ${res.resourceType}`, configs: [] }
    }
    const keys = res.configurationKeys
    if (keys) entries = entries.filter((e) => keys.includes(e.name))
    return {
      ...base, errorCode: 0, errorMessage: null,
      configs: entries.map((e) => ({
        name: e.name, value: e.value, readOnly: res.resourceType === BROKER,
        isDefault: e.source === ConfigSource.DEFAULT_CONFIG,
        configSource: e.source, isSensitive: false,
        synonyms: body.includeSynonyms ? [{ name: e.name, value: e.value, source: e.source }] : [],
        configType: 0, documentation: null,
      })),
    }
  })
  return { throttleTimeMs: 0, results }
}
