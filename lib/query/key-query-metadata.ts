import type { HostTasks } from '../assignment/user-data.js'
import { partitionForKey } from '../clients/partitioner.js'

export interface HostInfo {
  host: string
  port: number
}

/** Which instance holds a key's partition of a store (Kafka Streams' KeyQueryMetadata). */
export interface KeyQueryMetadata {
  activeHost: HostInfo | null
  standbyHosts: HostInfo[]
  partition: number
}

/** Java's default partitioner: murmur2 of the key bytes, made positive, modulo the partition count. */
export function defaultPartition(keyBytes: Buffer, numPartitions: number): number {
  return partitionForKey(keyBytes, numPartitions)
}

export function parseHostInfo(hostPort: string): HostInfo {
  const i = hostPort.lastIndexOf(':')
  return { host: hostPort.slice(0, i), port: Number(hostPort.slice(i + 1)) }
}

export function lookupHosts(hostMap: Record<string, HostTasks>, taskId: string): Omit<KeyQueryMetadata, 'partition'> {
  let activeHost: HostInfo | null = null
  const standbyHosts: HostInfo[] = []
  for (const [hp, tasks] of Object.entries(hostMap)) {
    if (tasks.active.includes(taskId)) activeHost = parseHostInfo(hp)
    else if (tasks.standby.includes(taskId)) standbyHosts.push(parseHostInfo(hp))
  }
  return { activeHost, standbyHosts }
}
