import type { RecordCollector } from '../../stores/state-store.js'
import type { Processor } from '../processor/processor.js'
import type { Record } from '../processor/record.js'
import type { AnySerde } from '../serdes/serde.js'
import { SerializationError } from '../serdes/serde-errors.js'
import type { SinkNodeDef } from './node-defs.js'

/** Partition -1 asks the collector for the default partitioner (murmur2 of the key bytes). */
export const DEFAULT_PARTITION = -1

/** Serializes records and hands them to the task's RecordCollector. */
export class SinkProcessor implements Processor<unknown, unknown, never, never> {
  /** The fixed topic's full name, resolved once instead of per record. */
  private readonly fixedTopic: string | null

  constructor(
    private readonly def: SinkNodeDef,
    private readonly keySerde: AnySerde<unknown>,
    private readonly valueSerde: AnySerde<unknown>,
    private readonly collector: RecordCollector,
    resolveTopic: (topic: string) => string,
    private readonly partitionCount: (topic: string) => number | undefined,
  ) {
    this.fixedTopic = def.topic === null ? null : resolveTopic(def.topic)
  }

  process(record: Record<unknown, unknown>): void | Promise<void> {
    const def = this.def
    let topic: string
    if (this.fixedTopic !== null) {
      topic = this.fixedTopic
    } else {
      const chosen = def.extractor!(record.key, record.value, record)
      if (typeof chosen !== 'string' || chosen.length === 0) {
        throw new TypeError(`Sink ${def.name}: the topic name extractor returned ${String(chosen)} instead of a topic name`)
      }
      topic = chosen
    }
    let key: Buffer | null | Promise<Buffer | null>
    let value: Buffer | null | Promise<Buffer | null>
    try {
      key = this.keySerde.serialize(topic, record.key)
      value = this.valueSerde.serialize(topic, record.value)
    } catch (err) {
      throw this.serializationError(topic, err)
    }
    if (key instanceof Promise || value instanceof Promise) {
      return Promise.all([key, value]).then(
        ([k, v]) => this.send(topic, k, v, record),
        (err: unknown) => {
          throw this.serializationError(topic, err)
        },
      )
    }
    this.send(topic, key, value, record)
  }

  private send(topic: string, key: Buffer | null, value: Buffer | null, record: Record<unknown, unknown>): void {
    let partition = DEFAULT_PARTITION
    const partitioner = this.def.partitioner
    if (partitioner) {
      const count = this.partitionCount(topic)
      if (count !== undefined) {
        const chosen = partitioner(topic, record.key, record.value, count)
        if (chosen !== undefined && chosen !== null) {
          if (!Number.isInteger(chosen) || chosen < 0 || chosen >= count) {
            throw new RangeError(`Sink ${this.def.name}: the stream partitioner chose partition ${chosen} of topic ${topic}, which has ${count}`)
          }
          partition = chosen
        }
      }
    }
    this.collector.send(topic, { key, value, timestamp: record.timestamp, headers: record.headers }, partition)
  }

  private serializationError(topic: string, err: unknown): Error {
    const message = err instanceof Error ? err.message : String(err)
    const hint =
      this.def.keySerde === null || this.def.valueSerde === null
        ? ' (this sink uses the default serdes; name them with Produced.with(keySerde, valueSerde))'
        : ''
    return new SerializationError(`Sink ${this.def.name} could not serialize a record for topic "${topic}": ${message}${hint}`, topic, { cause: err })
  }
}
