import type { Headers } from '../../stores/state-store.js'
import type { AnySerde } from '../serdes/serde.js'
import type { SourceNodeDef } from './node-defs.js'
import type { ProcessorNode } from './processor-node.js'
import type { RawRecord } from './task-types.js'

/**
 * The buffered records of one input partition. The head is deserialized ahead of processing so
 * its (extracted) timestamp can take part in choosing the next record across partitions.
 */
export class PartitionQueue {
  private records: RawRecord[] = []
  private head = 0
  /** The head, deserialized; valid when `prepared` is true. */
  prepared = false
  headKey: unknown = null
  headValue: unknown = null
  headTimestamp = 0
  headHeaders: Headers = {}
  /** Highest timestamp taken from this partition; -1 before the first record. */
  partitionTime = -1
  /** Next offset to commit, -1 until a record was consumed. */
  committableOffset = -1

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly source: SourceNodeDef,
    readonly sourceIndex: number,
    /** The source's node and deserializers, resolved once rather than looked up per record. */
    readonly sourceNode: ProcessorNode,
    readonly keySerde: AnySerde<unknown>,
    readonly valueSerde: AnySerde<unknown>,
  ) {}

  add(records: RawRecord[]): void {
    if (this.head > 1024 && this.head * 2 > this.records.length) {
      this.records = this.records.slice(this.head)
      this.head = 0
    }
    for (let i = 0; i < records.length; i++) this.records.push(records[i])
  }

  size(): number {
    return this.records.length - this.head
  }

  peekRaw(): RawRecord | undefined {
    return this.head < this.records.length ? this.records[this.head] : undefined
  }

  /** Drops the head (processed or skipped) and returns it. */
  poll(): RawRecord {
    const rec = this.records[this.head]
    this.records[this.head++] = undefined as unknown as RawRecord
    this.prepared = false
    this.headKey = null
    this.headValue = null
    this.committableOffset = rec.offset + 1
    if (this.head === this.records.length) {
      this.records = []
      this.head = 0
    }
    return rec
  }

  clear(): void {
    this.records = []
    this.head = 0
    this.prepared = false
  }
}
