import { AssignerProtocol, type PartitionAssigner } from 'kafkajs'
import { computeGroupAssignment } from './group-assignment.js'
import type { SubtopologySources } from './tasks-from-metadata.js'
import { decodeSubscriptionInfo, encodeAssignmentInfo, encodeSubscriptionInfo, type SubscriptionInfo } from './user-data.js'

export const STREAMS_PROTOCOL_NAME = 'stream'

export interface StreamsAssignerOptions {
  /** Sub-topologies with their source topics resolved (patterns expanded). */
  subtopologies: () => readonly SubtopologySources[]
  /** This instance's current subscription user data; read at every join, so it is always fresh. */
  subscription: () => SubscriptionInfo
  numStandbyReplicas: number
}

/**
 * The kafkajs partition assigner of a kstreams group. Members send their SubscriptionInfo in the
 * protocol metadata; the leader runs computeGroupAssignment and returns each member's partitions
 * with its AssignmentInfo as user data.
 */
export function streamsPartitionAssigner(opts: StreamsAssignerOptions): PartitionAssigner {
  return ({ cluster }) => ({
    name: STREAMS_PROTOCOL_NAME,
    version: 1,
    async assign({ members }) {
      const subtopologies = opts.subtopologies()
      const partitionCounts = new Map<string, number>()
      for (const topic of new Set(subtopologies.flatMap(s => s.sourceTopics))) {
        try {
          const meta = cluster.findTopicPartitionMetadata(topic)
          if (meta.length > 0) partitionCounts.set(topic, meta.length)
        } catch {
          // unknown topic: reported as missing by computeGroupAssignment
        }
      }
      const results = computeGroupAssignment({
        members: members.map(m => {
          const meta = AssignerProtocol.MemberMetadata.decode(m.memberMetadata)
          return { memberId: m.memberId, info: decodeSubscriptionInfo(meta?.userData) }
        }),
        subtopologies,
        partitionCounts,
        numStandbyReplicas: opts.numStandbyReplicas,
      })
      return results.map(r => ({
        memberId: r.memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: 1,
          assignment: r.partitions,
          userData: encodeAssignmentInfo(r.info),
        }),
      }))
    },
    protocol({ topics }) {
      return {
        name: STREAMS_PROTOCOL_NAME,
        metadata: AssignerProtocol.MemberMetadata.encode({
          version: 1,
          topics,
          userData: encodeSubscriptionInfo(opts.subscription()),
        }),
      }
    },
  })
}
