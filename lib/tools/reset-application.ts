import type { Kafka } from 'kafkajs'

export interface ResetOptions {
  applicationId: string
  /** Input topics to rewind; by default every non-internal topic with offsets committed by the group. */
  inputTopics?: string[]
  dryRun?: boolean
}

export interface ResetReport {
  deletedTopics: string[]
  resetTopics: string[]
}

export function isInternalTopicOf(applicationId: string, topic: string): boolean {
  return topic.startsWith(`${applicationId}-`) && (topic.endsWith('-changelog') || topic.endsWith('-repartition'))
}

/**
 * Kafka Streams' application reset: deletes the application's internal topics and rewinds the
 * group's committed offsets on its input topics to the earliest offset. The group must be empty
 * (every instance stopped); otherwise the broker refuses and this throws, naming the group.
 */
export async function resetApplication(kafka: Kafka, opts: ResetOptions): Promise<ResetReport> {
  const admin = kafka.admin()
  await admin.connect()
  try {
    const groups = await admin.describeGroups([opts.applicationId])
    const group = groups.groups[0]
    if (group && group.members.length > 0) {
      throw new Error(
        `Consumer group "${opts.applicationId}" still has ${group.members.length} active member(s); stop every instance of the application before resetting`,
      )
    }
    const topics = await admin.listTopics()
    const internal = topics.filter(t => isInternalTopicOf(opts.applicationId, t)).sort()
    let inputs = opts.inputTopics
    if (!inputs) {
      const candidates = topics.filter(t => !internal.includes(t) && !t.startsWith('__'))
      const offsets = candidates.length > 0 ? await admin.fetchOffsets({ groupId: opts.applicationId, topics: candidates }) : []
      inputs = offsets.filter(t => t.partitions.some(p => Number(p.offset) >= 0)).map(t => t.topic)
    }
    const missing = inputs.filter(t => !topics.includes(t))
    if (missing.length > 0) throw new Error(`Input topic(s) not found: ${missing.join(', ')}`)
    if (!opts.dryRun) {
      for (const topic of inputs) await admin.resetOffsets({ groupId: opts.applicationId, topic, earliest: true })
      if (internal.length > 0) await admin.deleteTopics({ topics: internal })
    }
    return { deletedTopics: internal, resetTopics: [...inputs].sort() }
  } finally {
    await admin.disconnect()
  }
}
