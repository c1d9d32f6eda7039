import { AssignerProtocol, type PartitionAssigner } from 'kafkajs'
import type { GroupAssignor } from '../types.js'

/**
 * A client-independent GroupAssignor in kafkajs's form: its subscription and assignment user
 * data travel in kafkajs's consumer-protocol encoding, and the leader reads partition counts from
 * kafkajs's cluster metadata.
 */
export function kafkajsAssigner(assignor: GroupAssignor): PartitionAssigner {
  return ({ cluster }) => ({
    name: assignor.name,
    version: assignor.version,
    async assign({ members, topics }) {
      const partitionCounts = new Map<string, number>()
      for (const topic of topics) {
        try {
          const meta = cluster.findTopicPartitionMetadata(topic)
          if (meta.length > 0) partitionCounts.set(topic, meta.length)
        } catch {
          // unknown topic: absent from the counts, so the assignor reports it missing
        }
      }
      const subscriptions = members.map(m => {
        const meta = AssignerProtocol.MemberMetadata.decode(m.memberMetadata)
        return { memberId: m.memberId, topics: meta?.topics ?? [], userData: meta?.userData ?? null }
      })
      return assignor.assign(subscriptions, partitionCounts).map(a => ({
        memberId: a.memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: assignor.version,
          assignment: Object.fromEntries(a.partitions.map(p => [p.topic, p.partitions])),
          userData: a.userData ?? Buffer.alloc(0),
        }),
      }))
    },
    protocol({ topics }) {
      return {
        name: assignor.name,
        metadata: AssignerProtocol.MemberMetadata.encode({
          version: assignor.version,
          topics,
          userData: assignor.subscriptionUserData(topics) ?? Buffer.alloc(0),
        }),
      }
    },
  })
}
