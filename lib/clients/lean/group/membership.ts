import type { GroupAssignor, GroupMemberSubscription } from '../../types.js'
import type { Cluster } from '../cluster/cluster.js'
import { KafkaResponseError } from '../errors.js'
import { Api } from '../net/apis.js'
import { decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription } from './consumer-protocol.js'

const MEMBER_ID_REQUIRED = 79
const PROTOCOL_TYPE = 'consumer'

export interface MembershipOptions {
  groupId: string
  assignor: GroupAssignor
  sessionTimeoutMs: number
  rebalanceTimeoutMs: number
}

/** What a completed join and sync gave this member. */
export interface Generation {
  generationId: number
  memberId: string
  partitions: { topic: string; partition: number }[]
  userData: Buffer | null
}

/**
 * The classic group protocol's requests for one member: JoinGroup (with KIP-394's member id
 * round trip), the leader's assignment through the GroupAssignor, SyncGroup, Heartbeat and
 * LeaveGroup. Errors keep their Kafka codes (REBALANCE_IN_PROGRESS, UNKNOWN_MEMBER_ID,
 * ILLEGAL_GENERATION: the runtime's rebalance kind).
 */
export class Membership {
  memberId = ''
  generationId = -1

  constructor(private readonly cluster: Cluster, private readonly opts: MembershipOptions) {}

  private get groupId(): string {
    return this.opts.groupId
  }

  /** Joins and syncs; the caller retries on a thrown retriable or rebalance error. */
  async join(topics: readonly string[]): Promise<Generation> {
    const { assignor } = this.opts
    const metadata = encodeSubscription(topics, assignor.subscriptionUserData(topics))
    const joined = await this.cluster.withCoordinator('group', this.groupId, async conn => {
      for (let attempt = 0; ; attempt++) {
        let version = 0
        const res = await conn.request(Api.JoinGroup, v => {
          version = v
          return {
            groupId: this.groupId,
            sessionTimeoutMs: this.opts.sessionTimeoutMs,
            rebalanceTimeoutMs: this.opts.rebalanceTimeoutMs,
            memberId: this.memberId,
            ...(v >= 5 ? { groupInstanceId: null } : {}),
            protocolType: PROTOCOL_TYPE,
            protocols: [{ name: assignor.name, metadata }],
          }
        }, { timeoutMs: this.opts.rebalanceTimeoutMs + 5000 })
        if (res.errorCode === MEMBER_ID_REQUIRED && attempt === 0) {
          this.memberId = res.memberId
          continue
        }
        if (res.errorCode !== 0) {
          if (res.errorCode === 25) this.memberId = '' // UNKNOWN_MEMBER_ID: join afresh
          throw new KafkaResponseError(res.errorCode, conn.address, `JoinGroup v${version}`, `group ${this.groupId}`)
        }
        this.memberId = res.memberId
        this.generationId = res.generationId
        return { res, version }
      }
    })
    const { res } = joined
    const assignments = res.leader === res.memberId ? await this.assign(res.members) : []
    const synced = await this.cluster.withCoordinator('group', this.groupId, async conn => {
      let version = 0
      const sync = await conn.request(Api.SyncGroup, v => {
        version = v
        return {
          groupId: this.groupId,
          generationId: this.generationId,
          memberId: this.memberId,
          ...(v >= 3 ? { groupInstanceId: null } : {}),
          ...(v >= 5 ? { protocolType: PROTOCOL_TYPE, protocolName: assignor.name } : {}),
          assignments,
        }
      }, { timeoutMs: this.opts.rebalanceTimeoutMs + 5000 })
      if (sync.errorCode !== 0) {
        if (sync.errorCode === 25) this.memberId = ''
        throw new KafkaResponseError(sync.errorCode, conn.address, `SyncGroup v${version}`, `group ${this.groupId}`)
      }
      return sync
    }, { retries: 0 })
    const assignment = decodeAssignment(synced.assignment)
    const partitions: Generation['partitions'] = []
    for (const t of assignment.assignedPartitions) for (const p of t.partitions) partitions.push({ topic: t.topic, partition: p })
    return { generationId: this.generationId, memberId: this.memberId, partitions, userData: assignment.userData }
  }

  /** The leader's part: every member's subscription, the partition counts of their topics, the assignor's plan. */
  private async assign(members: readonly { memberId: string; metadata: Buffer }[]) {
    const subs: GroupMemberSubscription[] = members.map(m => {
      const s = decodeSubscription(m.metadata)
      return { memberId: m.memberId, topics: s.topics, userData: s.userData }
    })
    const topics = [...new Set(subs.flatMap(s => s.topics))]
    const counts = new Map<string, number>()
    for (const [name, info] of await this.cluster.metadata(topics, true)) counts.set(name, info.partitions.length)
    const plan = this.opts.assignor.assign(subs, counts)
    return plan.map(a => ({ memberId: a.memberId, assignment: encodeAssignment(a.partitions, a.userData) }))
  }

  /** One heartbeat; throws the coordinator's error (REBALANCE_IN_PROGRESS and the like) with its code. */
  async heartbeat(): Promise<void> {
    const conn = await this.cluster.coordinator('group', this.groupId)
    let version = 0
    const res = await conn.request(Api.Heartbeat, v => {
      version = v
      return { groupId: this.groupId, generationId: this.generationId, memberId: this.memberId, ...(v >= 3 ? { groupInstanceId: null } : {}) }
    })
    if (res.errorCode !== 0) throw new KafkaResponseError(res.errorCode, conn.address, `Heartbeat v${version}`, `group ${this.groupId}, member ${this.memberId}`)
  }

  /** LeaveGroup, best effort: the session timeout expels the member otherwise. */
  async leave(): Promise<void> {
    if (this.memberId === '') return
    const memberId = this.memberId
    this.memberId = ''
    this.generationId = -1
    const conn = await this.cluster.coordinator('group', this.groupId)
    await conn.request(Api.LeaveGroup, v => v >= 3
      ? { groupId: this.groupId, members: [{ memberId, groupInstanceId: null, ...(v >= 5 ? { reason: 'the consumer is closing' } : {}) }] }
      : { groupId: this.groupId, memberId }, { timeoutMs: 5000 })
  }
}
