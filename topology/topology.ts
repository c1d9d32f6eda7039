import type { StateStore } from '../stores/state-store.js'
import type { StoreBuilder } from '../stores/store-builder.js'
import type { OffsetResetPolicy, TimestampExtractor } from './options/consumed.js'
import type { StreamPartitioner } from './options/produced.js'
import type { ProcessorSupplier } from './processor/processor.js'
import type { AnySerde } from './serdes/serde.js'
import { InternalTopologyBuilder } from './internals/internal-topology-builder.js'
import type { TopicNameExtractor } from './internals/node-defs.js'
import { describeTopology, type TopologyDescription } from './internals/topology-description.js'
import { buildMetadata, type TopologyMetadata } from './internals/topology-metadata.js'
import { TopologyError } from './internals/topology-error.js'

export interface SourceNodeOptions {
  name: string
  topics?: string[]
  pattern?: RegExp
  keySerde?: AnySerde<any>
  valueSerde?: AnySerde<any>
  timestampExtractor?: TimestampExtractor
  offsetReset?: OffsetResetPolicy
}

export interface SinkNodeOptions {
  name: string
  topic: string | TopicNameExtractor
  keySerde?: AnySerde<any>
  valueSerde?: AnySerde<any>
  partitioner?: StreamPartitioner<any, any>
}

/**
 * A processor graph, built with `StreamsBuilder` (the DSL) or node by node (the Processor API).
 * The runtime and `TopologyTestDriver` run it through `StreamTask`.
 */
export class Topology {
  /** @internal the graph; DSL classes and the task executor work on it directly */
  readonly builder: InternalTopologyBuilder

  /** @internal Users call `new Topology()`; the DSL passes its graph. */
  constructor(builder?: InternalTopologyBuilder) {
    this.builder = builder ?? new InternalTopologyBuilder()
  }

  addSource(name: string, ...topics: string[]): this
  addSource(options: SourceNodeOptions): this
  addSource(nameOrOptions: string | SourceNodeOptions, ...topics: string[]): this {
    if (typeof nameOrOptions === 'string') {
      this.builder.addSource(nameOrOptions, topics)
      return this
    }
    const o = nameOrOptions
    if ((o.topics === undefined) === (o.pattern === undefined)) {
      throw new TopologyError(`Source ${o.name}: give either topics or a pattern`)
    }
    this.builder.addSource(o.name, o.pattern ?? o.topics!, {
      keySerde: o.keySerde,
      valueSerde: o.valueSerde,
      timestampExtractor: o.timestampExtractor,
      offsetReset: o.offsetReset,
    })
    return this
  }

  addProcessor(name: string, supplier: ProcessorSupplier<any, any, any, any>, ...parentNames: string[]): this {
    this.builder.addProcessor(name, supplier, ...parentNames).userCode = true
    return this
  }

  addSink(name: string, topic: string | TopicNameExtractor, ...parentNames: string[]): this
  addSink(options: SinkNodeOptions, ...parentNames: string[]): this
  addSink(nameOrOptions: string | SinkNodeOptions, ...rest: any[]): this {
    if (typeof nameOrOptions === 'string') {
      const [topic, ...parents] = rest as [string | TopicNameExtractor, ...string[]]
      this.builder.addSink(nameOrOptions, topic, {}, ...parents)
    } else {
      const o = nameOrOptions
      this.builder.addSink(o.name, o.topic, { keySerde: o.keySerde, valueSerde: o.valueSerde, partitioner: o.partitioner }, ...(rest as string[]))
    }
    return this
  }

  addStateStore(storeBuilder: StoreBuilder<StateStore>, ...processorNames: string[]): this {
    this.builder.addStateStore(storeBuilder, ...processorNames)
    return this
  }

  connectProcessorAndStateStores(processorName: string, ...storeNames: string[]): this {
    this.builder.connectProcessorAndStateStores(processorName, ...storeNames)
    return this
  }

  /** A global store fed by `supplier`'s processor from every partition of `topic` (logging disabled: the topic is the changelog). */
  addGlobalStore(
    storeBuilder: StoreBuilder<StateStore>,
    sourceName: string,
    topic: string,
    options: { keySerde?: AnySerde<any>; valueSerde?: AnySerde<any>; timestampExtractor?: TimestampExtractor },
    processorName: string,
    supplier: ProcessorSupplier<any, any, void, void>,
  ): this {
    this.builder.addGlobalStore(storeBuilder, sourceName, topic, options, processorName, supplier)
    this.builder.markUserCode(processorName)
    return this
  }

  describe(): TopologyDescription {
    return describeTopology(this.builder)
  }

  /** @internal Topics, stores and groups the runtime must create, subscribe to and check. */
  metadata(applicationId: string): TopologyMetadata {
    if (typeof applicationId !== 'string' || applicationId.length === 0) {
      throw new TypeError('Topology.metadata: applicationId must be a non-empty string')
    }
    return buildMetadata(this.builder, applicationId)
  }
}
