import { buildDiagram, nodeLabel, toDescription, type Describable, type DiagramGroup, type DiagramNode, type DiagramTopic, type TopologyDiagram } from './diagram-model.js'

// A terminal drawing: each sub-topology as a column of boxes in processing order. An edge to the
// next box is a vertical arrow; any other edge is a `──▶ name` line under the box it leaves and a
// `◀ from name` line inside the box it enters. Lines stay within MAX_WIDTH columns.

const MAX_WIDTH = 100
const INDENT = '  '
const MIN_INNER = 30
const MAX_INNER = MAX_WIDTH - INDENT.length - 4
const STEM = `${INDENT}    `

/** Boxes and arrows for terminals, readable at 100 columns. */
export function renderAscii(input: Describable): string {
  const diagram = buildDiagram(toDescription(input, 'renderAscii'))
  const readers = groupsTouching(diagram, 'read')
  const writers = groupsTouching(diagram, 'write')
  const out: string[] = []
  for (const group of diagram.groups) {
    if (out.length > 0) out.push('')
    out.push(group.title, '═'.repeat(group.title.length))
    const order = processingOrder(group, diagram)
    const inner = innerWidth(group, diagram, readers, writers)
    order.forEach((node, i) => {
      const previous = i > 0 ? order[i - 1] : undefined
      const arrivesFromPrevious = previous !== undefined && diagram.successors.get(previous.id)!.includes(node)
      const topicsIn = node.kind === 'source' ? diagram.topicsOf.get(node.id)! : []
      if (!arrivesFromPrevious) out.push('')
      if (topicsIn.length > 0) {
        box(out, '╭', '╮', '╰', '╯', topicsIn.length > 1 ? 'topics' : 'topic', topicLines(topicsIn, group, writers, '◀ written by'), inner)
        arrow(out)
      } else if (arrivesFromPrevious) {
        arrow(out)
      }
      const body = wrap(nodeLabel(node), inner)
      for (const from of incomingNotDrawn(node, previous, arrivesFromPrevious, diagram)) body.push(...wrap(`◀ from ${from.name}`, inner))
      for (const store of node.stores) body.push(...wrap(`store: ${store.name}`, inner))
      box(out, '┌', '┐', '└', '┘', node.kind, body, inner)

      const next = order[i + 1]
      const others = diagram.successors.get(node.id)!.filter((s) => s !== next)
      others.forEach((s, k) => out.push(`${STEM}${k === others.length - 1 && !diagram.successors.get(node.id)!.includes(next!) ? '└' : '├'}──▶ ${s.name}`))
      const topicsOut = node.kind === 'sink' ? diagram.topicsOf.get(node.id)! : []
      if (topicsOut.length > 0) {
        arrow(out)
        box(out, '╭', '╮', '╰', '╯', 'topic', topicLines(topicsOut, group, readers, '▶ read by'), inner)
      }
    })
  }
  return out.join('\n') + '\n'
}

/** Predecessors whose edge is not the arrow from the box above: named in the box, so a reader of any box sees all its inputs. */
function incomingNotDrawn(node: DiagramNode, previous: DiagramNode | undefined, arrow: boolean, diagram: TopologyDiagram): DiagramNode[] {
  return diagram.predecessors.get(node.id)!.filter((p) => !(arrow && p === previous))
}

function arrow(out: string[]): void {
  out.push(`${STEM}│`, `${STEM}▼`)
}

function box(out: string[], tl: string, tr: string, bl: string, br: string, title: string, body: string[], inner: number): void {
  const head = `${tl}─ ${title} `
  out.push(INDENT + head + '─'.repeat(inner + 2 - (head.length - 1)) + tr)
  for (const line of body) out.push(`${INDENT}│ ${line.padEnd(inner)} │`)
  out.push(INDENT + bl + '─'.repeat(inner + 2) + br)
}

/** Topic names, and for a topic that links sub-topologies, which others write or read it. */
function topicLines(topics: DiagramTopic[], group: DiagramGroup, others: Map<string, DiagramGroup[]>, verb: string): string[] {
  const lines: string[] = []
  for (const t of topics) {
    lines.push(...wrap(t.label, MAX_INNER))
    const linked = (others.get(t.id) ?? []).filter((g) => g !== group)
    if (linked.length > 0) lines.push(...wrap(`${verb} ${linked.map((g) => g.title.toLowerCase()).join(', ')}`, MAX_INNER))
  }
  return lines
}

function innerWidth(group: DiagramGroup, diagram: TopologyDiagram, readers: Map<string, DiagramGroup[]>, writers: Map<string, DiagramGroup[]>): number {
  let width = MIN_INNER
  for (const node of group.nodes) {
    width = Math.max(width, nodeLabel(node).length, node.kind.length + 2)
    for (const from of diagram.predecessors.get(node.id)!) width = Math.max(width, `◀ from ${from.name}`.length)
    for (const store of node.stores) width = Math.max(width, `store: ${store.name}`.length)
    const topics = diagram.topicsOf.get(node.id) ?? []
    const lines = node.kind === 'source' ? topicLines(topics, group, writers, '◀ written by') : topicLines(topics, group, readers, '▶ read by')
    for (const line of lines) width = Math.max(width, line.length)
  }
  return Math.min(width, MAX_INNER)
}

function groupsTouching(diagram: TopologyDiagram, kind: 'read' | 'write'): Map<string, DiagramGroup[]> {
  const groupOf = new Map<string, DiagramGroup>()
  for (const g of diagram.groups) for (const n of g.nodes) groupOf.set(n.id, g)
  const result = new Map<string, DiagramGroup[]>()
  for (const e of diagram.edges) {
    if (e.kind !== kind) continue
    const topic = kind === 'read' ? e.from : e.to
    const group = groupOf.get(kind === 'read' ? e.to : e.from)!
    const list = result.get(topic) ?? []
    if (!list.includes(group)) list.push(group)
    result.set(topic, list)
  }
  return result
}

/**
 * A topological order that follows each chain as far as it goes (so most edges become vertical
 * arrows), starting new chains in the description's order.
 */
function processingOrder(group: DiagramGroup, diagram: TopologyDiagram): DiagramNode[] {
  const placed = new Set<DiagramNode>()
  const order: DiagramNode[] = []
  const ready = (n: DiagramNode) => !placed.has(n) && diagram.predecessors.get(n.id)!.every((p) => placed.has(p))
  while (order.length < group.nodes.length) {
    const last = order[order.length - 1]
    const next =
      (last && diagram.successors.get(last.id)!.find(ready)) ??
      group.nodes.find(ready) ??
      group.nodes.find((n) => !placed.has(n))!
    placed.add(next)
    order.push(next)
  }
  return order
}

function wrap(text: string, width: number): string[] {
  if (text.length <= width) return [text]
  const lines: string[] = []
  for (let i = 0; i < text.length; i += width) lines.push(text.slice(i, i + width))
  return lines
}
