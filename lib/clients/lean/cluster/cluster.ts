import type { MetadataResponse } from '../../../../protocol/messages/metadata.js'
import { BrokerNetworkError, KafkaResponseError } from '../errors.js'
import { Api } from '../net/apis.js'
import { BrokerConnection } from '../net/connection.js'
import type { ConnectionSettings } from '../net/options.js'
import { isCoordinatorMoved, withRetry, type RetryOptions } from './retry.js'

export interface PartitionInfo {
  leader: number
  leaderEpoch: number
}

export interface TopicInfo {
  name: string
  /** Null where the broker does not give topic ids (Metadata before v10). */
  id: Buffer | null
  partitions: PartitionInfo[]
}

export type CoordinatorType = 'group' | 'transaction'

const ZERO_UUID = Buffer.alloc(16)
const DEFAULT_METADATA_MAX_AGE_MS = 300_000

export interface ClusterOptions {
  /** Metadata older than this is refreshed on its next use (Kafka's metadata.max.age.ms). */
  metadataMaxAgeMs?: number
  retry?: RetryOptions
}

/**
 * The brokers one client talks to: a connection per broker (by address, so the bootstrap
 * connection is reused once its node id is known), the topic metadata cache, and the group and
 * transaction coordinators.
 */
export class Cluster {
  private readonly connections = new Map<string, BrokerConnection>()
  private readonly nodes = new Map<number, string>()
  private readonly topics = new Map<string, { info: TopicInfo; at: number }>()
  private readonly namesById = new Map<string, string>()
  private readonly coordinators = new Map<string, number>()
  private controllerId = -1
  private refreshing: Promise<void> | null = null
  private readonly maxAgeMs: number

  constructor(
    private readonly bootstrap: readonly string[],
    readonly settings: ConnectionSettings,
    readonly options: ClusterOptions = {},
  ) {
    if (bootstrap.length === 0) throw new Error('No bootstrap brokers given')
    this.maxAgeMs = options.metadataMaxAgeMs ?? DEFAULT_METADATA_MAX_AGE_MS
  }

  /** Reaches one bootstrap broker and learns the cluster's brokers. */
  async connect(): Promise<void> {
    await this.refresh([])
  }

  close(): void {
    for (const c of this.connections.values()) c.close()
  }

  retry<T>(fn: (attempt: number) => Promise<T>, extra?: RetryOptions): Promise<T> {
    return withRetry(fn, { ...this.options.retry, ...extra })
  }

  /** `role` keeps apart connections to one broker that must not queue behind each other. */
  private connection(address: string, nodeId = -1, role = ''): BrokerConnection {
    const key = role === '' ? address : `${role}\u0000${address}`
    let c = this.connections.get(key)
    if (!c) {
      const at = address.lastIndexOf(':')
      c = new BrokerConnection(address.slice(0, at), Number(address.slice(at + 1)), this.settings, nodeId)
      this.connections.set(key, c)
    }
    return c
  }

  /** The connection to a broker by node id (metadata must know it). */
  broker(nodeId: number): BrokerConnection {
    const address = this.nodes.get(nodeId)
    if (address === undefined) throw new BrokerNetworkError('connect', `node ${nodeId}`, `Broker node ${nodeId} is not in the cluster metadata`)
    return this.connection(address, nodeId)
  }

  /** Some broker, for requests any broker answers: a known one, else a bootstrap address. */
  any(): BrokerConnection {
    for (const c of this.connections.values()) if (c.connected) return c
    const first = this.nodes.values().next()
    if (!first.done) return this.connection(first.value)
    return this.connection(this.bootstrap[Math.floor(Math.random() * this.bootstrap.length)]!)
  }

  async controller(): Promise<BrokerConnection> {
    if (this.controllerId < 0 || !this.nodes.has(this.controllerId)) await this.refresh([])
    return this.controllerId >= 0 && this.nodes.has(this.controllerId) ? this.broker(this.controllerId) : this.any()
  }

  /**
   * Metadata of the topics that exist among `names`, fetched for those missing from the cache or
   * older than the max age (or all of them when forced).
   */
  async metadata(names: readonly string[], force = false): Promise<Map<string, TopicInfo>> {
    const now = Date.now()
    const stale = force ? names : names.filter(n => {
      const t = this.topics.get(n)
      return !t || now - t.at > this.maxAgeMs
    })
    if (stale.length > 0 || this.nodes.size === 0) await this.refresh(stale)
    const out = new Map<string, TopicInfo>()
    for (const n of names) {
      const t = this.topics.get(n)
      if (t) out.set(n, t.info)
    }
    return out
  }

  /** The cached metadata of one topic (no request). */
  cached(topic: string): TopicInfo | undefined {
    return this.topics.get(topic)?.info
  }

  topicName(id: Buffer): string | undefined {
    return this.namesById.get(id.toString('hex'))
  }

  /** Forgets a topic's metadata (after NOT_LEADER_OR_FOLLOWER, UNKNOWN_TOPIC_OR_PARTITION, a lost connection). */
  invalidate(topic: string): void {
    this.topics.delete(topic)
  }

  /** The leader of a partition; retriable errors when it has none or the partition does not exist. */
  async leaderFor(topic: string, partition: number): Promise<BrokerConnection> {
    const info = (await this.metadata([topic])).get(topic)
    const p = info?.partitions[partition]
    if (!info || !p) throw new KafkaResponseError(3, this.any().address, 'Metadata', `${topic}-${partition}`)
    if (p.leader < 0) throw new KafkaResponseError(5, this.any().address, 'Metadata', `${topic}-${partition}`)
    return this.broker(p.leader)
  }

