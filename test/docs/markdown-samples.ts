// Finds the fenced `ts` blocks of the README and docs pages, with the marker that says what the
// samples test does with each: type-check it (no marker), also run it, skip it, or wait for a
// feature that has not landed yet.
import { readFileSync } from 'node:fs'

export type SampleMode = 'check' | 'run' | 'skip' | 'pending'

export interface Sample {
  /** Page path relative to the repository root, e.g. docs/dsl.md. */
  page: string
  /** 1-based line of the block's first code line in the page. */
  line: number
  code: string
  mode: SampleMode
  /** What follows the marker: the reason for skip and pending. */
  note: string
}

const MARKER = /^<!--\s*sample:\s*(\w+)\s*(.*?)\s*-->\s*$/

/** Every ```ts block of a page. A marker applies to the block right after it (blank lines allowed). */
export function extractSamples(root: string, page: string): Sample[] {
  const lines = readFileSync(`${root}/${page}`, 'utf8').split('\n')
  const samples: Sample[] = []
  let marker: { mode: string; note: string; line: number } | null = null
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!
    const m = MARKER.exec(text)
    if (m) {
      marker = { mode: m[1]!, note: m[2]!, line: i + 1 }
      continue
    }
    if (/^```/.test(text)) {
      const end = lines.findIndex((l, j) => j > i && /^```\s*$/.test(l))
      if (end < 0) throw new Error(`${page}:${i + 1}: code block never closed`)
      if (/^```(ts|typescript)\s*$/.test(text)) {
        const mode = marker?.mode ?? 'check'
        if (!['check', 'run', 'skip', 'pending'].includes(mode)) {
          throw new Error(`${page}:${marker!.line}: unknown sample marker "${mode}" (use run, skip or pending)`)
        }
        if ((mode === 'skip' || mode === 'pending') && marker!.note === '') {
          throw new Error(`${page}:${marker!.line}: a "${mode}" marker needs a reason after it`)
        }
        samples.push({ page, line: i + 2, code: lines.slice(i + 1, end).join('\n'), mode: mode as SampleMode, note: marker?.note ?? '' })
      } else if (marker) {
        throw new Error(`${page}:${marker.line}: sample marker before a block that is not \`\`\`ts`)
      }
      marker = null
      i = end
      continue
    }
    if (marker && text.trim() !== '') throw new Error(`${page}:${marker.line}: sample marker not followed by a code block`)
  }
  return samples
}
