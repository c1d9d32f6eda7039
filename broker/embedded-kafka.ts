// An in-process, single-node Kafka-protocol broker for development, tests, demos and benchmarks.

import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { LogManager } from './log/log-manager.js'
import { TransactionCoordinator } from './txn/index.js'
import { GroupCoordinator } from './group/coordinator.js'
import { OffsetStore } from './group/offsets.js'
import type { BrokerContext } from './server/context.js'
import { FetchWaiters } from './server/fetch-waiters.js'
import { FetchSessions } from './server/fetch-sessions.js'
import { KafkaServer } from './server/server.js'
import type { Faults } from './server/faults.js'

export interface EmbeddedKafkaOptions {
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number
  /** Keep topics, offsets and transaction state here across restarts; in memory when absent. */
  dataDir?: string
  /** Create topics on first use by Metadata (Kafka's auto.create.topics.enable; default true). */
  autoCreateTopics?: boolean
  /** Partitions of auto-created topics and of CreateTopics without a count (Kafka's num.partitions; default 1). */
  defaultPartitions?: number
  /** Kafka's group.min.session.timeout.ms (default 6000). */
  groupMinSessionTimeoutMs?: number
  /** Kafka's group.initial.rebalance.delay.ms (default 0 here; Kafka's own default is 3000). */
  groupInitialRebalanceDelayMs?: number
  /** Kafka's transaction.max.timeout.ms (default 900000). */
  maxTransactionTimeoutMs?: number
  /** Called when a client connection is closed for malformed input or a failed request. */
  onConnectionError?: (reason: string) => void
}

const HOST = '127.0.0.1'
const MAINTENANCE_MS = 100
const KNOWN_OPTIONS = new Set([
  'port', 'dataDir', 'autoCreateTopics', 'defaultPartitions', 'groupMinSessionTimeoutMs',
  'groupInitialRebalanceDelayMs', 'maxTransactionTimeoutMs', 'onConnectionError',
])

function validate(opts: EmbeddedKafkaOptions): void {
  for (const key of Object.keys(opts)) {
    if (!KNOWN_OPTIONS.has(key)) throw new Error(`EmbeddedKafka: unknown option "${key}" (known: ${[...KNOWN_OPTIONS].join(', ')})`)
  }
  const port = opts.port ?? 0
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`EmbeddedKafka: port must be an integer 0-65535, got ${opts.port}`)
  const parts = opts.defaultPartitions ?? 1
  if (!Number.isInteger(parts) || parts < 1) throw new Error(`EmbeddedKafka: defaultPartitions must be a positive integer, got ${opts.defaultPartitions}`)
  if (opts.dataDir !== undefined && (typeof opts.dataDir !== 'string' || opts.dataDir === '')) throw new Error('EmbeddedKafka: dataDir must be a non-empty path')
}

export class EmbeddedKafka {
  private server: KafkaServer | null = null
  private logs!: LogManager
  private offsets!: OffsetStore
  private groups!: GroupCoordinator
  private txn!: TransactionCoordinator
  private context!: BrokerContext
  private timer: NodeJS.Timeout | null = null
  private boundPort: number
  private readonly clusterId = randomBytes(16).toString('base64url').slice(0, 22)
  private readonly onAppend = (topic: string, partition: number) => this.context.fetchWaiters.notify(topic, partition)
  private faultsProxy: Faults | null = null

  private constructor(private readonly opts: EmbeddedKafkaOptions) {
    this.boundPort = opts.port ?? 0
  }

  /** Starts a broker; resolves once it accepts connections. */
  static async start(opts: EmbeddedKafkaOptions = {}): Promise<EmbeddedKafka> {
    validate(opts)
    const kafka = new EmbeddedKafka(opts)
    await kafka.open(true)
    return kafka
  }

  /** Bootstrap servers for clients: ['127.0.0.1:PORT']. */
  get brokers(): string[] {
    return [`${HOST}:${this.boundPort}`]
  }

  get port(): number {
    return this.boundPort
  }

  /** Fault injection: dropConnections(), failNext(api, count, errorCode), delay(api, ms), clear(). */
  get faults(): Faults {
    if (!this.faultsProxy) throw new Error('EmbeddedKafka is stopped')
    return this.faultsProxy
  }

  get running(): boolean {
    return this.server !== null
  }

  /**
   * Creates a topic; throws naming the topic if it exists or the arguments are invalid. Without a
   * partition count, or with -1 (as CreateTopics), it gets `defaultPartitions`.
   */
  createTopic(name: string, partitions = -1, configs: Record<string, string> = {}): void {
    this.requireRunning('createTopic')
    const code = this.logs.createTopic(name, partitions, configs)
    if (code !== 0) throw new Error(`createTopic(${JSON.stringify(name)}): ${this.logs.lastError ?? `error code ${code}`}`)
  }

