// The benchmark runner.
//
//   npm run bench                                   every benchmark, at suite sizes (under 10 minutes on 2 cores)
//   npm run bench -- <name> [<name> …] [--records N] [--reps N] [--<option> N …]
//   npm run bench -- --list
//
// Each benchmark is a script bench/<name>.ts that prints its report (a table) on stdout, progress
// on stderr, and writes bench/results/<name>.json. The runner starts each in its own process (so
// one benchmark's heap, threads and brokers never disturb the next), shows its progress and a
// running time, and ends with a summary. `--records` is passed as the benchmark's own size option;
// any other option is passed through as it is, for the benchmark to check.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join, relative } from 'node:path'
import { createInterface } from 'node:readline'
import { RUNNER_ENV, RUNNER_PREFIX } from './lib/progress.js'
import { RESULTS_DIR } from './lib/results.js'
import { machineLine } from './lib/machine.js'
import { table } from './lib/table.js'

interface Benchmark {
  /** Command-line name, script bench/<name>.ts and results file bench/results/<name>.json. */
  name: string
  id: string
  what: string
  /** The script's option for the workload size when it is not `--records`; null when it has none. */
  recordsOption?: string | null
  /** Options for `npm run bench` (all of them), sized to keep the suite under 10 minutes. */
  suiteArgs: string[]
  timeoutMinutes: number
}

/** Every benchmark, in the order `npm run bench` runs them. */
const BENCHMARKS: Benchmark[] = [
  { name: 'stateless', id: 'B1', what: 'filter + mapValues: kstreams records/s ÷ a hand-written kafkajs loop (suite: 300k records)', suiteArgs: ['--records', '300000'], timeoutMinutes: 10 },
  { name: 'word-count', id: 'B2/B3', what: 'word count at_least_once ÷ stateless, exactly_once_v2 ÷ at_least_once (suite: 30k lines)', suiteArgs: ['--records', '30000'], timeoutMinutes: 15 },
  { name: 'restore', id: 'B4', what: 'restore 1M keys from a changelog into a fresh RocksDB store', suiteArgs: [], timeoutMinutes: 10 },
  { name: 'latency', id: 'B5', what: 'end-to-end latency at a steady 5k records/s (p50 / p99 / max)', recordsOption: null, suiteArgs: [], timeoutMinutes: 10 },
  { name: 'compare', id: 'B6', what: 'word count: kstreams records/s ÷ @kafkats/flow (suite: 5k lines)', suiteArgs: ['--records', '5000'], timeoutMinutes: 10 },
  { name: 'rss', id: 'B7', what: 'peak RSS counting distinct keys into RocksDB (suite: 1M keys; full size 10M)', recordsOption: '--keys', suiteArgs: ['--keys', '1000000'], timeoutMinutes: 20 },
  { name: 'broker', id: 'B8', what: 'broker CPU ÷ kafkajs client CPU producing and consuming 1M records', suiteArgs: [], timeoutMinutes: 10 },
  { name: 'client', id: 'B9', what: "the Kafka client alone: CPU µs per record producing and consuming, kstreams' client ÷ @kafkats/client (suite: 300k records)", suiteArgs: ['--records', '300000'], timeoutMinutes: 15 },
]

const ROOT = join(import.meta.dirname, '..')
const USAGE = `usage: npm run bench [-- <name> …] [--records N] [--reps N] [--<option> N]   (names: ${BENCHMARKS.map((b) => b.name).join(', ')}; --list describes them)`

interface Plan { bench: Benchmark; args: string[] }

function plan(argv: string[]): Plan[] | null {
  const names: string[] = []
  const options: string[][] = []
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (a === '--list' || a === '--help' || a === '-h') return null
    if (a.startsWith('--')) {
      const value = argv[++i]
      if (value === undefined || value.startsWith('--')) throw new Error(`${a} needs a value\n${USAGE}`)
      options.push([a, value])
    } else {
      names.push(a)
    }
  }
  for (const n of names) {
    if (!BENCHMARKS.some((b) => b.name === n)) throw new Error(`unknown benchmark "${n}"\n${USAGE}`)
  }
  const chosen = names.length > 0 ? BENCHMARKS.filter((b) => names.includes(b.name)) : BENCHMARKS
  return chosen.map((bench) => {
    // Suite sizes only when running everything; given options replace the same option of the suite.
    const base = names.length > 0 ? [] : bench.suiteArgs
    const sized = bench.recordsOption !== null
    if (!sized && names.includes(bench.name) && options.some(([flag]) => flag === '--records')) {
      throw new Error(`${bench.name} has no --records option (its workload is set by its own options; see bench/${bench.name}.ts)`)
    }
    const given = options
      .filter(([flag]) => sized || flag !== '--records') // a suite-wide size does not apply to it
      .map(([flag, value]) => [flag === '--records' && bench.recordsOption ? bench.recordsOption : flag, value] as const)
    const args: string[] = []
    for (let i = 0; i < base.length; i += 2) {
      if (!given.some(([flag]) => flag === base[i])) args.push(base[i]!, base[i + 1]!)
    }
    for (const [flag, value] of given) args.push(flag, value)
    return { bench, args }
  })
}

