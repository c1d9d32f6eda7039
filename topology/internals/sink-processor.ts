import type { RecordCollector } from '../../stores/state-store.js'
import type { Processor, ProcessorContext } from '../processor/processor.js'
import type { Record } from '../processor/record.js'
import type { AnySerde } from '../serdes/serde.js'
import type { SinkSerialization } from './collector-types.js'
import { reportDroppedRecord } from './dropped-records.js'
import type { SinkNodeDef } from './node-defs.js'
import { sinkCollectorOf, type SinkRecordCollector } from './record-collector.js'

export { DEFAULT_PARTITION } from './record-collector.js'

/** Picks each record's topic and hands it to the task's record collector, which serializes and partitions it. */
export class SinkProcessor implements Processor<unknown, unknown, never, never> {
  /** The fixed topic's full name, resolved once instead of per record. */
  private readonly fixedTopic: string | null
  private readonly collector: SinkRecordCollector
  /** The same object for every record this sink sends. */
  private readonly serialization: SinkSerialization
  /** `serialization` with a fixed partition, per partition a stream partitioner chose. */
  private readonly byPartition = new Map<number | null, SinkSerialization>()
  private ctx: ProcessorContext<never, never> | null = null

  constructor(
    private readonly def: SinkNodeDef,
    keySerde: AnySerde<unknown>,
    valueSerde: AnySerde<unknown>,
    collector: RecordCollector,
    resolveTopic: (topic: string) => string,
    partitionCount: (topic: string) => number | undefined,
  ) {
    this.fixedTopic = def.topic === null ? null : resolveTopic(def.topic)
    this.collector = sinkCollectorOf(collector)
    this.serialization = {
      sinkName: def.name,
      keySerde,
      valueSerde,
      usesDefaultSerdes: def.keySerde === null || def.valueSerde === null,
      partitioner: def.partitioner,
      partitionCount,
    }
  }

  init(ctx: ProcessorContext<never, never>): void {
    this.ctx = ctx
  }

  process(record: Record<unknown, unknown>): void | Promise<void> {
    let topic: string
    if (this.fixedTopic !== null) {
      topic = this.fixedTopic
    } else {
      const chosen = this.def.extractor!(record.key, record.value, record)
      if (typeof chosen !== 'string' || chosen.length === 0) {
        throw new TypeError(`Sink ${this.def.name}: the topic name extractor returned ${String(chosen)} instead of a topic name`)
      }
      topic = chosen
    }
    if (this.serialization.partitioner === null) return this.collector.sendRecord(topic, record, this.serialization)
    return this.partitionAndSend(topic, record)
  }

  /**
   * Calls the stream partitioner once: a number (or nothing, for the default partitioner) sends the
   * record once; a Set or array of partitions sends it to each (KIP-837 multicast), an empty one
   * drops it (counted as dropped, as Kafka Streams).
   */
  private partitionAndSend(topic: string, record: Record<unknown, unknown>): void | Promise<void> {
    const count = this.serialization.partitionCount(topic)
    if (count === undefined) return this.collector.sendRecord(topic, record, this.serialization)
    const chosen = this.serialization.partitioner!(topic, record.key, record.value, count) as PartitionerResult
    if (!isMulticast(chosen)) return this.collector.sendRecord(topic, record, this.fixed(chosen ?? null))
    const partitions = [...new Set(chosen)]
    if (partitions.length === 0) {
      if (this.ctx) reportDroppedRecord(this.ctx, `the stream partitioner chose no partition of topic ${topic}`)
      return
    }
    return sendEach(partitions, (p) => this.collector.sendRecord(topic, record, this.fixed(p)))
  }

  /** The sink's serialization with a partitioner answering `partition` (null: the default one). */
  private fixed(partition: number | null): SinkSerialization {
    let s = this.byPartition.get(partition)
    if (s === undefined) {
      s = { ...this.serialization, partitioner: partition === null ? null : () => partition }
      this.byPartition.set(partition, s)
    }
    return s
  }
}

type PartitionerResult = number | null | undefined | Iterable<number>

function isMulticast(chosen: PartitionerResult): chosen is Iterable<number> {
  return chosen instanceof Set || Array.isArray(chosen)
}

function sendEach(partitions: number[], send: (p: number) => void | Promise<void>, from = 0): void | Promise<void> {
  for (let i = from; i < partitions.length; i++) {
    const r = send(partitions[i]!)
    if (r instanceof Promise) return r.then(() => sendEach(partitions, send, i + 1))
  }
}