  /** All topic names (internal ones excluded). */
  async listTopics(): Promise<string[]> {
    const res = await this.retry(() => this.any().request(Api.Metadata, v => metadataRequest(v, null)))
    this.absorb(res)
    return res.topics.filter(t => t.errorCode === 0 && !t.isInternal).map(t => t.name!)
  }

  private refresh(names: readonly string[]): Promise<void> {
    // Refreshes run one after another, each for the topics its caller needs.
    const run = async () => {
      const res = await this.retry(() => this.any().request(Api.Metadata, v => metadataRequest(v, names)))
      this.absorb(res)
    }
    const next = (this.refreshing ?? Promise.resolve()).then(run)
    // The queue's tail never rejects: only the caller of this refresh sees its failure.
    const tail = next.catch(() => {})
    this.refreshing = tail
    void tail.then(() => {
      if (this.refreshing === tail) this.refreshing = null
    })
    return next
  }

  private absorb(res: MetadataResponse): void {
    for (const b of res.brokers) this.nodes.set(b.nodeId, `${b.host}:${b.port}`)
    if (typeof res.controllerId === 'number') this.controllerId = res.controllerId
    const now = Date.now()
    for (const t of res.topics) {
      if (t.errorCode !== 0 || !t.name) {
        if (t.name && t.errorCode === 3) this.topics.delete(t.name)
        continue
      }
      const partitions: PartitionInfo[] = []
      for (const p of t.partitions) partitions[p.partitionIndex] = { leader: p.errorCode === 0 || p.errorCode === 9 ? p.leaderId : -1, leaderEpoch: p.leaderEpoch ?? -1 }
      const id = t.topicId && !t.topicId.equals(ZERO_UUID) ? Buffer.from(t.topicId) : null
      this.topics.set(t.name, { info: { name: t.name, id, partitions }, at: now })
      if (id) this.namesById.set(id.toString('hex'), t.name)
    }
  }

  /** The coordinator of a group or transactional id (FindCoordinator, cached until it moves). */
  async coordinator(type: CoordinatorType, key: string): Promise<BrokerConnection> {
    const cacheKey = `${type}\u0000${key}`
    const known = this.coordinators.get(cacheKey)
    if (known !== undefined && this.nodes.has(known)) return this.coordinatorConnection(known)
    const keyType = type === 'group' ? 0 : 1
    const found = await this.retry(async () => {
      const conn = this.anyForCoordination()
      let version = 0
      const res = await conn.request(Api.FindCoordinator, v => {
        version = v
        return v >= 4 ? { keyType, coordinatorKeys: [key] } : v >= 1 ? { key, keyType } : { key }
      })
      const c = version >= 4 ? res.coordinators![0]! : { errorCode: res.errorCode!, errorMessage: res.errorMessage ?? null, nodeId: res.nodeId!, host: res.host!, port: res.port! }
      if (c.errorCode !== 0) throw new KafkaResponseError(c.errorCode, conn.address, `FindCoordinator v${version}`, `${type} ${key}`, c.errorMessage)
      return c
    })
    this.nodes.set(found.nodeId, `${found.host}:${found.port}`)
    this.coordinators.set(cacheKey, found.nodeId)
    return this.coordinatorConnection(found.nodeId)
  }

  /**
   * A coordinator's requests go on a connection of their own (as Kafka's clients do): a broker
   * answers a connection's requests in order, so an OffsetCommit, heartbeat or EndTxn sent behind
   * a long-polling Fetch to the same broker would wait out the fetch's max wait.
   */
  /** Some broker on a coordination connection (FindCoordinator must not wait behind a fetch either). */
  private anyForCoordination(): BrokerConnection {
    for (const [nodeId, address] of this.nodes) return this.connection(address, nodeId, 'coordinator')
    return this.any()
  }

  private coordinatorConnection(nodeId: number): BrokerConnection {
    const address = this.nodes.get(nodeId)
    if (address === undefined) throw new BrokerNetworkError('connect', `node ${nodeId}`, `Broker node ${nodeId} is not in the cluster metadata`)
    return this.connection(address, nodeId, 'coordinator')
  }

  forgetCoordinator(type: CoordinatorType, key: string): void {
    this.coordinators.delete(`${type}\u0000${key}`)
  }

  /**
   * Runs a request against a coordinator, finding it again when it moved (NOT_COORDINATOR,
   * COORDINATOR_NOT_AVAILABLE, a lost connection) and retrying retriable errors.
   */
  withCoordinator<T>(type: CoordinatorType, key: string, fn: (conn: BrokerConnection) => Promise<T>, extra?: RetryOptions): Promise<T> {
    return this.retry(async () => fn(await this.coordinator(type, key)), {
      ...extra,
      onRetry: async err => {
        if (isCoordinatorMoved(err)) this.forgetCoordinator(type, key)
        await extra?.onRetry?.(err)
      },
    })
  }
}

export function metadataRequest(version: number, names: readonly string[] | null) {
  return {
    topics: names === null ? null : names.map(name => ({ name, topicId: ZERO_UUID })),
    ...(version >= 4 ? { allowAutoTopicCreation: false } : {}),
  }
}
