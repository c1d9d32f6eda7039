import type { Admin, Kafka } from 'kafkajs'

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

/** Raised by a reset of an application id that has neither a consumer group nor internal topics. */
export class UnknownApplicationError extends Error {
  override readonly name = 'UnknownApplicationError'
  readonly code = 'KSTREAMS_UNKNOWN_APPLICATION'
  constructor(readonly applicationId: string) {
    super(`Unknown application id "${applicationId}": no consumer group and no internal topics of that name (check --application-id)`)
  }
}

async function groupState(admin: Admin, groupId: string): Promise<{ state: string; members: number }> {
  try {
    const group = (await admin.describeGroups([groupId])).groups[0]
    return group ? { state: group.state, members: group.members.length } : { state: 'Dead', members: 0 }
  } catch (err) {
    // Brokers answering DescribeGroups v6+ report an unknown group as an error, older ones as Dead.
    if ((err as { type?: string }).type === 'GROUP_ID_NOT_FOUND') return { state: 'Dead', members: 0 }
    throw err
  }
}

export function isInternalTopicOf(applicationId: string, topic: string): boolean {
  return topic.startsWith(`${applicationId}-`) && (topic.endsWith('-changelog') || topic.endsWith('-repartition'))
}

/**
 * Kafka Streams' application reset: deletes the application's internal topics and rewinds the
 * group's committed offsets on its input topics to the earliest offset. The group must be empty
 * (every instance stopped); otherwise the broker refuses and this throws, naming the group. An id
 * with neither a group nor internal topics (a typo) throws an UnknownApplicationError.
 */
export async function resetApplication(kafka: Kafka, opts: ResetOptions): Promise<ResetReport> {
  const admin = kafka.admin()
  await admin.connect()
  try {
    const group = await groupState(admin, opts.applicationId)
    if (group.members > 0) {
      throw new Error(
        `Consumer group "${opts.applicationId}" still has ${group.members} active member(s); stop every instance of the application before resetting`,
      )
    }
    const topics = await admin.listTopics()
    const internal = topics.filter(t => isInternalTopicOf(opts.applicationId, t)).sort()
    if (group.state === 'Dead' && internal.length === 0) throw new UnknownApplicationError(opts.applicationId)
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
