import type { NodeDescription, TopologyDescription } from '../internals/topology-description.js'

// One graph model shared by every renderer, so Mermaid, DOT and text always show the same
// nodes, topics, stores and edges.

export type DiagramNodeKind = 'source' | 'processor' | 'sink'

export interface DiagramNode {
  readonly id: string
  readonly kind: DiagramNodeKind
  readonly name: string
  readonly stores: DiagramStore[]
  /** a sink whose TopicNameExtractor picks the topic per record */
  readonly dynamicTopic: boolean
}

export interface DiagramStore {
  readonly id: string
  readonly name: string
}

export interface DiagramTopic {
  readonly id: string
  /** the topic name, or `/pattern/` for a pattern subscription */
  readonly label: string
  /** written by a sink and read by a source of this topology (repartition topics) */
  readonly internal: boolean
  readonly isPattern: boolean
}

export interface DiagramGroup {
  readonly id: string
  readonly title: string
  readonly global: boolean
  /** in the description's order (Kafka Streams': bigger sub-trees first, then by name) */
  readonly nodes: DiagramNode[]
  readonly stores: DiagramStore[]
}

export interface DiagramEdge {
  readonly from: string
  readonly to: string
  /** `records`: node to node; `read`: topic to source; `write`: sink to topic; `store`: processor to its store */
  readonly kind: 'records' | 'read' | 'write' | 'store'
}

export interface TopologyDiagram {
  readonly topics: DiagramTopic[]
  readonly groups: DiagramGroup[]
  readonly edges: DiagramEdge[]
  /** successors of each node id, in the description's order */
  readonly successors: ReadonlyMap<string, DiagramNode[]>
  readonly predecessors: ReadonlyMap<string, DiagramNode[]>
  /** topics read by each source id, written by each sink id */
  readonly topicsOf: ReadonlyMap<string, DiagramTopic[]>
}

/** What the renderers accept: a description, or anything with `describe()` (a `Topology`). */
export type Describable = TopologyDescription | { describe(): TopologyDescription }

export function toDescription(input: Describable, caller: string): TopologyDescription {
  const candidate = input !== null && typeof input === 'object' && typeof (input as { describe?: unknown }).describe === 'function'
    ? (input as { describe(): TopologyDescription }).describe()
    : input
  if (
    candidate === null ||
    typeof candidate !== 'object' ||
    !Array.isArray((candidate as TopologyDescription).subtopologies) ||
    !Array.isArray((candidate as TopologyDescription).globalStores)
  ) {
    throw new TypeError(`${caller}: expected a TopologyDescription (topology.describe()) or a Topology, got ${describeValue(input)}`)
  }
  return candidate as TopologyDescription
}

function describeValue(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'object' ? 'an object without subtopologies and globalStores' : typeof value
}

/** Identifiers safe in Mermaid and DOT: letters, digits and `_`, unique across the diagram. */
class IdAllocator {
  private readonly used = new Set<string>()

  allocate(prefix: string, name: string): string {
    const base = `${prefix}_${name.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '')}`
    let id = base
    for (let n = 2; this.used.has(id); n++) id = `${base}_${n}`
    this.used.add(id)
    return id
  }
}

/** The name, and for a sink with a TopicNameExtractor a note that it has no fixed topic. */
export function nodeLabel(node: DiagramNode): string {
  return node.dynamicTopic ? `${node.name} (topic per record)` : node.name
}

export function buildDiagram(description: TopologyDescription): TopologyDiagram {
  const ids = new IdAllocator()
  const topics = new Map<string, DiagramTopic & { internal: boolean }>()
  const read = new Set<string>()
  const written = new Set<string>()
  const groups: DiagramGroup[] = []
  const edges: DiagramEdge[] = []
  const byDescription = new Map<NodeDescription, DiagramNode>()
  const topicsOf = new Map<string, DiagramTopic[]>()

  const topic = (key: string, label: string, isPattern: boolean): DiagramTopic => {
    let t = topics.get(key)
    if (!t) {
      t = { id: ids.allocate('topic', label), label, internal: false, isPattern }
      topics.set(key, t)
    }
    return t
  }

  const parts = [
    ...description.subtopologies.map((s) => ({ id: s.id, global: false, nodes: s.nodes })),
    ...description.globalStores.map((g) => ({ id: g.id, global: true, nodes: [g.source, g.processor] })),
  ].sort((a, b) => a.id - b.id)

  for (const part of parts) {
    const stores = new Map<string, DiagramStore>()
    const nodes: DiagramNode[] = []
    for (const n of part.nodes) {
      const nodeStores: DiagramStore[] = []
      for (const name of n.stores) {
        let store = stores.get(name)
        if (!store) {
          store = { id: ids.allocate('store', name), name }
          stores.set(name, store)
        }
        if (!nodeStores.includes(store)) nodeStores.push(store)
      }
      const node: DiagramNode = { id: ids.allocate(n.kind, n.name), kind: n.kind, name: n.name, stores: nodeStores, dynamicTopic: n.kind === 'sink' && n.topics === null }
      byDescription.set(n, node)
      nodes.push(node)
    }
    groups.push({
      id: ids.allocate(part.global ? 'global' : 'sub', String(part.id)),
      title: part.global ? `Global store (sub-topology ${part.id})` : `Sub-topology ${part.id}`,
      global: part.global,
      nodes,
      stores: [...stores.values()],
    })
  }

  const successors = new Map<string, DiagramNode[]>()
  const predecessors = new Map<string, DiagramNode[]>()
  for (const [desc, node] of byDescription) {
    successors.set(node.id, desc.successors.map((s) => byDescription.get(s)).filter((s): s is DiagramNode => s !== undefined))
    predecessors.set(node.id, desc.predecessors.map((p) => byDescription.get(p)).filter((p): p is DiagramNode => p !== undefined))
  }

  // Edges in a stable order: per node, topics in, then its stores, then records out, then topics out.
  for (const [desc, node] of byDescription) {
    if (node.kind === 'source') {
      const list = desc.topics
        ? desc.topics.map((name) => topic(name, name, false))
        : desc.topicPattern
          ? [topic(`/${desc.topicPattern.source}/`, `/${desc.topicPattern.source}/`, true)]
          : []
      for (const t of list) {
        read.add(t.id)
        edges.push({ from: t.id, to: node.id, kind: 'read' })
      }
      topicsOf.set(node.id, list)
    }
    for (const store of node.stores) edges.push({ from: node.id, to: store.id, kind: 'store' })
    for (const next of successors.get(node.id)!) edges.push({ from: node.id, to: next.id, kind: 'records' })
    if (node.kind === 'sink') {
      const list = desc.topics ? desc.topics.map((name) => topic(name, name, false)) : []
      for (const t of list) {
        written.add(t.id)
        edges.push({ from: node.id, to: t.id, kind: 'write' })
      }
      topicsOf.set(node.id, list)
    }
  }

  const topicList: DiagramTopic[] = [...topics.values()].map((t) => ({ ...t, internal: read.has(t.id) && written.has(t.id) }))
  const byId = new Map(topicList.map((t) => [t.id, t]))
  for (const [id, list] of topicsOf) topicsOf.set(id, list.map((t) => byId.get(t.id)!))
  return { topics: topicList, groups, edges, successors, predecessors, topicsOf }
}
