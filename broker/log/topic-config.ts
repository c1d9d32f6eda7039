/** Topic configuration: Kafka's topic-level names, their defaults, validation, and the parsed view the log uses. */

/** Kafka's broker defaults for topic configs (as DescribeConfigs reports them). */
export const TOPIC_CONFIG_DEFAULTS: Readonly<Record<string, string>> = {
  'cleanup.policy': 'delete',
  'compression.type': 'producer',
  'compression.gzip.level': '-1',
  'compression.zstd.level': '3',
  'delete.retention.ms': '86400000',
  'file.delete.delay.ms': '60000',
  'flush.messages': '9223372036854775807',
  'flush.ms': '9223372036854775807',
  'index.interval.bytes': '4096',
  'local.retention.bytes': '-2',
  'local.retention.ms': '-2',
  'max.compaction.lag.ms': '9223372036854775807',
  'max.message.bytes': '1048588',
  'message.downconversion.enable': 'true',
  'message.format.version': '3.0-IV1',
  'message.timestamp.after.max.ms': '9223372036854775807',
  'message.timestamp.before.max.ms': '9223372036854775807',
  'message.timestamp.difference.max.ms': '9223372036854775807',
  'message.timestamp.type': 'CreateTime',
  'min.cleanable.dirty.ratio': '0.5',
  'min.compaction.lag.ms': '0',
  'min.insync.replicas': '1',
  'preallocate': 'false',
  'remote.storage.enable': 'false',
  'remote.log.copy.disable': 'false',
  'remote.log.delete.on.disable': 'false',
  'retention.bytes': '-1',
  'retention.ms': '604800000',
  'segment.bytes': '1073741824',
  'segment.index.bytes': '10485760',
  'segment.jitter.ms': '0',
  'segment.ms': '604800000',
  'unclean.leader.election.enable': 'false',
}

export interface TopicSettings {
  compact: boolean
  delete: boolean
  retentionMs: number // -1 = unlimited
  retentionBytes: number // -1 = unlimited
  deleteRetentionMs: number
  minCompactionLagMs: number
  minCleanableDirtyRatio: number
  maxMessageBytes: number
  logAppendTime: boolean
  segmentBytes: number
  segmentMs: number
}

const LONG = /^-?\d+$/

/** Checks override values; returns a message naming the bad config, or null when all are valid. */
export function validateTopicConfigs(configs: Record<string, string | null>): string | null {
  for (const [name, value] of Object.entries(configs)) {
    if (!(name in TOPIC_CONFIG_DEFAULTS)) return `unknown topic config name: ${name}`
    if (value === null || value === undefined) continue
    switch (name) {
      case 'cleanup.policy': {
        const parts = value.split(',').map((s) => s.trim())
        if (value.trim() === '' || parts.some((p) => p !== 'delete' && p !== 'compact')) {
          return `invalid value ${JSON.stringify(value)} for cleanup.policy: expected delete, compact or compact,delete`
        }
        break
      }
      case 'message.timestamp.type':
        if (value !== 'CreateTime' && value !== 'LogAppendTime') {
          return `invalid value ${JSON.stringify(value)} for message.timestamp.type: expected CreateTime or LogAppendTime`
        }
        break
      case 'min.cleanable.dirty.ratio': {
        const n = Number(value)
        if (value.trim() === '' || !(n >= 0 && n <= 1)) return `invalid value ${JSON.stringify(value)} for min.cleanable.dirty.ratio: expected a number in [0, 1]`
        break
      }
      case 'retention.ms': case 'retention.bytes': case 'local.retention.ms': case 'local.retention.bytes':
        if (!LONG.test(value) || Number(value) < -2) return `invalid value ${JSON.stringify(value)} for ${name}: expected an integer >= -1`
        break
      case 'delete.retention.ms': case 'min.compaction.lag.ms': case 'max.compaction.lag.ms': case 'segment.ms':
      case 'segment.jitter.ms': case 'file.delete.delay.ms': case 'flush.ms': case 'flush.messages':
      case 'message.timestamp.difference.max.ms': case 'message.timestamp.before.max.ms': case 'message.timestamp.after.max.ms':
        if (!LONG.test(value) || Number(value) < 0) return `invalid value ${JSON.stringify(value)} for ${name}: expected an integer >= 0`
        break
      case 'max.message.bytes': case 'segment.bytes': case 'segment.index.bytes': case 'index.interval.bytes': case 'min.insync.replicas':
        if (!LONG.test(value) || Number(value) < 0) return `invalid value ${JSON.stringify(value)} for ${name}: expected an integer >= 0`
        break
      default:
        break
    }
  }
  return null
}

/** The settings the log acts on, from the topic's overrides over Kafka's defaults. */
export function topicSettings(overrides: Record<string, string>): TopicSettings {
  const get = (name: string): string => overrides[name] ?? TOPIC_CONFIG_DEFAULTS[name]
  const policy = get('cleanup.policy').split(',').map((s) => s.trim())
  return {
    compact: policy.includes('compact'),
    delete: policy.includes('delete'),
    retentionMs: Number(get('retention.ms')),
    retentionBytes: Number(get('retention.bytes')),
    deleteRetentionMs: Number(get('delete.retention.ms')),
    minCompactionLagMs: Number(get('min.compaction.lag.ms')),
    minCleanableDirtyRatio: Number(get('min.cleanable.dirty.ratio')),
    maxMessageBytes: Number(get('max.message.bytes')),
    logAppendTime: get('message.timestamp.type') === 'LogAppendTime',
    segmentBytes: Number(get('segment.bytes')),
    segmentMs: Number(get('segment.ms')),
  }
}

const TOPIC_NAME = /^[a-zA-Z0-9._-]+$/

/** Kafka's topic name rules; returns a message naming the fault, or null. */
export function validateTopicName(name: string): string | null {
  if (typeof name !== 'string' || name.length === 0) return 'topic name is empty'
  if (name === '.' || name === '..') return `topic name ${JSON.stringify(name)} is not allowed`
  if (name.length > 249) return `topic name ${name.slice(0, 40)}… is longer than 249 characters`
  if (!TOPIC_NAME.test(name)) return `topic name ${JSON.stringify(name)} has characters other than ASCII alphanumerics, '.', '_' and '-'`
  return null
}
