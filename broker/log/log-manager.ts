/**
 * All partition logs of the broker: topic lifecycle, configs, periodic retention/compaction, and
 * persistence under dataDir (`topics.json` plus one folder per partition, see segment-file.ts).
 * Emits 'append' (topic, partition) after every append or marker so long-polling fetches can wake.
 */
import { EventEmitter } from 'node:events'
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ErrorCode } from '../../protocol/errors.js'
import { PartitionLog, type LogContext, type TxnVerifier } from './partition-log.js'
import { SegmentFile } from './segment-file.js'
import { topicSettings, validateTopicConfigs, validateTopicName } from './topic-config.js'
import { legacyTopicId, newTopicId } from './topic-id.js'

interface Topic { name: string; id: Buffer; configs: Record<string, string>; partitions: PartitionLog[] }

export class LogManager extends EventEmitter {
  readonly dataDir: string | undefined
  private readonly topicMap = new Map<string, Topic>()
  private readonly byId = new Map<string, Topic>()
  private readonly context: LogContext
  private opened = false
  /** Message of the last failed topic operation, for responses that carry an error message. */
  lastError: string | null = null

  private readonly retentionCheckIntervalMs: number
  private nextRetentionCheck = -1
  /** Partitions of a topic created with -1 (Kafka's num.partitions). */
  readonly defaultPartitions: number

  /**
   * `retentionCheckIntervalMs`: Kafka's log.retention.check.interval.ms (default 5 minutes). Retention
   * runs that often, not on every tick, so records with old timestamps live as long as on a real broker.
   * `defaultPartitions`: Kafka's num.partitions (default 1), used by createTopic with -1.
   */
  constructor(opts: { dataDir?: string; retentionCheckIntervalMs?: number; defaultPartitions?: number } = {}) {
    super()
    this.dataDir = opts.dataDir
    this.defaultPartitions = opts.defaultPartitions ?? 1
    this.retentionCheckIntervalMs = opts.retentionCheckIntervalMs ?? 300_000
    this.context = { onAppend: (topic, partition) => this.emit('append', topic, partition) }
  }

  /** Installs the transaction coordinator's check for transactional writes (see TxnVerifier). */
  setTransactionVerifier(verifier: TxnVerifier | undefined): void {
    this.context.verifier = verifier
  }

  async open(): Promise<void> {
    if (this.opened) return
    this.opened = true
    if (!this.dataDir) return
    mkdirSync(this.dataDir, { recursive: true })
    const path = this.topicsPath()
    if (!existsSync(path)) return
    const stored = JSON.parse(readFileSync(path, 'utf8')) as { name: string; id?: string; partitions: number; configs: Record<string, string> }[]
    for (const t of stored) {
      const topic: Topic = { name: t.name, id: t.id ? Buffer.from(t.id, 'hex') : legacyTopicId(t.name), configs: t.configs, partitions: [] }
      this.topicMap.set(t.name, topic)
      this.byId.set(topic.id.toString('hex'), topic)
      for (let p = 0; p < t.partitions; p++) topic.partitions.push(this.newPartition(topic, p, false))
    }
  }

  async close(): Promise<void> {
    for (const t of this.topicMap.values()) for (const p of t.partitions) p.close()
    if (this.dataDir) this.saveTopics()
    this.opened = false
  }

  createTopic(name: string, partitions: number, configs: Record<string, string>): number {
    const nameError = validateTopicName(name)
    if (nameError) return this.error(ErrorCode.INVALID_TOPIC_EXCEPTION, nameError)
    if (this.topicMap.has(name)) return this.error(ErrorCode.TOPIC_ALREADY_EXISTS, `topic ${name} already exists`)
    const count = partitions === -1 ? this.defaultPartitions : partitions
    if (!Number.isInteger(count) || count < 1) return this.error(ErrorCode.INVALID_PARTITIONS, `topic ${name}: number of partitions must be at least 1, got ${partitions}`)
    const configError = validateTopicConfigs(configs ?? {})
    if (configError) return this.error(ErrorCode.INVALID_CONFIG, `topic ${name}: ${configError}`)
    const topic: Topic = { name, id: newTopicId(), configs: { ...(configs ?? {}) }, partitions: [] }
    for (let p = 0; p < count; p++) topic.partitions.push(this.newPartition(topic, p, true))
    this.topicMap.set(name, topic)
    this.byId.set(topic.id.toString('hex'), topic)
    this.saveTopics()
    return ErrorCode.NONE
  }

