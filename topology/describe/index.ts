// Diagram renderers for a topology's description.
export { renderMermaid } from './mermaid.js'
export { renderAscii } from './ascii.js'
export { renderDot } from './dot.js'
export type { Describable } from './diagram-model.js'
