import type { StateStore } from '../../stores/state-store.js'
import type { StoreBuilder } from '../../stores/store-builder.js'
import type { ProcessorSupplier } from '../processor/processor.js'
import type { NodeDef, ProcessorNodeDef, RepartitionTopicDef, SinkNodeDef, SourceNodeDef, StoreDef, TopicNameExtractor } from './node-defs.js'
import { TopologyError } from './topology-error.js'
import type { AnySerde } from '../serdes/serde.js'
import type { TimestampExtractor, OffsetResetPolicy } from '../options/consumed.js'
import type { StreamPartitioner } from '../options/produced.js'

export interface SourceOptions {
  keySerde?: AnySerde<any> | null
  valueSerde?: AnySerde<any> | null
  timestampExtractor?: TimestampExtractor | null
  offsetReset?: OffsetResetPolicy | null
}

export interface SinkOptions {
  keySerde?: AnySerde<any> | null
  valueSerde?: AnySerde<any> | null
  partitioner?: StreamPartitioner<any, any> | null
}

export interface NodeGroup {
  id: number
  nodes: string[]
  global: boolean
}

/**
 * The processor graph: nodes in insertion order (which is a topological order, since a node's
 * parents must exist before it), state stores and their users, internal topics, and the name
 * counter that gives DSL nodes Kafka Streams' generated names.
 */
export class InternalTopologyBuilder {
  readonly nodes = new Map<string, NodeDef>()
  readonly stores = new Map<string, StoreDef>()
  readonly repartitionTopics = new Map<string, RepartitionTopicDef>()
  /** Global store name → its source node and processor. */
  readonly globalStores = new Map<string, { sourceName: string; processorName: string; topic: string }>()
  readonly copartitionGroups: string[][] = []
  /** Checks StreamsBuilder.build() runs first: DSL rules that hold only once the graph is complete. */
  readonly buildChecks: (() => void)[] = []
  private readonly topicOwners = new Map<string, string>()
  private index = 0
  private frozen = false

  newProcessorName(prefix: string): string {
    return prefix + String(this.index++).padStart(10, '0')
  }

  newStoreName(prefix: string): string {
    return prefix + 'STATE-STORE-' + String(this.index++).padStart(10, '0')
  }

  private checkMutable(): void {
    if (this.frozen) throw new TopologyError('the topology was already built; add nodes before build()')
  }

  private checkNewName(name: string): void {
    if (typeof name !== 'string' || name.length === 0) throw new TopologyError('node name must be a non-empty string')
    if (this.nodes.has(name)) throw new TopologyError(`Processor ${name} is already added.`)
  }

  private checkParents(name: string, parents: string[]): void {
    if (parents.length === 0) throw new TopologyError(`${name} must have at least one parent`)
    for (const parent of parents) {
      if (parent === name) throw new TopologyError(`Processor ${name} cannot be a predecessor of itself.`)
      const def = this.nodes.get(parent)
      if (!def) throw new TopologyError(`Parent processor ${parent} is not added yet for ${name}.`)
      if (def.kind === 'sink') throw new TopologyError(`Sink ${parent} cannot be used as a parent (of ${name}).`)
    }
  }

  addSource(name: string, topicsOrPattern: string[] | RegExp, options: SourceOptions = {}): SourceNodeDef {
    this.checkMutable()
    this.checkNewName(name)
    let topics: string[] | null = null
    let pattern: RegExp | null = null
    if (topicsOrPattern instanceof RegExp) {
      pattern = topicsOrPattern
    } else {
      if (!Array.isArray(topicsOrPattern) || topicsOrPattern.length === 0) {
        throw new TopologyError(`Source ${name} needs at least one topic`)
      }
      for (const topic of topicsOrPattern) {
        if (typeof topic !== 'string' || topic.length === 0) throw new TopologyError(`Source ${name} has an empty topic name`)
        const owner = this.topicOwners.get(topic)
        if (owner) throw new TopologyError(`Topic ${topic} has already been registered by another source (${owner}).`)
      }
      for (const topic of topicsOrPattern) this.topicOwners.set(topic, name)
      topics = [...topicsOrPattern]
    }
    const def: SourceNodeDef = {
      kind: 'source',
      name,
      topics,
      pattern,
      keySerde: options.keySerde ?? null,
      valueSerde: options.valueSerde ?? null,
      timestampExtractor: options.timestampExtractor ?? null,
      offsetReset: options.offsetReset ?? null,
      predecessors: [],
    }
    this.nodes.set(name, def)
    return def
  }

  /** Marks a processor as Processor API code (the task then carries record contexts into its async continuations). */
  markUserCode(processorName: string): void {
    const def = this.nodes.get(processorName)
    if (def?.kind === 'processor') def.userCode = true
  }

  addProcessor(name: string, supplier: ProcessorSupplier<any, any, any, any>, ...parents: string[]): ProcessorNodeDef {
    this.checkMutable()
    this.checkNewName(name)
    if (typeof supplier !== 'function') throw new TopologyError(`Processor ${name} needs a processor supplier function`)
    this.checkParents(name, parents)
    const def: ProcessorNodeDef = { kind: 'processor', name, supplier, stores: new Set(), predecessors: [...parents] }
    this.nodes.set(name, def)
    return def
  }

  addSink(name: string, topic: string | TopicNameExtractor, options: SinkOptions, ...parents: string[]): SinkNodeDef {
    this.checkMutable()
    this.checkNewName(name)
    if (typeof topic === 'string' ? topic.length === 0 : typeof topic !== 'function') {
      throw new TopologyError(`Sink ${name} needs a topic name or a topic name extractor`)
    }
    this.checkParents(name, parents)
    const def: SinkNodeDef = {
      kind: 'sink',
      name,
      topic: typeof topic === 'string' ? topic : null,
      extractor: typeof topic === 'function' ? topic : null,
      keySerde: options.keySerde ?? null,
      valueSerde: options.valueSerde ?? null,
      partitioner: options.partitioner ?? null,
      predecessors: [...parents],
    }
    this.nodes.set(name, def)
    return def
  }

