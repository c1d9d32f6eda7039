// The result of a run: the figures the suite asserts, as a table and as JSON.
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { Fault } from './fault-schedule.js'
import type { SelfDeath } from './instance-process.js'
import type { MalformedOutcome } from './malformed-frames.js'
import type { Regression, Stall } from './stall-watch.js'
import type { Verification } from './verifier.js'

export type Guarantee = 'at_least_once' | 'exactly_once_v2'

export interface ChaosResult {
  guarantee: Guarantee
  seed: number
  pillHandler: 'logAndContinue' | 'deadLetter'
  records: number
  cycles: number
  /** Each fault, and the input partitions' committed/end offsets once instances were RUNNING again. */
  faults: { at: string; fault: Fault; description: string; error?: string; committedAfter?: string }[]
  selfDeaths: SelfDeath[]
  /** Faults after which the instances were not all RUNNING again within the recovery timeout. */
  slowRecoveries: number
  /** Partitions that had lag and did not advance while every instance was RUNNING. */
  stalls: Stall[]
  /** Committed input offsets that went back (a range processed again); reported, not asserted. */
  offsetRegressions: Regression[]
  malformed: MalformedOutcome[]
  inputResends: number
  drained: boolean
  drainMs: number | null
  lagAtEnd: string
  verification: Verification
  durationMs: number
  workDir: string
}

/** What the suite requires of a guarantee; each entry names a figure that is not zero. */
export function failures(r: ChaosResult): string[] {
  const v = r.verification
  const out: string[] = []
  if (v.lost > 0) out.push(`${v.lost} records lost`)
  if (v.aggregatesLow + v.aggregatesMissing > 0) out.push(`${v.aggregatesLow + v.aggregatesMissing} aggregates below the input's count/sum`)
  if (v.pillsInOutputs > 0) out.push(`${v.pillsInOutputs} poison pills in the outputs`)
  if (v.pillsMissingFromDlq > 0) out.push(`${v.pillsMissingFromDlq} poison pills missing from the dead-letter topic`)
  if (r.selfDeaths.length > 0) out.push(`${r.selfDeaths.length} instances died by themselves`)
  if (r.stalls.length > 0) out.push(`${r.stalls.length} partition stalls (${r.stalls.map(s => `p${s.partition} at ${s.committed}/${s.end}`).join(', ')})`)
  if (!r.drained) out.push(`outputs not complete within the drain timeout (lag: ${r.lagAtEnd})`)
  if (r.malformed.some(m => !m.closedByBroker)) out.push(`broker kept connections open after malformed frames: ${r.malformed.filter(m => !m.closedByBroker).map(m => m.frame).join(', ')}`)
  if (r.guarantee === 'exactly_once_v2') {
    if (v.duplicated > 0) out.push(`${v.duplicated} records duplicated`)
    if (v.aggregatesHigh > 0) out.push(`${v.aggregatesHigh} aggregates above the input's count/sum`)
    if (v.pillsDuplicatedInDlq > 0) out.push(`${v.pillsDuplicatedInDlq} poison pills duplicated in the dead-letter topic`)
  }
  return out
}

const COLUMNS = ['guarantee', 'records', 'cycles', 'lost', 'duplicated', 'wrong aggregates', 'self deaths', 'stalls', 'offsets back', 'drain', 'input problems', 'pills'] as const

export function tableRow(r: ChaosResult): string[] {
  const v = r.verification
  const wrong = v.aggregatesLow + v.aggregatesHigh + v.aggregatesMissing
  return [
    r.guarantee,
    String(v.inputRecords),
    String(r.cycles),
    String(v.lost),
    String(v.duplicated),
    wrong === 0 ? '0' : `${wrong} (${v.aggregatesLow + v.aggregatesMissing} low, ${v.aggregatesHigh} high)`,
    String(r.selfDeaths.length),
    String(r.stalls.length),
    String(r.offsetRegressions.length),
    r.drainMs === null ? 'timeout' : `${(r.drainMs / 1000).toFixed(1)} s`,
    v.inputMissing + v.inputDuplicated === 0 ? '0' : `${v.inputMissing} missing, ${v.inputDuplicated} duplicated`,
    r.pillHandler === 'deadLetter'
      ? `${v.inputPills} → dlq ${v.pillsInDlq}${v.pillsMissingFromDlq ? `, ${v.pillsMissingFromDlq} missing` : ''}`
      : `${v.inputPills} skipped${v.pillsInOutputs ? `, ${v.pillsInOutputs} in outputs` : ''}`,
  ]
}

/** A Markdown table, so the same text goes to the terminal and to docs. */
export function formatTable(results: ChaosResult[]): string {
  const rows = [COLUMNS as readonly string[], ...results.map(tableRow)]
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map(r => r[i]!.length)))
  const line = (r: readonly string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`
  return [line(rows[0]!), `|${widths.map(w => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n')
}

export function formatDetails(r: ChaosResult): string {
  const lines = [`${r.guarantee}: seed ${r.seed}, ${r.pillHandler} for poison pills, ${(r.durationMs / 1000).toFixed(0)} s, logs in ${r.workDir}`]
  const f = failures(r)
  lines.push(f.length === 0 ? '  PASS' : `  FAIL: ${f.join('; ')}`)
  for (const d of r.selfDeaths) lines.push(`  death: instance ${d.instance} ${d.how} at ${d.at}`)
  for (const g of r.offsetRegressions) lines.push(`  committed offset of chaos-in-${g.partition} went back from ${g.from} to ${g.to} at ${g.at}`)
  for (const s of r.stalls) lines.push(`  stall: ${'chaos-in'}-${s.partition} stood at ${s.committed} (end ${s.end}) from ${s.since} for ${s.forMs} ms with every instance RUNNING`)
  const v = r.verification
  if (v.lostRanges.length) lines.push(`  lost at input positions: ${v.lostRanges.join(', ')}`)
  if (v.duplicatedRanges.length) lines.push(`  duplicated at input positions: ${v.duplicatedRanges.join(', ')}`)
  for (const f of r.faults) lines.push(`  ${f.at} ${f.description}${f.error ? ` (not injected: ${f.error})` : ''}; then ${f.committedAfter ?? '?'}`)
  for (const e of v.examples.slice(0, 30)) lines.push(`  ${e}`)
  return lines.join('\n')
}

export async function writeResult(path: string, r: ChaosResult): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  await writeFile(path, JSON.stringify({ ...r, failures: failures(r) }, null, 2) + '\n')
}
