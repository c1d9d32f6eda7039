import { assignTasks, type ClientState } from './assign-tasks.js'
import { tasksFromMetadata, type SubtopologySources } from './tasks-from-metadata.js'
import type { AssignmentInfo, HostTasks, SubscriptionInfo } from './user-data.js'

export interface GroupMemberSubscription {
  memberId: string
  /** Decoded user data, or null for a member that sent none (e.g. another client type). */
  info: SubscriptionInfo | null
}

export interface MemberResult {
  memberId: string
  /** topic → partitions, what the consumer fetches (active tasks only). */
  partitions: Record<string, number[]>
  info: AssignmentInfo
}

export interface GroupAssignmentInput {
  members: readonly GroupMemberSubscription[]
  subtopologies: readonly SubtopologySources[]
  /** Partition counts of every source topic known to the cluster metadata. */
  partitionCounts: ReadonlyMap<string, number>
  numStandbyReplicas: number
}

/**
 * The leader's whole decision for one rebalance: tasks to processes (see assignTasks), each
 * process's tasks spread over its members, topic partitions per member, and the host map. A
 * missing source topic assigns nothing and tells every member why, so the whole group stops
 * with the same clear error (as Kafka Streams' INCOMPLETE_SOURCE_TOPIC_METADATA).
 */
export function computeGroupAssignment(input: GroupAssignmentInput): MemberResult[] {
  const missing = input.subtopologies.flatMap(s => s.sourceTopics).filter(t => !input.partitionCounts.has(t))
  if (missing.length > 0) {
    const error = `Missing source topic(s): ${[...new Set(missing)].sort().join(', ')}. Create them before starting the application.`
    return input.members.map(m => ({
      memberId: m.memberId,
      partitions: {},
      info: { version: 1, active: [], standby: [], hostMap: {}, error },
    }))
  }

  const tasks = tasksFromMetadata(input.subtopologies, input.partitionCounts)

  // Members of one process (same processId) form one client; a member without user data is its own.
  const membersByProcess = new Map<string, string[]>()
  const clientOf = new Map<string, ClientState & { host: string | null }>()
  for (const m of [...input.members].sort((a, b) => (a.memberId < b.memberId ? -1 : 1))) {
    const processId = m.info?.processId ?? `member:${m.memberId}`
    if (!membersByProcess.has(processId)) membersByProcess.set(processId, [])
    membersByProcess.get(processId)!.push(m.memberId)
    const prev = clientOf.get(processId)
    clientOf.set(processId, {
      processId,
      host: m.info?.host ?? prev?.host ?? null,
      prevActive: [...(prev?.prevActive ?? []), ...(m.info?.prevActive ?? [])].filter(t => tasks.has(t)),
      prevStandby: [...(prev?.prevStandby ?? []), ...(m.info?.prevStandby ?? [])].filter(t => tasks.has(t)),
      taskOffsets: { ...(prev?.taskOffsets ?? {}), ...(m.info?.taskOffsets ?? {}) },
    })
  }

  const byProcess = assignTasks([...tasks.keys()], [...clientOf.values()], input.numStandbyReplicas)

  const hostMap: Record<string, HostTasks> = {}
  for (const [processId, a] of byProcess) {
    const host = clientOf.get(processId)!.host
    if (host) hostMap[host] = { active: [...a.active], standby: [...a.standby] }
  }

  const results: MemberResult[] = []
  for (const [processId, a] of byProcess) {
    const members = membersByProcess.get(processId)!
    const perMember = members.map(memberId => ({
      memberId,
      partitions: {} as Record<string, number[]>,
      info: { version: 1, active: [] as string[], standby: [] as string[], hostMap, error: null } satisfies AssignmentInfo,
    }))
    a.active.forEach((taskId, i) => {
      const target = perMember[i % perMember.length]!
      target.info.active.push(taskId)
      for (const tp of tasks.get(taskId)!) (target.partitions[tp.topic] ??= []).push(tp.partition)
    })
    a.standby.forEach((taskId, i) => perMember[i % perMember.length]!.info.standby.push(taskId))
    results.push(...perMember)
  }
  return results
}
