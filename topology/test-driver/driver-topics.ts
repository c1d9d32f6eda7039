import type { Headers } from '../../stores/state-store.js'
import type { ProducedRecord } from '../internals/collector-types.js'
import type { StreamTask } from '../internals/stream-task.js'
import type { CapturedRecord } from './captured-record.js'
import { InMemoryProducer } from './in-memory-producer.js'
import { OutputQueue } from './output-queue.js'

/**
 * The driver's topics, as a one-partition broker would hold them: what the tasks' collectors
 * produce is kept (producedRecords), queued for TestOutputTopics (one queue per topic) and fed to
 * the tasks reading that topic, with the offset its partition gave it; piped records take offsets
 * from the same partitions.
 */
export class DriverTopics {
  readonly producer = new InMemoryProducer((topic, partition, offset, record) => this.capture(topic, partition, offset, record))
  /** Every record written, per topic. */
  private readonly captured = new Map<string, CapturedRecord[]>()
  /** Records not read yet, per topic. */
  private readonly queues = new Map<string, OutputQueue>()

  /** `tasks`: every task, in the order records are handed to them (built after the topics). */
  constructor(private readonly tasks: () => readonly StreamTask[]) {}

  queueOf(topic: string): OutputQueue {
    let queue = this.queues.get(topic)
    if (!queue) this.queues.set(topic, (queue = new OutputQueue()))
    return queue
  }

  isRead(topic: string): boolean {
    return this.tasks().some((task) => task.readsTopic(topic))
  }

  /** Appends a piped record to the topic's partition and hands it to the tasks reading it. */
  pipe(topic: string, key: Buffer | null, value: Buffer | null, timestamp: number, headers: Headers): void {
    this.route(topic, this.producer.append(topic, 0), key, value, timestamp, headers)
  }

  producedRecords(topic: string): CapturedRecord[] {
    return [...(this.captured.get(topic) ?? [])]
  }

  producedTopicNames(): string[] {
    return [...this.captured.keys()]
  }

  private capture(topic: string, partition: number, offset: number, record: ProducedRecord): void {
    const captured: CapturedRecord = {
      topic,
      partition,
      key: record.key,
      value: record.value,
      timestamp: record.timestamp,
      headers: record.headers ?? {},
    }
    let list = this.captured.get(topic)
    if (!list) this.captured.set(topic, (list = []))
    list.push(captured)
    this.queueOf(topic).push(captured)
    this.route(topic, offset, captured.key, captured.value, captured.timestamp, captured.headers)
  }

  private route(topic: string, offset: number, key: Buffer | null, value: Buffer | null, timestamp: number, headers: Headers): void {
    for (const task of this.tasks()) {
      if (task.readsTopic(topic)) task.addRecords(topic, 0, [{ key, value, timestamp, offset, headers }])
    }
  }
}
