import type { CapturedRecord } from './captured-record.js'

/**
 * What the topology wrote to one topic and no TestOutputTopic has read yet. Every
 * TestOutputTopic of a topic reads this one queue (as Kafka Streams' driver): a record read
 * through one is gone for the others.
 */
export class OutputQueue {
  private records: CapturedRecord[] = []
  private head = 0

  push(record: CapturedRecord): void {
    this.records.push(record)
  }

  /** The oldest unread record, or undefined when none is left. */
  poll(): CapturedRecord | undefined {
    if (this.head >= this.records.length) return undefined
    const r = this.records[this.head++]
    // drop the read prefix now and then, so a long test does not keep every record twice
    if (this.head >= 1024 && this.head * 2 >= this.records.length) {
      this.records = this.records.slice(this.head)
      this.head = 0
    }
    return r
  }

  size(): number {
    return this.records.length - this.head
  }
}
