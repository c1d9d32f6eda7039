// State of one classic consumer group: members, generation, chosen protocol, leader.

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead'

export interface Protocol { name: string; metadata: Buffer }

export interface JoinResponse {
  errorCode: number
  generationId: number
  protocolType: string | null
  protocolName: string | null
  leader: string
  skipAssignment: boolean
  memberId: string
  members: { memberId: string; groupInstanceId: string | null; metadata: Buffer }[]
}

export interface SyncResponse {
  errorCode: number
  protocolType: string | null
  protocolName: string | null
  assignment: Buffer
}

const EMPTY = Buffer.alloc(0)

export class Member {
  assignment: Buffer = EMPTY
  joinWaiter: ((r: JoinResponse) => void) | null = null
  syncWaiter: ((r: SyncResponse) => void) | null = null
  lastSeen: number

  constructor(
    readonly memberId: string,
    public groupInstanceId: string | null,
    readonly clientId: string,
    readonly clientHost: string,
    public sessionTimeoutMs: number,
    public rebalanceTimeoutMs: number,
    public protocols: Protocol[],
    now: number,
  ) {
    this.lastSeen = now
  }

  metadataFor(protocol: string): Buffer {
    return this.protocols.find((p) => p.name === protocol)?.metadata ?? EMPTY
  }

  sameProtocols(protocols: Protocol[]): boolean {
    if (protocols.length !== this.protocols.length) return false
    return protocols.every((p, i) => p.name === this.protocols[i]!.name && p.metadata.equals(this.protocols[i]!.metadata))
  }
}

export class Group {
  state: GroupState = 'Empty'
  generationId = 0
  protocolType: string | null = null
  protocolName: string | null = null
  leaderId: string | null = null
  readonly members = new Map<string, Member>()
  /** Member ids handed out with MEMBER_ID_REQUIRED, not yet joined: id → expiry time. */
  readonly pending = new Map<string, number>()
  rebalanceDeadline = 0
  earliestCompletion = 0

  constructor(readonly groupId: string) {}

  /** A protocol every member supports, chosen by the members' preference votes (as Kafka). */
  selectProtocol(): string {
    const candidates = this.candidateProtocols()
    const votes = new Map<string, number>()
    for (const m of this.members.values()) {
      const pick = m.protocols.find((p) => candidates.has(p.name))
      if (pick) votes.set(pick.name, (votes.get(pick.name) ?? 0) + 1)
    }
    let best = ''
    let bestVotes = -1
    for (const [name, n] of votes) if (n > bestVotes) { best = name; bestVotes = n }
    return best
  }

  candidateProtocols(): Set<string> {
    const members = [...this.members.values()]
    if (members.length === 0) return new Set<string>()
    const names = members[0]!.protocols.map((p) => p.name)
    return new Set(names.filter((name) => members.every((m) => m.protocols.some((p) => p.name === name))))
  }

  /** Whether a joining member's protocols fit this group. */
  supports(protocolType: string, protocols: Protocol[]): boolean {
    if (protocols.length === 0) return false
    if (this.members.size === 0) return true
    if (protocolType !== this.protocolType) return false
    const common = this.candidateProtocols()
    return protocols.some((p) => common.has(p.name))
  }

  allJoined(): boolean {
    if (this.pending.size > 0) return false
    for (const m of this.members.values()) if (!m.joinWaiter) return false
    return true
  }

  maxRebalanceTimeout(): number {
    let max = 0
    for (const m of this.members.values()) max = Math.max(max, m.rebalanceTimeoutMs)
    return max
  }

  joinResponseFor(member: Member): JoinResponse {
    const isLeader = member.memberId === this.leaderId
    const protocol = this.protocolName ?? ''
    return {
      errorCode: 0,
      generationId: this.generationId,
      protocolType: this.protocolType,
      protocolName: this.protocolName,
      leader: this.leaderId ?? '',
      skipAssignment: false,
      memberId: member.memberId,
      members: isLeader
        ? [...this.members.values()].map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: m.metadataFor(protocol) }))
        : [],
    }
  }
}
