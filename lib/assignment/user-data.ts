/**
 * Subscription and assignment user data, carried in the consumer protocol's userData bytes. JSON
 * with a version field: small (a rebalance carries it once per member) and easy to evolve.
 */
export interface SubscriptionInfo {
  version: 1
  processId: string
  /** 'host:port' for interactive queries, or null. */
  host: string | null
  prevActive: string[]
  prevStandby: string[]
  /** Per task with local state: the sum of its checkpointed changelog offsets (higher = more caught up). */
  taskOffsets: Record<string, number>
}

export interface HostTasks {
  active: string[]
  standby: string[]
}

export interface AssignmentInfo {
  version: 1
  active: string[]
  standby: string[]
  /** Every instance's tasks by its application server, for queryMetadataForKey. */
  hostMap: Record<string, HostTasks>
  /** Set when the leader found the group cannot run (missing source topics...); every member stops. */
  error: string | null
}

export function encodeSubscriptionInfo(info: SubscriptionInfo): Buffer {
  return Buffer.from(JSON.stringify(info))
}

export function decodeSubscriptionInfo(data: Buffer | null | undefined): SubscriptionInfo | null {
  if (!data || data.length === 0) return null
  try {
    const info = JSON.parse(data.toString('utf8')) as SubscriptionInfo
    if (info.version !== 1 || typeof info.processId !== 'string') return null
    return info
  } catch {
    return null
  }
}

export function encodeAssignmentInfo(info: AssignmentInfo): Buffer {
  return Buffer.from(JSON.stringify(info))
}

export function decodeAssignmentInfo(data: Buffer | null | undefined): AssignmentInfo | null {
  if (!data || data.length === 0) return null
  try {
    const info = JSON.parse(data.toString('utf8')) as AssignmentInfo
    return info.version === 1 ? info : null
  } catch {
    return null
  }
}
