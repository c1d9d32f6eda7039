// npm run chaos -- [--records N] [--cycles N] [--guarantee exactly_once_v2|at_least_once|both]
//                  [--seed N] [--pill-every N] [--faults kind,kind] [--drain-timeout-ms N] [--keep-work-dir]
// Environment: CHAOS_RECORDS, CHAOS_CYCLES, CHAOS_GUARANTEE, CHAOS_SEED (flags win).
// Prints progress, then the table; writes test/chaos/results/<guarantee>.json. Exit code 1 when
// a guarantee misses its figures.
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { FAULT_KINDS, type FaultKind } from './fault-schedule.js'
import { failures, formatDetails, formatTable, writeResult, type ChaosResult, type Guarantee } from './report.js'
import { runChaos } from './run.js'

const USAGE =
  'usage: npm run chaos -- [--records N] [--cycles N] [--guarantee exactly_once_v2|at_least_once|both] [--seed N] [--pill-every N] [--faults kind,...] [--drain-timeout-ms N] [--keep-work-dir]'

function fail(message: string): never {
  console.error(`chaos: ${message}\n${USAGE}`)
  process.exit(2)
}

const { values } = (() => {
  try {
    return parseArgs({
      strict: true,
      options: {
        records: { type: 'string' },
        cycles: { type: 'string' },
        guarantee: { type: 'string' },
        seed: { type: 'string' },
        'pill-every': { type: 'string' },
        faults: { type: 'string' },
        'drain-timeout-ms': { type: 'string' },
        'keep-work-dir': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    })
  } catch (err) {
    fail((err as Error).message)
  }
})()
if (values.help) {
  console.log(`${USAGE}\nfault kinds: ${FAULT_KINDS.join(', ')}`)
  process.exit(0)
}

function int(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback
  if (!/^\d+$/.test(text)) fail(`--${name} must be a non-negative integer, got "${text}"`)
  return Number(text)
}

const records = int('records', values.records ?? process.env.CHAOS_RECORDS, 1_000_000)
const cycles = int('cycles', values.cycles ?? process.env.CHAOS_CYCLES, 20)
const seed = int('seed', values.seed ?? process.env.CHAOS_SEED, Math.floor(Math.random() * 2 ** 31))
const pillEvery = int('pill-every', values['pill-every'], 5000)
const drainTimeoutMs = int('drain-timeout-ms', values['drain-timeout-ms'], 600_000)
const which = values.guarantee ?? process.env.CHAOS_GUARANTEE ?? 'both'
if (!['exactly_once_v2', 'at_least_once', 'both'].includes(which)) fail(`--guarantee must be exactly_once_v2, at_least_once or both, got "${which}"`)
const guarantees: Guarantee[] = which === 'both' ? ['exactly_once_v2', 'at_least_once'] : [which as Guarantee]
const kinds = values.faults ? (values.faults.split(',') as FaultKind[]) : FAULT_KINDS
for (const k of kinds) if (!FAULT_KINDS.includes(k)) fail(`unknown fault kind "${k}" (known: ${FAULT_KINDS.join(', ')})`)

// Ctrl-C or a kill: exit, and the exit hook of children.ts takes every child process down too.
process.on('SIGINT', () => process.exit(130))
process.on('SIGTERM', () => process.exit(143))

console.log(`chaos: seed ${seed} (replay with --seed ${seed}), ${records} records, ${cycles} cycles, ${guarantees.join(' and ')}`)
const results: ChaosResult[] = []
for (const guarantee of guarantees) {
  const r = await runChaos({ guarantee, records, cycles, seed, pillEvery, kinds, drainTimeoutMs, keepWorkDir: values['keep-work-dir'] })
  results.push(r)
  await writeResult(fileURLToPath(new URL(`./results/${guarantee}.json`, import.meta.url)), r)
}
console.log('\n' + formatTable(results) + '\n')
for (const r of results) console.log(formatDetails(r))
process.exit(results.some(r => failures(r).length > 0) ? 1 : 0)
