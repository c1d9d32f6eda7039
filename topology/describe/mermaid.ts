import { buildDiagram, toDescription, type Describable, nodeLabel, type DiagramNode, type DiagramTopic } from './diagram-model.js'

/** Mermaid `flowchart TB`: one subgraph per sub-topology, topics between them, stores as cylinders. */
export function renderMermaid(input: Describable): string {
  const diagram = buildDiagram(toDescription(input, 'renderMermaid'))
  const lines: string[] = ['flowchart TB']
  for (const t of diagram.topics) lines.push(`  ${topicShape(t)}`)
  for (const group of diagram.groups) {
    lines.push(`  subgraph ${group.id}[${label(group.title)}]`)
    for (const node of group.nodes) lines.push(`    ${nodeShape(node)}`)
    for (const store of group.stores) lines.push(`    ${store.id}[(${label(store.name)})]`)
    lines.push('  end')
  }
  for (const e of diagram.edges) lines.push(`  ${e.from} ${e.kind === 'store' ? '-.-' : '-->'} ${e.to}`)

  const classes: [string, string[]][] = [
    ['source', []],
    ['processor', []],
    ['sink', []],
    ['store', []],
    ['topic', []],
    ['internalTopic', []],
  ]
  const members = new Map(classes)
  for (const group of diagram.groups) {
    for (const node of group.nodes) members.get(node.kind)!.push(node.id)
    for (const store of group.stores) members.get('store')!.push(store.id)
  }
  for (const t of diagram.topics) members.get(t.internal ? 'internalTopic' : 'topic')!.push(t.id)
  lines.push(
    '  classDef source fill:#e3f2fd,stroke:#1565c0',
    '  classDef processor fill:#f5f5f5,stroke:#424242',
    '  classDef sink fill:#e8f5e9,stroke:#2e7d32',
    '  classDef store fill:#fff8e1,stroke:#f9a825',
    '  classDef topic fill:#ede7f6,stroke:#4527a0',
    '  classDef internalTopic fill:#ede7f6,stroke:#4527a0,stroke-dasharray:4 3',
  )
  for (const [name, ids] of classes) if (ids.length > 0) lines.push(`  class ${ids.join(',')} ${name}`)
  return lines.join('\n') + '\n'
}

function nodeShape(node: DiagramNode): string {
  switch (node.kind) {
    case 'source':
      return `${node.id}([${label(nodeLabel(node))}])`
    case 'processor':
      return `${node.id}[${label(nodeLabel(node))}]`
    case 'sink':
      return `${node.id}[/${label(nodeLabel(node))}\\]`
  }
}

function topicShape(t: DiagramTopic): string {
  return `${t.id}[/${label(t.label)}/]`
}

/** A quoted Mermaid label; `"` and markup characters as entities so any name renders verbatim. */
function label(text: string): string {
  return `"${text.replace(/[#"<>]/g, (c) => ENTITIES[c]!)}"`
}

const ENTITIES: Record<string, string> = { '#': '#35;', '"': '#quot;', '<': '#lt;', '>': '#gt;' }
