import type { SubtopologySources } from '../assignment/tasks-from-metadata.js'
import type { AdminClient } from '../clients/types.js'
import type { ResolvedStreamsConfig } from '../config/types.js'
import { GlobalStores } from '../tasks/global-stores.js'
import type { TaskFactoryDeps } from '../tasks/task-factory.js'
import { ensureInternalTopics } from '../topics/ensure.js'
import type { RuntimeTopologyMetadata } from '../topics/metadata.js'
import type { Topology } from '../../topology/topology.js'

/** The source topics of each sub-topology, with its source patterns matched against the cluster's topics. */
export async function resolveSources(admin: AdminClient, meta: RuntimeTopologyMetadata): Promise<SubtopologySources[]> {
  const needsPatterns = meta.subtopologies.some(s => s.sourcePatterns.length > 0)
  const all = needsPatterns ? await admin.listTopics() : []
  return meta.subtopologies.map(s => {
    const topics = new Set(s.sourceTopics)
    for (const p of s.sourcePatterns) {
      for (const t of all) {
        const m = new RegExp(p.source, p.flags.replace(/[gy]/g, '')).exec(t)
        if (m && m.index === 0 && m[0].length === t.length) topics.add(t)
      }
    }
    return { id: s.id, sourceTopics: [...topics] }
  })
}

/**
 * Checks the source topics (existence, co-partitioning), creates the internal topics and returns
 * the partition counts of sources, internal topics and sinks (stream partitioners need them).
 */
export async function prepareTopics(
  admin: AdminClient,
  meta: RuntimeTopologyMetadata,
  subtopologies: SubtopologySources[],
  config: ResolvedStreamsConfig,
): Promise<Map<string, number>> {
  const plan = await ensureInternalTopics(admin, { ...meta, subtopologies: meta.subtopologies.map((s, i) => ({ ...s, sourceTopics: subtopologies[i]!.sourceTopics })) }, {
    replicationFactor: config.replicationFactor,
    logger: config.logger,
  })
  const partitionCounts = new Map(plan.partitionCounts)
  const sinks = [...new Set(meta.subtopologies.flatMap(s => s.sinkTopics))].filter(t => !partitionCounts.has(t))
  for (const [t, n] of await admin.partitionCounts(sinks)) partitionCounts.set(t, n)
  return partitionCounts
}

/**
 * Global tables: read every partition of their topics to the end before any task starts, so the
 * first stream records already join against the table (Kafka Streams' global bootstrap). Adds the
 * global topics to `partitionCounts`; `onCreated` gets the stores before the bootstrap reads, so
 * a close meanwhile releases them.
 */
export async function bootstrapGlobalStores(
  deps: TaskFactoryDeps,
  meta: RuntimeTopologyMetadata,
  admin: AdminClient,
  partitionCounts: Map<string, number>,
  onCreated: (globals: GlobalStores) => void,
  aborted: () => boolean,
): Promise<GlobalStores | null> {
  const ids = [...new Set(meta.globalStores.map(g => g.subtopologyId))]
  if (ids.length === 0) return null
  const topics = [...new Set(meta.globalStores.map(g => g.sourceTopic))]
  const counts = await admin.partitionCounts(topics)
  const missing = topics.filter(t => !counts.has(t))
  if (missing.length > 0) throw new Error(`Source topics of global tables do not exist: ${missing.join(', ')}`)
  for (const [t, n] of counts) partitionCounts.set(t, n)
  const globals = new GlobalStores(deps, ids)
  onCreated(globals)
  await globals.bootstrap(t => counts.get(t), aborted)
  return globals
}

/** The reset policy a source of the topology set for `topic` (Consumed.withOffsetResetPolicy). */
export function offsetResetFor(topology: Topology, applicationId: string, topic: string): 'earliest' | 'latest' | null {
  for (const def of topology.builder.nodes.values()) {
    if (def.kind !== 'source' || !def.offsetReset) continue
    if (def.topics?.some(t => t === topic || `${applicationId}-${t}` === topic)) return def.offsetReset
    if (def.pattern && new RegExp(`^(?:${def.pattern.source})$`, def.pattern.flags.replace(/[gy]/g, '')).test(topic)) return def.offsetReset
  }
  return null
}
