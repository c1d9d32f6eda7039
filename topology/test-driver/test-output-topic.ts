import type { KeyValue } from '../../stores/key-value.js'
import type { AnySerde } from '../serdes/serde.js'
import type { CapturedRecord, TestRecord } from './captured-record.js'

/**
 * Reads, in order, what the topology wrote to one topic; each record is read once. All the
 * TestOutputTopics of one topic share its queue: what one reads, the others no longer see.
 */
export class TestOutputTopic<K, V> {
  constructor(
    readonly name: string,
    private readonly keySerde: AnySerde<K>,
    private readonly valueSerde: AnySerde<V>,
    /** The topic's queue, shared by every TestOutputTopic of the topic. */
    private readonly queue: { poll(): CapturedRecord | undefined; size(): number },
  ) {}

  private next(): CapturedRecord {
    const r = this.queue.poll()
    if (r === undefined) throw new Error(`Empty topic: ${this.name}`)
    return r
  }

  private decode<T>(serde: AnySerde<T>, data: Buffer | null, part: string): T {
    const out = serde.deserialize(this.name, data)
    if (out instanceof Promise) {
      throw new Error(`TestOutputTopic ${this.name}: the ${part} serde answered asynchronously; use readRecordAsync()`)
    }
    return out as T
  }

  readRecord(): TestRecord<K, V> {
    const r = this.next()
    return { key: this.decode(this.keySerde, r.key, 'key'), value: this.decode(this.valueSerde, r.value, 'value'), timestamp: r.timestamp, headers: r.headers }
  }

  /** As readRecord, for serdes that may need a registry lookup. */
  async readRecordAsync(): Promise<TestRecord<K, V>> {
    const r = this.next()
    return { key: (await this.keySerde.deserialize(this.name, r.key)) as K, value: (await this.valueSerde.deserialize(this.name, r.value)) as V, timestamp: r.timestamp, headers: r.headers }
  }

  readKeyValue(): KeyValue<K, V> {
    const r = this.readRecord()
    return { key: r.key, value: r.value }
  }

  readValue(): V {
    return this.readRecord().value
  }

  readRecordsToList(): TestRecord<K, V>[] {
    const out: TestRecord<K, V>[] = []
    while (!this.isEmpty()) out.push(this.readRecord())
    return out
  }

  readKeyValuesToList(): KeyValue<K, V>[] {
    const out: KeyValue<K, V>[] = []
    while (!this.isEmpty()) out.push(this.readKeyValue())
    return out
  }

  readValuesToList(): V[] {
    const out: V[] = []
    while (!this.isEmpty()) out.push(this.readValue())
    return out
  }

  /** The latest value per key (null values included), as Kafka Streams' readKeyValuesToMap. */
  readKeyValuesToMap(): Map<K, V> {
    const out = new Map<K, V>()
    while (!this.isEmpty()) {
      const r = this.readRecord()
      if (r.key === null || r.key === undefined) throw new Error(`readKeyValuesToMap on ${this.name}: null keys are not allowed`)
      out.set(r.key, r.value)
    }
    return out
  }

  getQueueSize(): number {
    return this.queue.size()
  }

  isEmpty(): boolean {
    return this.getQueueSize() === 0
  }
}
