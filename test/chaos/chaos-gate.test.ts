// The chaos gate: a short run per guarantee with a fixed seed (every fault kind at least once,
// each followed by recovery), asserting what the long run asserts. `npm run chaos` is the long run.
import { describe, expect, it } from 'vitest'
import { fileURLToPath } from 'node:url'
import { failures, formatDetails, formatTable, writeResult } from './report.js'
import { runChaos } from './run.js'

// Chosen because its 12 faults include every kind, a fresh state dir, 8 OffsetFetch errors during a
// takeover, and a transaction API (exactly_once_v2) or OffsetCommit (at_least_once) refused.
const SEED = 2107
const RECORDS = 200_000
const CYCLES = 12

describe('chaos gate', () => {
  for (const guarantee of ['exactly_once_v2', 'at_least_once'] as const) {
    it(`${guarantee}: ${RECORDS} records through ${CYCLES} faults, nothing lost${guarantee === 'exactly_once_v2' ? ' or duplicated' : ''}, no instance dies by itself`, async () => {
      const lines: string[] = []
      const r = await runChaos({ guarantee, records: RECORDS, cycles: CYCLES, seed: SEED, pillEvery: 2000, drainTimeoutMs: 120_000, recoveryTimeoutMs: 60_000, log: l => lines.push(l) })
      await writeResult(fileURLToPath(new URL(`./results/gate-${guarantee}.json`, import.meta.url)), r)
      const report = `${formatTable([r])}\n${formatDetails(r)}`
      console.log(report)
      expect(failures(r), `${report}\nprogress:\n${lines.join('\n')}`).toEqual([])
      expect(r.verification.inputRecords + r.verification.inputPills).toBe(RECORDS)
    }, 600_000)
  }
})
