import type { StateStore } from '../../stores/state-store.js'
import type { StoreBuilder } from '../../stores/store-builder.js'
import type { TimestampExtractor, OffsetResetPolicy } from '../options/consumed.js'
import type { StreamPartitioner } from '../options/produced.js'
import type { ProcessorSupplier } from '../processor/processor.js'
import type { AnySerde } from '../serdes/serde.js'
import type { Record } from '../processor/record.js'

/** Chooses the output topic of a record (dynamic routing in `to()`). */
export type TopicNameExtractor<K = any, V = any> = (key: K, value: V | null, record: Record<K, V | null>) => string

export interface SourceNodeDef {
  kind: 'source'
  name: string
  /** Topic names as written in the topology; internal (repartition) topics get the application id prefix at run time. */
  topics: string[] | null
  pattern: RegExp | null
  keySerde: AnySerde<any> | null
  valueSerde: AnySerde<any> | null
  timestampExtractor: TimestampExtractor | null
  offsetReset: OffsetResetPolicy | null
  predecessors: string[]
}

export interface ProcessorNodeDef {
  kind: 'processor'
  name: string
  supplier: ProcessorSupplier<any, any, any, any>
  stores: Set<string>
  predecessors: string[]
  /** A Processor API processor (user code): its async chains may interleave, see AsyncScope. */
  userCode?: boolean
}

export interface SinkNodeDef {
  kind: 'sink'
  name: string
  topic: string | null
  extractor: TopicNameExtractor | null
  keySerde: AnySerde<any> | null
  valueSerde: AnySerde<any> | null
  partitioner: StreamPartitioner<any, any> | null
  predecessors: string[]
}

export type NodeDef = SourceNodeDef | ProcessorNodeDef | SinkNodeDef

export interface StoreDef {
  builder: StoreBuilder<StateStore>
  /** Processors connected to the store. */
  users: Set<string>
  global: boolean
}

export interface RepartitionTopicDef {
  name: string
  partitions: number | null
}
