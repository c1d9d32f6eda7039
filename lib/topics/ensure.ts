import type { AdminClient } from '../clients/types.js'
import type { Logger } from '../config/types.js'
import { InternalTopicMismatchError } from './errors.js'
import type { RuntimeTopologyMetadata } from './metadata.js'
import { planInternalTopics, type InternalTopicPlan, type PlanOptions } from './plan.js'

/**
 * Makes the cluster ready for a topology: checks source topics and co-partitioning, creates the
 * missing repartition and changelog topics and validates the existing ones. Returns the plan,
 * whose partition counts define the tasks.
 */
export async function ensureInternalTopics(
  admin: AdminClient,
  meta: RuntimeTopologyMetadata,
  opts: PlanOptions & { logger: Logger },
): Promise<InternalTopicPlan> {
  const allTopics = new Set<string>()
  for (const s of meta.subtopologies) for (const t of s.sourceTopics) allTopics.add(t)
  for (const g of meta.globalStores) allTopics.add(g.sourceTopic)
  for (const r of meta.repartitionTopics) allTopics.add(r.name)
  for (const s of meta.subtopologies) for (const st of s.stores) if (st.changelogTopic) allTopics.add(st.changelogTopic)
  const existing = await admin.partitionCounts([...allTopics])

  const plan = planInternalTopics(meta, existing, opts)

  const toCreate = plan.topics.filter(t => !existing.has(t.topic))
  for (const spec of plan.topics) {
    const actual = existing.get(spec.topic)
    if (actual !== undefined && actual !== spec.numPartitions) {
      throw new InternalTopicMismatchError(spec.topic, `has ${actual} partitions where the topology needs ${spec.numPartitions}`)
    }
  }
  if (toCreate.length > 0) {
    opts.logger.info({ topics: toCreate.map(t => `${t.topic} (${t.numPartitions})`) }, 'Creating internal topics')
    await admin.createTopics(toCreate)
  }

  const existingChangelogs = plan.topics.filter(t => existing.has(t.topic) && t.config['cleanup.policy']?.includes('compact'))
  if (existingChangelogs.length > 0) {
    const configs = await admin.topicConfigs(existingChangelogs.map(t => t.topic)).catch(() => new Map<string, Record<string, string>>())
    for (const spec of existingChangelogs) {
      const policy = configs.get(spec.topic)?.['cleanup.policy']
      if (policy !== undefined && !policy.includes('compact')) {
        throw new InternalTopicMismatchError(spec.topic, `has cleanup.policy=${policy}; a changelog must be compacted`)
      }
    }
  }
  return plan
}
