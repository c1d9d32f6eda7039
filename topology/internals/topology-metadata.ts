import { changelogTopicName } from '../../stores/state-store.js'
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
const WINDOW_CHANGELOG_ADDITIONAL_RETENTION_MS = 86_400_000

export function changelogConfigOf(store: StoreDef): Record<string, string> {
  const builder = store.builder as unknown as { retentionPeriod?: unknown; logConfig: Record<string, string> }
  const config: Record<string, string> = { 'cleanup.policy': 'compact' }
  if (typeof builder.retentionPeriod === 'number') {
    config['cleanup.policy'] = 'compact,delete'
    config['retention.ms'] = String(builder.retentionPeriod + WINDOW_CHANGELOG_ADDITIONAL_RETENTION_MS)
  }
  return { ...config, ...builder.logConfig }
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
