// The application's progress on the input: committed offset vs end offset per input partition.
import { Kafka, logLevel, type Admin } from 'kafkajs'
import { TOPICS } from './topology.js'

export interface PartitionLag {
  partition: number
  committed: number
  end: number
}

export class GroupLag {
  private admin: Admin | null = null

  constructor(
    private readonly brokers: string[],
    private readonly groupId: string,
  ) {}

  /** Lag per input partition; null while the broker cannot answer. */
  async read(): Promise<PartitionLag[] | null> {
    try {
      if (!this.admin) {
        this.admin = new Kafka({ clientId: 'chaos-lag', brokers: this.brokers, logLevel: logLevel.NOTHING, retry: { retries: 2 } }).admin()
        await this.admin.connect()
      }
      const ends = await this.admin.fetchTopicOffsets(TOPICS.input)
      const [committed] = await this.admin.fetchOffsets({ groupId: this.groupId, topics: [TOPICS.input] })
      return ends
        .map(e => ({
          partition: e.partition,
          end: Number(e.high),
          committed: Number(committed?.partitions.find(p => p.partition === e.partition)?.offset ?? -1),
        }))
        .sort((a, b) => a.partition - b.partition)
    } catch {
      await this.close()
      return null
    }
  }

  async close(): Promise<void> {
    const a = this.admin
    this.admin = null
    await a?.disconnect().catch(() => {})
  }
}

export function describeLag(lags: PartitionLag[] | null): string {
  if (!lags) return 'broker did not answer'
  return lags.map(l => `p${l.partition} ${l.committed}/${l.end}${l.committed < l.end ? ` (lag ${l.end - Math.max(l.committed, 0)})` : ''}`).join(', ')
}
