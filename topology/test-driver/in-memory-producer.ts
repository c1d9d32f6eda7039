import type { CollectorProducer, ProducedAck, ProducedRecord } from '../internals/collector-types.js'

/** Called for each record a send appends, in order, with the offset it got. */
export type AppendListener = (topic: string, partition: number, offset: number, record: ProducedRecord) => void

/**
 * The test driver's producer: appends records to in-memory partitions as a broker would, each
 * partition's offsets counting from 0, and acknowledges at once. Every topic of the driver has one
 * partition, so the default partitioner's choice is partition 0. Records piped into input topics
 * take offsets from the same partitions (`append`), so a topic both piped and written to has one
 * sequence of offsets.
 */
export class InMemoryProducer implements CollectorProducer {
  /** topic → partition → next offset */
  private readonly ends = new Map<string, Map<number, number>>()

  constructor(private readonly onAppend: AppendListener) {}

  /** Reserves the next offset of a partition. */
  append(topic: string, partition: number): number {
    let partitions = this.ends.get(topic)
    if (!partitions) this.ends.set(topic, (partitions = new Map()))
    const offset = partitions.get(partition) ?? 0
    partitions.set(partition, offset + 1)
    return offset
  }

  sendBatch(batches: readonly { topic: string; records: readonly ProducedRecord[] }[]): Promise<ProducedAck[]> {
    const acks: ProducedAck[] = []
    for (const { topic, records } of batches) {
      const first = new Map<number, number>()
      for (const r of records) {
        const partition = r.partition < 0 ? 0 : r.partition
        const offset = this.append(topic, partition)
        if (!first.has(partition)) first.set(partition, offset)
        this.onAppend(topic, partition, offset, r)
      }
      for (const [partition, baseOffset] of first) acks.push({ topic, partition, baseOffset })
    }
    return Promise.resolve(acks)
  }

  /** The driver runs at-least-once: no transactions. */
  inTransaction(): boolean {
    return false
  }

  beginTransaction(): Promise<void> {
    return Promise.reject(new Error('the test driver producer is not transactional'))
  }
}
