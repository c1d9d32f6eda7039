// Markdown tables, so a benchmark's output can be pasted into bench/README.md as it is.
import type { Stats } from './stats.js'

export function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
}

/** The first `textColumns` columns left-aligned, the others (figures) right-aligned. */
export function table(header: string[], rows: (string | number)[][], textColumns = 1): string {
  for (const r of rows) {
    if (r.length !== header.length) throw new Error(`table: row ${JSON.stringify(r)} has ${r.length} cells, header has ${header.length}`)
  }
  const align = header.map((_, i) => (i < textColumns ? '---' : '---:'))
  return [header, align, ...rows.map((r) => r.map(String))].map((r) => `| ${r.join(' | ')} |`).join('\n')
}

/** A `| label | min | median | max |` row. */
export function statsRow(label: string, s: Stats, digits = 0): string[] {
  return [label, fmt(s.min, digits), fmt(s.median, digits), fmt(s.max, digits)]
}

export const STATS_HEADER = ['metric', 'min', 'median', 'max']