  deleteTopic(name: string): number {
    const topic = this.topicMap.get(name)
    if (!topic) return this.error(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic ${name} does not exist`)
    for (const p of topic.partitions) p.destroy()
    this.topicMap.delete(name)
    this.byId.delete(topic.id.toString('hex'))
    this.saveTopics()
    return ErrorCode.NONE
  }

  addPartitions(name: string, totalCount: number): number {
    const topic = this.topicMap.get(name)
    if (!topic) return this.error(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic ${name} does not exist`)
    if (!Number.isInteger(totalCount) || totalCount <= topic.partitions.length) {
      return this.error(ErrorCode.INVALID_PARTITIONS, `topic ${name} has ${topic.partitions.length} partitions; the new count ${totalCount} must be larger`)
    }
    for (let p = topic.partitions.length; p < totalCount; p++) topic.partitions.push(this.newPartition(topic, p, true))
    this.saveTopics()
    return ErrorCode.NONE
  }

  hasTopic(name: string): boolean {
    return this.topicMap.has(name)
  }

  partition(topic: string, partition: number): PartitionLog | undefined {
    return this.topicMap.get(topic)?.partitions[partition]
  }

  /** Topics with their partition count and config overrides (defaults: TOPIC_CONFIG_DEFAULTS). */
  topics(): { name: string; partitions: number; configs: Record<string, string> }[] {
    return [...this.topicMap.values()].map((t) => ({ name: t.name, partitions: t.partitions.length, configs: { ...t.configs } }))
  }

  /** The topic's id (KIP-516), undefined when there is no such topic. */
  topicId(name: string): Buffer | undefined {
    return this.topicMap.get(name)?.id
  }

  /** The name of the topic with this id, undefined when no topic has it (UNKNOWN_TOPIC_ID). */
  topicName(id: Uint8Array): string | undefined {
    return this.byId.get(Buffer.from(id.buffer, id.byteOffset, id.byteLength).toString('hex'))?.name
  }

  /** Replaces the topic's overrides (AlterConfigs semantics; callers merge for IncrementalAlterConfigs). */
  alterConfigs(name: string, configs: Record<string, string>): number {
    const topic = this.topicMap.get(name)
    if (!topic) return this.error(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic ${name} does not exist`)
    const configError = validateTopicConfigs(configs ?? {})
    if (configError) return this.error(ErrorCode.INVALID_CONFIG, `topic ${name}: ${configError}`)
    topic.configs = { ...(configs ?? {}) }
    const settings = topicSettings(topic.configs)
    for (const p of topic.partitions) p.settings = settings
    this.saveTopics()
    return ErrorCode.NONE
  }

  /** Compaction on every tick; retention every retentionCheckIntervalMs (the first tick starts the clock). */
  tick(now: number): void {
    if (this.nextRetentionCheck < 0) this.nextRetentionCheck = now + this.retentionCheckIntervalMs
    const retention = now >= this.nextRetentionCheck
    if (retention) this.nextRetentionCheck = now + this.retentionCheckIntervalMs
    for (const t of this.topicMap.values()) for (const p of t.partitions) p.maintain(now, retention)
  }

  /** Every partition log (the coordinator scans them for open transactions and producer ids). */
  allPartitions(): PartitionLog[] {
    const out: PartitionLog[] = []
    for (const t of this.topicMap.values()) out.push(...t.partitions)
    return out
  }

  /** `fresh`: a new partition starts empty, even if files of an earlier topic of that name were left behind. */
  private newPartition(topic: Topic, index: number, fresh: boolean): PartitionLog {
    const file = this.dataDir ? new SegmentFile(this.dataDir, topic.name, index) : null
    if (fresh) file?.destroy()
    return new PartitionLog(topic.name, index, topicSettings(topic.configs), this.context, file)
  }

  private error(code: number, message: string): number {
    this.lastError = message
    return code
  }

  private topicsPath(): string {
    return join(this.dataDir!, 'topics.json')
  }

  private saveTopics(): void {
    if (!this.dataDir) return
    mkdirSync(this.dataDir, { recursive: true })
    const tmp = `${this.topicsPath()}.tmp`
    const stored = [...this.topicMap.values()].map((t) => ({ name: t.name, id: t.id.toString('hex'), partitions: t.partitions.length, configs: t.configs }))
    writeFileSync(tmp, JSON.stringify(stored))
    renameSync(tmp, this.topicsPath())
  }
}
