import type { InternalTopologyBuilder } from './internal-topology-builder.js'

export interface NodeDescription {
  readonly kind: 'source' | 'processor' | 'sink'
  readonly name: string
  readonly predecessors: NodeDescription[]
  readonly successors: NodeDescription[]
  /** source: topics (or null with a pattern); sink: [topic] or null with an extractor */
  readonly topics: string[] | null
  readonly topicPattern: RegExp | null
  readonly stores: string[]
  toString(): string
}

export interface SubtopologyDescription {
  readonly id: number
  readonly nodes: NodeDescription[]
  toString(): string
}

export interface GlobalStoreDescription {
  readonly id: number
  readonly source: NodeDescription
  readonly processor: NodeDescription
  toString(): string
}

export interface TopologyDescription {
  readonly subtopologies: SubtopologyDescription[]
  readonly globalStores: GlobalStoreDescription[]
  toString(): string
}

class Node implements NodeDescription {
  readonly predecessors: Node[] = []
  readonly successors: Node[] = []
  size = -1
  constructor(
    readonly kind: 'source' | 'processor' | 'sink',
    readonly name: string,
    readonly topics: string[] | null,
    readonly topicPattern: RegExp | null,
    readonly stores: string[],
    private readonly extractorName: string | null,
  ) {}

  toString(): string {
    switch (this.kind) {
      case 'source':
        return `Source: ${this.name} (topics: ${this.topics ? `[${this.topics.join(', ')}]` : this.topicPattern!.source})\n      --> ${names(this.successors)}`
      case 'processor':
        return `Processor: ${this.name} (stores: [${this.stores.join(', ')}])\n      --> ${names(this.successors)}\n      <-- ${names(this.predecessors)}`
      case 'sink':
        return this.topics
          ? `Sink: ${this.name} (topic: ${this.topics[0]})\n      <-- ${names(this.predecessors)}`
          : `Sink: ${this.name} (extractor class: ${this.extractorName})\n      <-- ${names(this.predecessors)}`
    }
  }
}

function names(nodes: Node[]): string {
  return nodes.length === 0 ? 'none' : nodes.map((n) => n.name).join(', ')
}

/** Kafka Streams' order: bigger sub-trees first, then by name. */
function compareNodes(a: Node, b: Node): number {
  if (a.size !== b.size) return b.size - a.size
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0
}

function subtreeSize(node: Node): number {
  if (node.size < 0) {
    let size = 1
    for (const child of node.successors) size += subtreeSize(child)
    node.size = size
  }
  return node.size
}

/** Describes the graph exactly as Kafka Streams' `TopologyDescription` prints it. */
export function describeTopology(builder: InternalTopologyBuilder): TopologyDescription {
  const subtopologies: SubtopologyDescription[] = []
  const globalStores: GlobalStoreDescription[] = []
  for (const group of builder.nodeGroups()) {
    const nodes = new Map<string, Node>()
    for (const name of group.nodes) {
      const def = builder.nodes.get(name)!
      if (def.kind === 'source') nodes.set(name, new Node('source', name, def.topics, def.pattern, [], null))
      else if (def.kind === 'processor') nodes.set(name, new Node('processor', name, null, null, [...def.stores], null))
      else nodes.set(name, new Node('sink', name, def.topic === null ? null : [def.topic], null, [], def.extractor ? def.extractor.name || 'TopicNameExtractor' : null))
    }
    for (const name of group.nodes) {
      const node = nodes.get(name)!
      for (const p of builder.nodes.get(name)!.predecessors) {
        const parent = nodes.get(p)!
        node.predecessors.push(parent)
        parent.successors.push(node)
      }
    }
    for (const node of nodes.values()) subtreeSize(node)
    for (const node of nodes.values()) {
      node.predecessors.sort(compareNodes)
      node.successors.sort(compareNodes)
    }
    const sorted = [...nodes.values()].sort(compareNodes)
    if (group.global) {
      const source = sorted.find((n) => n.kind === 'source')!
      const processor = sorted.find((n) => n.kind === 'processor')!
      const id = group.id
      globalStores.push({
        id,
        source,
        processor,
        toString: () =>
          `Sub-topology: ${id} for global store (will not generate tasks)\n    ${source.toString()}\n    ${processor.toString()}\n`,
      })
    } else {
      const id = group.id
      subtopologies.push({
        id,
        nodes: sorted,
        toString: () => `Sub-topology: ${id}\n${sorted.map((n) => `    ${n.toString()}\n`).join('')}\n`,
      })
    }
  }
  return {
    subtopologies,
    globalStores,
    toString() {
      let out = 'Topologies:\n '
      const all: { id: number; toString(): string }[] = [...subtopologies, ...globalStores].sort((a, b) => a.id - b.id)
      for (const part of all) out += '  ' + part.toString()
      return out
    },
  }
}