/** One line of status, rewritten in place on a terminal, printed every 30 s otherwise. */
class StatusLine {
  private text = ''
  private shown = false
  private lastPrinted = 0
  private readonly tty = process.stderr.isTTY === true

  set(text: string): void {
    this.text = text
    if (this.tty) {
      process.stderr.write(`\r\x1b[K${text}`)
      this.shown = true
    } else if (Date.now() - this.lastPrinted >= 30_000) {
      this.lastPrinted = Date.now()
      process.stderr.write(`${text}\n`)
    }
  }

  /** Writes a line of a benchmark's own output without mixing it into the status line. */
  print(stream: NodeJS.WriteStream, line: string): void {
    if (this.shown) process.stderr.write('\r\x1b[K')
    stream.write(`${line}\n`)
    if (this.shown) process.stderr.write(this.text)
  }

  clear(): void {
    if (this.shown) process.stderr.write('\r\x1b[K')
    this.shown = false
    this.lastPrinted = 0
  }
}

/** Relative to the repository when inside it. */
function shortPath(path: string): string {
  const rel = relative(ROOT, path)
  return rel.startsWith('..') ? path : rel
}

interface Outcome { bench: Benchmark; ok: boolean; seconds: number; detail: string }

function run(p: Plan, index: number, total: number, status: StatusLine): Promise<Outcome> {
  const { bench, args } = p
  const script = join(ROOT, 'bench', `${bench.name}.ts`)
  if (!existsSync(script)) return Promise.resolve({ bench, ok: false, seconds: 0, detail: `missing ${relative(ROOT, script)}` })
  console.log(`\n## ${bench.id} ${bench.name}: ${bench.what}`)
  console.log(`$ tsx bench/${bench.name}.ts ${args.join(' ')}`.trimEnd())
  const started = Date.now()
  // Its own process group, so a timeout or Ctrl-C also ends the processes it started (brokers).
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: ROOT,
    env: { ...process.env, [RUNNER_ENV]: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  const killGroup = (signal: NodeJS.Signals) => { try { process.kill(-child.pid!, signal) } catch { /* already gone */ } }
  let progressText = ''
  const label = `[${index + 1}/${total}] ${bench.id} ${bench.name}`
  const show = () => status.set(`${label} ${Math.round((Date.now() - started) / 1000)} s${progressText ? ` · ${progressText}` : ''}`)
  const ticker = setInterval(show, 1000)
  show()
  createInterface({ input: child.stdout }).on('line', (line) => status.print(process.stdout, line))
  createInterface({ input: child.stderr }).on('line', (line) => {
    if (line.startsWith(RUNNER_PREFIX)) {
      progressText = line.slice(RUNNER_PREFIX.length)
      show()
    } else {
      status.print(process.stderr, line)
    }
  })
  let timedOut = false
  const timeout = setTimeout(() => {
    timedOut = true
    killGroup('SIGTERM')
    setTimeout(() => killGroup('SIGKILL'), 5000).unref()
  }, bench.timeoutMinutes * 60_000)
  const onInterrupt = () => { killGroup('SIGTERM'); process.exitCode = 130 }
  process.once('SIGINT', onInterrupt)
  return new Promise((resolve) => {
    child.once('close', (code, signal) => {
      clearInterval(ticker)
      clearTimeout(timeout)
      process.off('SIGINT', onInterrupt)
      killGroup('SIGKILL') // whatever it left behind
      status.clear()
      const seconds = (Date.now() - started) / 1000
      const ok = code === 0 && !timedOut
      const detail = timedOut ? `timed out after ${bench.timeoutMinutes} min`
        : ok ? shortPath(join(RESULTS_DIR, `${bench.name}.json`))
          : `failed (${signal ?? `exit code ${code}`})`
      resolve({ bench, ok, seconds, detail })
    })
  })
}

async function main(): Promise<void> {
  const plans = plan(process.argv.slice(2))
  if (!plans) {
    console.log(USAGE)
    console.log(table(['name', 'id', 'workload', 'suite options'], BENCHMARKS.map((b) => [b.name, b.id, b.what, b.suiteArgs.join(' ') || '(defaults)']), 4))
    return
  }
  console.log(`# kstreams benchmarks: ${plans.map((p) => p.bench.name).join(', ')}`)
  console.log(machineLine())
  const status = new StatusLine()
  const outcomes: Outcome[] = []
  for (let i = 0; i < plans.length; i++) {
    outcomes.push(await run(plans[i]!, i, plans.length, status))
    if (process.exitCode === 130) break
  }
  console.log('\n## summary')
  console.log(table(['benchmark', 'result', 'seconds'], outcomes.map((o) => [`${o.bench.id} ${o.bench.name}`, o.ok ? o.detail : `**${o.detail}**`, o.seconds.toFixed(0)]), 2))
  if (outcomes.some((o) => !o.ok) && !process.exitCode) process.exitCode = 1
}

main().catch((err: Error) => {
  console.error(err.message)
  process.exit(2)
})
