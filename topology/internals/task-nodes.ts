import type { RecordCollector } from '../../stores/state-store.js'
import type { Processor } from '../processor/processor.js'
import type { Record } from '../processor/record.js'
import { Serdes } from '../serdes/serdes.js'
import type { AnySerde } from '../serdes/serde.js'
import type { Topology } from '../topology.js'
import type { SourceNodeDef } from './node-defs.js'
import { NodeContext, ProcessorNode, type TaskRuntime } from './processor-node.js'
import { SinkProcessor } from './sink-processor.js'
import { resolveTopic } from './topology-metadata.js'
import { TopologyError } from './topology-error.js'

/** A source's deserializers, resolved once per task. */
export interface SourceSerdes {
  key: AnySerde<unknown>
  value: AnySerde<unknown>
}

/** A task's processor graph (Kafka Streams' ProcessorTopology of one sub-topology). */
export interface TaskNodes {
  /** Every node in topological order: the order of init() and close(). */
  readonly nodes: Map<string, ProcessorNode>
  readonly sources: SourceNodeDef[]
  readonly sourceNodes: Map<string, ProcessorNode>
  readonly deserializers: Map<SourceNodeDef, SourceSerdes>
  /** Whether a node runs Processor API code, whose async chains may interleave (see AsyncScope). */
  readonly userCode: boolean
}

export interface TaskNodesOptions {
  topology: Topology
  applicationId: string
  collector: RecordCollector
  defaultKeySerde?: AnySerde<any>
  defaultValueSerde?: AnySerde<any>
  partitionCount?: (topic: string) => number | undefined
}

class SourceProcessor implements Processor<unknown, unknown, unknown, unknown> {
  private ctx!: NodeContext
  init(ctx: NodeContext): void {
    this.ctx = ctx
  }
  process(record: Record<unknown, unknown>): void | Promise<void> {
    return this.ctx.forward(record)
  }
}

/** Instantiates the nodes `names` of the topology for `task`, wiring each to its parents. */
export function buildTaskNodes(task: TaskRuntime, names: string[], opts: TaskNodesOptions): TaskNodes {
  const nodes = new Map<string, ProcessorNode>()
  const sources: SourceNodeDef[] = []
  const sourceNodes = new Map<string, ProcessorNode>()
  const deserializers = new Map<SourceNodeDef, SourceSerdes>()
  let userCode = false
  const builder = opts.topology.builder
  const defaultKey = opts.defaultKeySerde ?? Serdes.Bytes()
  const defaultValue = opts.defaultValueSerde ?? Serdes.Bytes()
  for (const name of names) {
    const def = builder.nodes.get(name)!
    let node: ProcessorNode
    if (def.kind === 'source') {
      node = new ProcessorNode(name, new SourceProcessor(), new Set())
      sources.push(def)
      sourceNodes.set(name, node)
      deserializers.set(def, { key: def.keySerde ?? defaultKey, value: def.valueSerde ?? defaultValue })
    } else if (def.kind === 'sink') {
      const sink = new SinkProcessor(
        def,
        def.keySerde ?? defaultKey,
        def.valueSerde ?? defaultValue,
        opts.collector,
        (topic) => resolveTopic(builder, opts.applicationId, topic),
        opts.partitionCount ?? (() => undefined),
      )
      node = new ProcessorNode(name, sink, new Set())
    } else {
      const processor = def.supplier()
      if (!processor || typeof processor.process !== 'function') {
        throw new TopologyError(`the supplier of processor ${name} did not return a Processor (an object with process())`)
      }
      node = new ProcessorNode(name, processor, def.stores)
      if (def.userCode) userCode = true
    }
    node.context = new NodeContext(task, node)
    nodes.set(name, node)
    for (const parent of def.predecessors) nodes.get(parent)!.addChild(node)
  }
  return { nodes, sources, sourceNodes, deserializers, userCode }
}
