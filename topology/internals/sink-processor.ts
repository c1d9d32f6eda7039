import type { RecordCollector } from '../../stores/state-store.js'
import type { Processor } from '../processor/processor.js'
import type { Record } from '../processor/record.js'
import type { AnySerde } from '../serdes/serde.js'
import type { SinkSerialization } from './collector-types.js'
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
    return this.collector.sendRecord(topic, record, this.serialization)
  }
}