  /** Adds a parent to an existing node (merge, and nodes whose parents are known late). */
  addParent(name: string, parent: string): void {
    const def = this.nodes.get(name)
    if (!def) throw new TopologyError(`Processor ${name} is not added yet.`)
    this.checkParents(name, [parent])
    if (!def.predecessors.includes(parent)) def.predecessors.push(parent)
  }

  addStateStore(builder: StoreBuilder<StateStore>, ...processorNames: string[]): void {
    this.checkMutable()
    if (!builder || typeof builder.build !== 'function' || typeof builder.name !== 'string') {
      throw new TopologyError('addStateStore needs a store builder (Stores.keyValueStoreBuilder(...) and friends)')
    }
    if (this.stores.has(builder.name)) throw new TopologyError(`StateStore ${builder.name} is already added.`)
    this.stores.set(builder.name, { builder, users: new Set(), global: false })
    if (processorNames.length > 0) this.connectProcessorAndStateStores(processorNames[0], builder.name)
    for (const processor of processorNames.slice(1)) this.connectProcessorAndStateStores(processor, builder.name)
  }

  hasStore(name: string): boolean {
    return this.stores.has(name)
  }

  connectProcessorAndStateStores(processorName: string, ...storeNames: string[]): void {
    const def = this.nodes.get(processorName)
    if (!def) throw new TopologyError(`Processor ${processorName} is not added yet.`)
    if (def.kind !== 'processor') throw new TopologyError(`${processorName} is a ${def.kind}; only processors can use state stores`)
    for (const storeName of storeNames) {
      const store = this.stores.get(storeName)
      if (!store) throw new TopologyError(`StateStore ${storeName} is not added yet (connecting it to ${processorName}).`)
      if (store.global) throw new TopologyError(`Global StateStore ${storeName} can be used by a Processor without being specified; it should not be explicitly passed.`)
      store.users.add(processorName)
      def.stores.add(storeName)
    }
  }

  /** A global store: fed from every partition of `topic` by `processor`, read by every task. */
  addGlobalStore(
    builder: StoreBuilder<StateStore>,
    sourceName: string,
    topic: string,
    sourceOptions: SourceOptions,
    processorName: string,
    supplier: ProcessorSupplier<any, any, any, any>,
  ): void {
    this.checkMutable()
    if (this.stores.has(builder.name)) throw new TopologyError(`StateStore ${builder.name} is already added.`)
    if (builder.loggingEnabled) builder.withLoggingDisabled() // the source topic is the changelog
    this.addSource(sourceName, [topic], sourceOptions)
    const processor = this.addProcessor(processorName, supplier, sourceName)
    this.stores.set(builder.name, { builder, users: new Set([processorName]), global: true })
    processor.stores.add(builder.name)
    this.globalStores.set(builder.name, { sourceName, processorName, topic })
  }

  addRepartitionTopic(name: string, partitions: number | null): void {
    const existing = this.repartitionTopics.get(name)
    if (existing) {
      if (partitions !== null && existing.partitions !== null && existing.partitions !== partitions) {
        throw new TopologyError(`repartition topic ${name} is declared with ${existing.partitions} and ${partitions} partitions`)
      }
      existing.partitions ??= partitions
      return
    }
    this.repartitionTopics.set(name, { name, partitions })
  }

  /** Source nodes whose topics must have equal partition counts (joins). */
  copartitionSources(sourceNodeNames: Iterable<string>): void {
    const group = [...new Set(sourceNodeNames)]
    for (const name of group) {
      if (this.nodes.get(name)?.kind !== 'source') throw new TopologyError(`copartitioning: ${name} is not a source node`)
    }
    if (group.length > 0) this.copartitionGroups.push(group)
  }

  freeze(): void {
    this.frozen = true
  }

  isGlobalSource(name: string): boolean {
    const def = this.nodes.get(name)
    if (!def || def.kind !== 'source' || !def.topics || def.topics.length !== 1) return false
    for (const g of this.globalStores.values()) if (g.sourceName === name) return true
    return false
  }

  /**
   * Splits the graph into connected components (parents and shared stores connect nodes),
   * numbered in order of first appearance, as Kafka Streams' node groups.
   */
  nodeGroups(): NodeGroup[] {
    const parent = new Map<string, string>()
    const find = (x: string): string => {
      let root = x
      while (parent.get(root) !== root) root = parent.get(root)!
      let cur = x
      while (cur !== root) {
        const next = parent.get(cur)!
        parent.set(cur, root)
        cur = next
      }
      return root
    }
    const union = (a: string, b: string): void => {
      const ra = find(a)
      const rb = find(b)
      if (ra !== rb) parent.set(rb, ra)
    }
    for (const name of this.nodes.keys()) parent.set(name, name)
    for (const def of this.nodes.values()) for (const p of def.predecessors) union(def.name, p)
    for (const store of this.stores.values()) {
      let first: string | null = null
      for (const user of store.users) {
        if (first === null) first = user
        else union(first, user)
      }
    }
    const groups: NodeGroup[] = []
    const byRoot = new Map<string, NodeGroup>()
    for (const name of this.nodes.keys()) {
      const root = find(name)
      let group = byRoot.get(root)
      if (!group) {
        group = { id: groups.length, nodes: [], global: false }
        byRoot.set(root, group)
        groups.push(group)
      }
      group.nodes.push(name)
      if (this.isGlobalSource(name)) group.global = true
    }
    return groups
  }
}
