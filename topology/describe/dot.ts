import { buildDiagram, nodeLabel, toDescription, type Describable, type DiagramNodeKind } from './diagram-model.js'

const NODE_ATTRS: Record<DiagramNodeKind, string> = {
  source: 'shape=invhouse, style=filled, fillcolor="#e3f2fd"',
  processor: 'shape=box, style="rounded,filled", fillcolor="#f5f5f5"',
  sink: 'shape=house, style=filled, fillcolor="#e8f5e9"',
}

/** Graphviz DOT: one cluster per sub-topology, topics as parallelograms, stores as cylinders. */
export function renderDot(input: Describable): string {
  const diagram = buildDiagram(toDescription(input, 'renderDot'))
  const lines: string[] = [
    'digraph topology {',
    '  rankdir=TB;',
    '  fontname="Helvetica";',
    '  node [fontname="Helvetica", fontsize=11];',
    '  edge [fontname="Helvetica", fontsize=10];',
  ]
  for (const t of diagram.topics) {
    const style = t.internal ? 'style="filled,dashed"' : 'style=filled'
    lines.push(`  ${t.id} [label=${quote(t.label)}, shape=parallelogram, ${style}, fillcolor="#ede7f6"];`)
  }
  for (const group of diagram.groups) {
    lines.push(`  subgraph cluster_${group.id} {`, `    label=${quote(group.title)};`, '    style=rounded;')
    for (const node of group.nodes) lines.push(`    ${node.id} [label=${quote(nodeLabel(node))}, ${NODE_ATTRS[node.kind]}];`)
    for (const store of group.stores) lines.push(`    ${store.id} [label=${quote(store.name)}, shape=cylinder, style=filled, fillcolor="#fff8e1"];`)
    lines.push('  }')
  }
  for (const e of diagram.edges) {
    lines.push(e.kind === 'store' ? `  ${e.from} -> ${e.to} [style=dashed, dir=both, arrowsize=0.6];` : `  ${e.from} -> ${e.to};`)
  }
  lines.push('}')
  return lines.join('\n') + '\n'
}

function quote(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`
}
