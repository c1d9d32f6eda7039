import type { GroupAssignor } from '../clients/types.js'
import { computeGroupAssignment } from './group-assignment.js'
import type { SubtopologySources } from './tasks-from-metadata.js'
import { decodeSubscriptionInfo, encodeAssignmentInfo, encodeSubscriptionInfo, type SubscriptionInfo } from './user-data.js'

export const STREAMS_PROTOCOL_NAME = 'stream'

export interface StreamsAssignorOptions {
  /** Sub-topologies with their source topics resolved (patterns expanded). */
  subtopologies: () => readonly SubtopologySources[]
  /** This instance's current subscription user data; read at every join, so it is always fresh. */
  subscription: () => SubscriptionInfo
  numStandbyReplicas: number
}

/**
 * The partition assignor of a kstreams group (Kafka Streams' StreamsPartitionAssignor). Members
 * send their SubscriptionInfo as subscription user data; the leader runs computeGroupAssignment
 * and returns each member's partitions with its AssignmentInfo as user data. Each client adapter
 * carries it in its own protocol form.
 */
export function streamsAssignor(opts: StreamsAssignorOptions): GroupAssignor {
  return {
    name: STREAMS_PROTOCOL_NAME,
    version: 1,
    subscriptionUserData: () => encodeSubscriptionInfo(opts.subscription()),
    assign(members, partitionCounts) {
      const subtopologies = opts.subtopologies()
      const counts = new Map<string, number>()
      for (const topic of new Set(subtopologies.flatMap(s => s.sourceTopics))) {
        const n = partitionCounts.get(topic)
        // a missing topic is reported as missing by computeGroupAssignment
        if (n !== undefined && n > 0) counts.set(topic, n)
      }
      const results = computeGroupAssignment({
        members: members.map(m => ({ memberId: m.memberId, info: decodeSubscriptionInfo(m.userData) })),
        subtopologies,
        partitionCounts: counts,
        numStandbyReplicas: opts.numStandbyReplicas,
      })
      return results.map(r => ({
        memberId: r.memberId,
        partitions: Object.entries(r.partitions).map(([topic, partitions]) => ({ topic, partitions })),
        userData: encodeAssignmentInfo(r.info),
      }))
    },
  }
}
