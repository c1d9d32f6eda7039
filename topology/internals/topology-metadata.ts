import { SessionStoreBuilder } from '../../stores/builders/session-store-builder.js'
import { TimestampedWindowStoreBuilder, WindowStoreBuilder } from '../../stores/builders/window-store-builder.js'
import { changelogTopicName, type StateStore } from '../../stores/state-store.js'
import type { StoreBuilder } from '../../stores/store-builder.js'
import type { InternalTopologyBuilder } from './internal-topology-builder.js'
import type { StoreDef } from './node-defs.js'

export interface TopologyMetadata {
  subtopologies: {
    id: number
    /** full names (repartition topics included) */
    sourceTopics: string[]
    sourcePatterns: RegExp[]
    sinkTopics: string[]
    stores: { name: string; changelogTopic: string | null; changelogConfig: Record<string, string> }[]
  }[]
  repartitionTopics: { name: string; partitions: number | null; config: Record<string, string> }[]
  changelogTopics: { name: string; config: Record<string, string> }[]
  /** topics whose partition counts must match */
  copartitionGroups: string[][]
  /** `subtopologyId` is the group a global-store StreamTask runs (task id `global_<id>`). */
  globalStores: { name: string; sourceTopic: string; subtopologyId: number }[]
  /** Source topics (full names) whose Consumed named an offset reset policy; others use the config's. */
  offsetResetPolicies: Record<string, 'earliest' | 'latest'>
  /** Source patterns whose Consumed named an offset reset policy. */
  patternOffsetResetPolicies: { pattern: RegExp; policy: 'earliest' | 'latest' }[]
}

/** Kafka Streams' RepartitionTopicConfig defaults: records are purged once consumed. */
export const REPARTITION_TOPIC_CONFIG: Readonly<Record<string, string>> = Object.freeze({
  'cleanup.policy': 'delete',
  'segment.bytes': '52428800',
  'retention.ms': '-1',
})

/** Windowed changelogs keep one extra day beyond the store's retention, as Kafka Streams. */
export const WINDOW_CHANGELOG_ADDITIONAL_RETENTION_MS = 86_400_000

/** Java's Long.MAX_VALUE, where Kafka Streams caps a retention that would overflow. */
const LONG_MAX = '9223372036854775807'

/**
 * The retention of a window or session store, from its supplier (Kafka Streams' builders answer
 * `retentionPeriod()` from theirs); a user's own builder may expose `retentionPeriod` itself.
 * Null for every other store.
 */
export function windowedRetentionOf(builder: StoreBuilder<StateStore>): number | null {
  if (builder instanceof WindowStoreBuilder || builder instanceof TimestampedWindowStoreBuilder || builder instanceof SessionStoreBuilder) {
    return builder.supplier.retentionPeriod
  }
  const own = (builder as unknown as { retentionPeriod?: unknown }).retentionPeriod
  return typeof own === 'number' ? own : null
}

/**
 * The changelog's topic config, as Kafka Streams: compacted; window and session stores also
 * delete after their retention plus a day. The store's own log config wins over both.
 */
export function changelogConfigOf(store: StoreDef): Record<string, string> {
  const config: Record<string, string> = { 'cleanup.policy': 'compact' }
  const retention = windowedRetentionOf(store.builder)
  if (retention !== null) {
    const total = retention + WINDOW_CHANGELOG_ADDITIONAL_RETENTION_MS
    config['cleanup.policy'] = 'compact,delete'
    config['retention.ms'] = Number.isSafeInteger(total) ? String(total) : LONG_MAX
  }
  return { ...config, ...store.builder.logConfig }
}

/** Internal topics are prefixed with the application id at run time. */
export function resolveTopic(builder: InternalTopologyBuilder, applicationId: string, topic: string): string {
  return builder.repartitionTopics.has(topic) ? `${applicationId}-${topic}` : topic
}

export function buildMetadata(builder: InternalTopologyBuilder, applicationId: string): TopologyMetadata {
  const resolve = (t: string): string => resolveTopic(builder, applicationId, t)
  const subtopologies: TopologyMetadata['subtopologies'] = []
  const changelogTopics: TopologyMetadata['changelogTopics'] = []
  const globalStores: TopologyMetadata['globalStores'] = []
  for (const group of builder.nodeGroups()) {
    if (group.global) continue
    const sourceTopics: string[] = []
    const sourcePatterns: RegExp[] = []
    const sinkTopics: string[] = []
    const storeNames = new Set<string>()
    for (const name of group.nodes) {
      const def = builder.nodes.get(name)!
      if (def.kind === 'source') {
        if (def.topics) sourceTopics.push(...def.topics.map(resolve))
        if (def.pattern) sourcePatterns.push(def.pattern)
      } else if (def.kind === 'sink') {
        if (def.topic !== null && !sinkTopics.includes(resolve(def.topic))) sinkTopics.push(resolve(def.topic))
      } else {
        for (const s of def.stores) storeNames.add(s)
      }
    }
    const stores = [...storeNames].map((name) => {
      const store = builder.stores.get(name)!
      const logged = store.builder.loggingEnabled && !store.global
      const changelogTopic = logged ? changelogTopicName(applicationId, name) : null
      const changelogConfig = logged ? changelogConfigOf(store) : {}
      if (changelogTopic) changelogTopics.push({ name: changelogTopic, config: changelogConfig })
      return { name, changelogTopic, changelogConfig }
    })
    subtopologies.push({ id: group.id, sourceTopics, sourcePatterns, sinkTopics, stores })
  }
  const groups = builder.nodeGroups()
  for (const [name, g] of builder.globalStores) {
    const subtopologyId = groups.find((group) => group.nodes.includes(g.sourceName))!.id
    globalStores.push({ name, sourceTopic: g.topic, subtopologyId })
  }
  const repartitionTopics = [...builder.repartitionTopics.values()].map((t) => ({
    name: resolve(t.name),
    partitions: t.partitions,
    config: { ...REPARTITION_TOPIC_CONFIG },
  }))
  const copartitionGroups = builder.copartitionGroups.map((sources) => {
    const topics: string[] = []
    for (const s of sources) {
      const def = builder.nodes.get(s)
      if (def?.kind === 'source' && def.topics) for (const t of def.topics) topics.push(resolve(t))
    }
    return topics
  })
  const offsetResetPolicies: Record<string, 'earliest' | 'latest'> = {}
  const patternOffsetResetPolicies: TopologyMetadata['patternOffsetResetPolicies'] = []
  for (const def of builder.nodes.values()) {
    if (def.kind !== 'source' || def.offsetReset === null) continue
    if (def.topics) for (const t of def.topics) offsetResetPolicies[resolve(t)] = def.offsetReset
    if (def.pattern) patternOffsetResetPolicies.push({ pattern: def.pattern, policy: def.offsetReset })
  }
  return { subtopologies, repartitionTopics, changelogTopics, copartitionGroups, globalStores, offsetResetPolicies, patternOffsetResetPolicies }
}