  /** @internal The broker's state for this repository's tests and tools (topics, logs, groups, offsets, transactions). */
  get internals(): { logs: LogManager; groups: GroupCoordinator; offsets: OffsetStore; transactions: TransactionCoordinator } {
    this.requireRunning('internals')
    return { logs: this.logs, groups: this.groups, offsets: this.offsets, transactions: this.txn }
  }

  private requireRunning(what: string): void {
    if (!this.server) throw new Error(`EmbeddedKafka.${what}: the broker is stopped`)
  }

  private async open(fresh: boolean): Promise<void> {
    const dataDir = this.opts.dataDir
    // Without a data dir the state lives in these objects, so a restart keeps it (like a disk would).
    if (fresh || dataDir) {
      this.logs = new LogManager({ dataDir, defaultPartitions: this.opts.defaultPartitions ?? 1 })
      await this.logs.open()
      this.offsets = dataDir
        ? new OffsetStore(join(dataDir, 'consumer-offsets.log'), join(dataDir, 'consumer-offsets.json'))
        : new OffsetStore()
      await this.offsets.load()
      this.txn = new TransactionCoordinator({
        logs: this.logs,
        offsets: this.offsets,
        maxTransactionTimeoutMs: this.opts.maxTransactionTimeoutMs,
        // KIP-447: zombies of an old generation cannot commit offsets. The group coordinator is
        // replaced on restart, so look it up on each call.
        validateGroupMember: (groupId, memberId, generationId, groupInstanceId) =>
          this.groups.commitCheck(groupId, generationId, memberId, { groupInstanceId, transactional: true }),
      })
      // Finish what the previous run left prepared before any client is answered.
      this.txn.recover()
    }
    this.groups = new GroupCoordinator({
      offsets: this.offsets,
      minSessionTimeoutMs: this.opts.groupMinSessionTimeoutMs,
      initialRebalanceDelayMs: this.opts.groupInitialRebalanceDelayMs,
    })
    this.groups.start()
    this.context = {
      nodeId: 0,
      host: HOST,
      port: this.boundPort,
      clusterId: this.clusterId,
      logs: this.logs,
      groups: this.groups,
      offsets: this.offsets,
      txn: this.txn,
      autoCreateTopics: this.opts.autoCreateTopics ?? true,
      defaultPartitions: this.opts.defaultPartitions ?? 1,
      fetchWaiters: new FetchWaiters(),
      fetchSessions: new FetchSessions(),
    }
    this.logs.on('append', this.onAppend)
    const server = new KafkaServer(this.context, { host: HOST, port: this.boundPort, onConnectionError: this.opts.onConnectionError })
    try {
      this.boundPort = await server.listen()
    } catch (err) {
      this.logs.off('append', this.onAppend)
      this.groups.stop()
      throw new Error(`EmbeddedKafka: cannot listen on ${HOST}:${this.boundPort}: ${(err as Error).message}`)
    }
    this.context.port = this.boundPort
    this.server = server
    this.faultsProxy = server.faults
    this.timer = setInterval(() => this.maintain(), MAINTENANCE_MS)
    this.timer.unref()
  }

  private maintain(): void {
    const now = Date.now()
    try {
      this.txn.tick(now)
      this.logs.tick(now)
    } catch (err) {
      this.opts.onConnectionError?.(`maintenance failed: ${(err as Error).message}`)
    }
  }

  private async close(): Promise<void> {
    const server = this.server
    if (!server) return
    this.server = null
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    this.context.fetchWaiters.wakeAll()
    this.groups.stop()
    await server.close()
    // Let clients in this process see their connections close (the end of each socket is read in
    // the next poll phases) before a restart reopens: otherwise they send their next request on the
    // dead socket. Loading state is synchronous, so nothing else yields here.
    for (let i = 0; i < 2; i++) await new Promise<void>((resolve) => setImmediate(resolve))
    this.logs.off('append', this.onAppend)
    if (this.opts.dataDir) {
      this.txn.close()
      await this.offsets.close()
      await this.logs.close()
    }
  }

  /** Stops the broker: closes every connection and, with a data dir, persists state. */
  async stop(): Promise<void> {
    await this.close()
    if (!this.opts.dataDir && this.logs) {
      await this.offsets.close()
      await this.logs.close()
    }
  }

  /** Stops and starts again on the same port (and data dir). Clients reconnect and rejoin groups. */
  async restart(): Promise<void> {
    await this.close()
    await this.open(false)
  }
}
