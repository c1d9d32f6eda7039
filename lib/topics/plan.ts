import type { TopicSpec } from '../clients/types.js'
import { CopartitioningError, MissingSourceTopicsError } from './errors.js'
import type { RuntimeTopologyMetadata } from './metadata.js'

export interface InternalTopicPlan {
  /** Every internal topic with the partition count and config it must have. */
  topics: TopicSpec[]
  /** Partition count of every source topic (external and internal): tasks come from these. */
  partitionCounts: Map<string, number>
}

export interface PlanOptions {
  replicationFactor: number
}

/**
 * Decides the partition counts of repartition and changelog topics, as Kafka Streams does:
 * a repartition topic gets its fixed count or the largest count among the source topics of the
 * sub-topologies writing to it (iterated to a fixpoint over chains of repartitions); co-partition
 * groups are enforced (external topics must agree; unfixed repartition topics follow them); a
 * changelog gets one partition per task of its sub-topology, with the config the topology gives it
 * (window changelogs carry their retention, additional retention included). Pure: errors name topics and counts.
 */
export function planInternalTopics(
  meta: RuntimeTopologyMetadata,
  existing: ReadonlyMap<string, number>,
  opts: PlanOptions,
): InternalTopicPlan {
  const repartition = new Map(meta.repartitionTopics.map(r => [r.name, r]))
  const counts = new Map<string, number>()

  const external = new Set<string>()
  for (const s of meta.subtopologies) for (const t of s.sourceTopics) if (!repartition.has(t)) external.add(t)
  for (const g of meta.globalStores) external.add(g.sourceTopic)
  const missing = [...external].filter(t => !existing.has(t)).sort()
  if (missing.length > 0) throw new MissingSourceTopicsError(missing)
  for (const t of external) counts.set(t, existing.get(t)!)

  for (const r of meta.repartitionTopics) if (r.partitions !== null) counts.set(r.name, r.partitions)

  // Unfixed repartition topics: largest count among the sources of their writers, to a fixpoint.
  for (let changed = true; changed; ) {
    changed = false
    for (const r of meta.repartitionTopics) {
      if (r.partitions !== null) continue
      let max = counts.get(r.name) ?? 0
      for (const s of meta.subtopologies) {
        if (!s.sinkTopics.includes(r.name)) continue
        for (const src of s.sourceTopics) max = Math.max(max, counts.get(src) ?? 0)
      }
      if (max > 0 && max !== counts.get(r.name)) {
        counts.set(r.name, max)
        changed = true
      }
    }
  }

  // Co-partitioning.
  for (const group of meta.copartitionGroups) {
    const fixed: Record<string, number> = {}
    for (const t of group) {
      const r = repartition.get(t)
      if (!r || r.partitions !== null) fixed[t] = counts.get(t)!
    }
    const distinct = new Set(Object.values(fixed))
    if (distinct.size > 1) throw new CopartitioningError(fixed)
    const target = distinct.size === 1 ? [...distinct][0]! : Math.max(...group.map(t => counts.get(t) ?? 0))
    for (const t of group) if (repartition.has(t) && repartition.get(t)!.partitions === null) counts.set(t, target)
  }

  for (const r of meta.repartitionTopics) {
    if (!counts.get(r.name)) {
      throw new Error(`Cannot determine the partition count of repartition topic "${r.name}": no source topic feeds it`)
    }
  }

  const topics: TopicSpec[] = meta.repartitionTopics.map(r => ({
    topic: r.name,
    numPartitions: counts.get(r.name)!,
    replicationFactor: opts.replicationFactor,
    config: { 'cleanup.policy': 'delete', ...r.config },
  }))

  const changelogConfig = new Map(meta.changelogTopics.map(c => [c.name, c.config]))
  const seen = new Set<string>()
  for (const s of meta.subtopologies) {
    const tasks = Math.max(0, ...s.sourceTopics.map(t => counts.get(t) ?? 0))
    for (const store of s.stores) {
      if (!store.changelogTopic || seen.has(store.changelogTopic)) continue
      seen.add(store.changelogTopic)
      const config: Record<string, string> = { 'cleanup.policy': 'compact', ...(changelogConfig.get(store.changelogTopic) ?? {}), ...store.changelogConfig }
      topics.push({ topic: store.changelogTopic, numPartitions: tasks, replicationFactor: opts.replicationFactor, config })
    }
  }
  return { topics, partitionCounts: counts }
}
