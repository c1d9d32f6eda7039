import { topicPartitionKey } from '../../stores/checkpoint/offset-checkpoint.js'
import { PartitionQueue } from './partition-queue.js'
import type { HeadDeserializer } from './record-deserializer.js'
import type { SourceNodeDef } from './node-defs.js'
import type { TaskNodes } from './task-nodes.js'
import type { CommittableOffset } from './task-types.js'
import { TopologyError } from './topology-error.js'

/**
 * The input partitions of one task (Kafka Streams' PartitionGroup): their buffered records, the
 * choice of the next record across them by lowest head timestamp, each partition's time, the
 * task's stream time (the highest timestamp processed) and the offsets to commit.
 */
export class PartitionGroup {
  /** Highest timestamp processed across the partitions; -1 before the first record. */
  streamTime = -1
  private readonly queues = new Map<string, PartitionQueue>()
  private readonly queueList: PartitionQueue[] = []

  constructor(
    private readonly taskId: string,
    private readonly graph: Pick<TaskNodes, 'sources' | 'sourceNodes' | 'deserializers'>,
    /** The full name of a source topic (repartition topics prefixed). */
    private readonly resolve: (topic: string) => string,
    private readonly heads: HeadDeserializer,
  ) {}

  /** Full names of the topics the sources read by name. */
  sourceTopics(): string[] {
    const out: string[] = []
    for (const s of this.graph.sources) if (s.topics) for (const t of s.topics) out.push(this.resolve(t))
    return out
  }

  queueFor(topic: string, partition: number): PartitionQueue {
    const key = topicPartitionKey(topic, partition)
    let queue = this.queues.get(key)
    if (!queue) {
      const source = this.sourceFor(topic)
      if (!source) throw new TopologyError(`task ${this.taskId} does not read topic ${topic}`)
      const serdes = this.graph.deserializers.get(source)!
      queue = new PartitionQueue(topic, partition, source, this.graph.sources.indexOf(source), this.graph.sourceNodes.get(source.name)!, serdes.key, serdes.value)
      this.queues.set(key, queue)
      this.queueList.push(queue)
    }
    return queue
  }

  private sourceFor(topic: string): SourceNodeDef | undefined {
    const sources = this.graph.sources
    for (const s of sources) {
      if (s.topics) {
        for (const t of s.topics) if (this.resolve(t) === topic) return s
      }
    }
    for (const s of sources) if (s.pattern && matchesWhole(s.pattern, topic)) return s
    return undefined
  }

  /** Whether a source reads `topic` (by name or pattern). */
  readsTopic(topic: string): boolean {
    return this.sourceFor(topic) !== undefined
  }

  /** Seeds a partition's time (and stream time) from a committed one; never moves them back. */
  initializePartitionTime(topic: string, partition: number, partitionTime: number): void {
    const queue = this.queueFor(topic, partition)
    if (partitionTime > queue.partitionTime) queue.partitionTime = partitionTime
    if (partitionTime > this.streamTime) this.streamTime = partitionTime
  }

  bufferedCount(topic: string, partition: number): number {
    return this.queues.get(topicPartitionKey(topic, partition))?.size() ?? 0
  }

  buffered(): number {
    let n = 0
    for (const q of this.queueList) n += q.size()
    return n
  }

  /** The partition whose head has the lowest timestamp; heads are deserialized here. */
  next(): PartitionQueue | null | Promise<PartitionQueue | null> {
    let best: PartitionQueue | null = null
    const queues = this.queueList
    for (let i = 0; i < queues.length; i++) {
      const q = queues[i]
      if (!q.prepared) {
        const r = this.heads.prepare(q)
        if (r instanceof Promise) return r.then(() => this.next())
        if (!q.prepared) continue
      }
      if (best === null || q.headTimestamp < best.headTimestamp) best = q
    }
    return best
  }

  /** The next offset to commit of each partition that consumed a record. */
  committableOffsets(): CommittableOffset[] {
    const offsets: CommittableOffset[] = []
    for (const q of this.queueList) {
      if (q.committableOffset >= 0) offsets.push({ topic: q.topic, partition: q.partition, offset: q.committableOffset, partitionTime: q.partitionTime })
    }
    return offsets
  }

  clear(): void {
    for (const q of this.queueList) q.clear()
  }
}

function matchesWhole(pattern: RegExp, topic: string): boolean {
  const m = new RegExp(pattern.source, pattern.flags.replace('g', '').replace('y', '')).exec(topic)
  return m !== null && m.index === 0 && m[0].length === topic.length
}
