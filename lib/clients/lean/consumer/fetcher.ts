import type { FetchResponse } from '../../../../protocol/messages/fetch.js'
import type { TopicPartition, TopicPartitionOffset } from '../../types.js'
import { tpKey } from '../../types.js'
import { fetchChannel } from '../../../tracing/channels.js'
import type { Cluster } from '../cluster/cluster.js'
import { isRetriableError, isStaleMetadata } from '../cluster/retry.js'
import { KafkaResponseError } from '../errors.js'
import { Api } from '../net/apis.js'
import type { BrokerConnection } from '../net/connection.js'
import { DEFAULT_REQUEST_TIMEOUT_MS } from '../net/options.js'
import { decodePartition } from './fetch-decode.js'
import { fetchRequest, topicOf } from './fetch-request.js'

const OFFSET_OUT_OF_RANGE = 1

export interface FetchSink {
  onRecords(topic: string, partition: number, records: import('../../types.js').FetchedRecord[], highWatermark: number): void
  onFetched?(topic: string, partition: number, nextOffset: number): void
}

interface Position {
  topic: string
  partition: number
  /** Where the next fetch starts; null until known. */
  offset: number | null
}

/**
 * The fetch positions of a group member's partitions and one round of fetching them: one Fetch
 * per leader, in parallel, of the partitions that are assigned, not paused and have a position.
 * A response is handed on only if the partition's position did not change meanwhile (a seek, a
 * new generation), so pause, resume and seek take effect before the next fetch.
 */
export class Fetcher {
  private readonly positions = new Map<string, Position>()
  readonly paused = new Map<string, TopicPartition>()
  /** Bumped at every new assignment: responses of an older one are dropped. */
  private epoch = 0

  constructor(private readonly cluster: Cluster, private readonly maxWaitMs: number) {}

  /** A new generation's partitions, each at its starting offset. */
  assign(starts: readonly TopicPartitionOffset[]): void {
    this.epoch++
    this.positions.clear()
    for (const s of starts) this.positions.set(tpKey(s.topic, s.partition), { topic: s.topic, partition: s.partition, offset: s.offset })
  }

  /** No partitions (a rebalance is under way). */
  clear(): void {
    this.epoch++
    this.positions.clear()
  }

  seek(topic: string, partition: number, offset: number): boolean {
    const p = this.positions.get(tpKey(topic, partition))
    if (!p) return false
    p.offset = offset
    return true
  }

  get assigned(): TopicPartition[] {
    return [...this.positions.values()].map(p => ({ topic: p.topic, partition: p.partition }))
  }

  /** Partitions whose position was lost (OFFSET_OUT_OF_RANGE) and must be reset by the offset reset policy. */
  needingReset(): TopicPartition[] {
    const out: TopicPartition[] = []
    for (const p of this.positions.values()) if (p.offset === null) out.push({ topic: p.topic, partition: p.partition })
    return out
  }

  /**
   * One round: resolves when every leader's fetch has answered and been handed on. Throws the
   * first non-retriable error; retriable ones refresh metadata and are retried next round.
   */
  async round(sink: FetchSink, stillCurrent: () => boolean): Promise<boolean> {
    const byLeader = new Map<BrokerConnection, TopicPartitionOffset[]>()
    const topics = new Set<string>()
    for (const p of this.positions.values()) topics.add(p.topic)
    if (topics.size > 0) await this.cluster.metadata([...topics])
    for (const [key, p] of this.positions) {
      if (p.offset === null || this.paused.has(key)) continue
      let conn: BrokerConnection
      try {
        conn = await this.cluster.leaderFor(p.topic, p.partition)
      } catch (err) {
        if (!isRetriableError(err)) throw err
        this.cluster.invalidate(p.topic)
        continue
      }
      let list = byLeader.get(conn)
      if (!list) byLeader.set(conn, (list = []))
      list.push({ topic: p.topic, partition: p.partition, offset: p.offset })
    }
    if (byLeader.size === 0) return false
    const epoch = this.epoch
    let failure: unknown = null
    await Promise.all([...byLeader].map(async ([conn, list]) => {
      try {
        const { res, version } = await this.fetch(conn, list)
        if (epoch === this.epoch && stillCurrent()) this.deliver(conn, version, res, list, sink)
      } catch (err) {
        if (isRetriableError(err)) {
          if (isStaleMetadata(err)) for (const p of list) this.cluster.invalidate(p.topic)
        } else failure ??= err
      }
    }))
    if (failure !== null) throw failure
    return true
  }

  private async fetch(conn: BrokerConnection, list: TopicPartitionOffset[]): Promise<{ res: FetchResponse; version: number }> {
    let version = 0
    const res = await conn.request(Api.Fetch, v => {
      version = v
      return fetchRequest(this.cluster, v, list, this.maxWaitMs)
    }, { timeoutMs: (this.cluster.settings.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS) + this.maxWaitMs })
    if (res.errorCode) throw new KafkaResponseError(res.errorCode, conn.address, `Fetch v${version}`)
    return { res, version }
  }

  private deliver(conn: BrokerConnection, version: number, res: FetchResponse, list: TopicPartitionOffset[], sink: FetchSink): void {
    const asked = new Map<string, number>()
    for (const p of list) asked.set(tpKey(p.topic, p.partition), p.offset)
    let failure: unknown = null
    for (const t of res.responses) {
      const topic = topicOf(this.cluster, t)
      if (topic === undefined) continue
      for (const data of t.partitions) {
        const key = tpKey(topic, data.partitionIndex)
        const from = asked.get(key)
        const pos = this.positions.get(key)
        // Sought, paused or revoked since the fetch was sent: this answer is stale.
        if (from === undefined || !pos || pos.offset !== from || this.paused.has(key)) continue
        if (data.errorCode !== 0) {
          if (data.errorCode === OFFSET_OUT_OF_RANGE) pos.offset = null
          else if (isStaleMetadata(new KafkaResponseError(data.errorCode, conn.address, 'Fetch'))) this.cluster.invalidate(topic)
          else if (!new KafkaResponseError(data.errorCode, conn.address, 'Fetch').retriable) {
            failure ??= new KafkaResponseError(data.errorCode, conn.address, `Fetch v${version}`, `${topic}-${data.partitionIndex} at offset ${from}`)
          }
          continue
        }
        const { records, nextOffset } = decodePartition(data, topic, from, conn.address)
        pos.offset = nextOffset
        if (records.length > 0) {
          if (fetchChannel.hasSubscribers) {
            fetchChannel.publish({ topic, partition: data.partitionIndex, records: records.length, firstOffset: records[0]!.offset, lastOffset: records[records.length - 1]!.offset, highWatermark: data.highWatermark })
          }
          sink.onRecords(topic, data.partitionIndex, records, data.highWatermark)
        }
        if (nextOffset > from) sink.onFetched?.(topic, data.partitionIndex, nextOffset)
      }
    }
    if (failure !== null) throw failure
  }
}
