// The per-record cost of emit-on-window-close (EmitStrategy.onWindowClose()) for sliding and
// session windows, through one task (records in → windowed count → RocksDB store with its
// change-logging layer → final results out), no network. Records are 10 ms apart, so stream time
// advances on every record; the table also gives how often the store was read for closed windows
// (a RocksDB scan each). Workloads:
//   - sliding: 100 keys, each with a record every second; windows of 2 s, grace 1 s;
//   - sessions, open: 100 keys, each with a record every second, gap 5 s: sessions stay open;
//   - sessions, visitors: 100 at a time, each with a record every second for 50 s, then 100 new
//     ones; gap 2 s: 100 sessions close every 5000 records.
//
//   npx tsx bench/emit-final.ts [--records 10000] [--reps 3] [--workload all|sliding|open|visitors]
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { Consumed, EmitStrategy, Materialized, Serdes, SessionWindows, SlidingWindows, Stores, StreamsBuilder } from '../lib/index.js'
import type { SessionBytesStoreSupplier, WindowBytesStoreSupplier } from '../stores/store-supplier.js'
import { StreamTask } from '../topology/internals/stream-task.js'
import { fmt, machineLine, parseArgs, stats, table } from './lib/index.js'

const args = parseArgs({ records: 10_000, reps: 3, workload: 'all' }, undefined, { workload: ['all', 'sliding', 'open', 'visitors'] })
const N = args.records
const S = Serdes.String()
const RETENTION = 10_000

type Workload = { name: string; label: string; kind: 'sliding' | 'session'; key: (i: number) => string; gapMs?: number }
const workloads: Workload[] = [
  { name: 'sliding', label: 'sliding, 100 keys', kind: 'sliding', key: (i) => `user-${i % 100}` },
  { name: 'open', label: 'sessions, 100 keys, open', kind: 'session', key: (i) => `user-${i % 100}`, gapMs: 5_000 },
  { name: 'visitors', label: 'sessions, visitors', kind: 'session', key: (i) => `visitor-${(i % 100) + 100 * Math.floor(i / 5000)}`, gapMs: 2_000 },
]

/** Counts the closed-window reads on the RocksDB store itself. */
function counted<T extends WindowBytesStoreSupplier | SessionBytesStoreSupplier>(supplier: T, method: string, counter: { reads: number }): T {
  const get = supplier.get.bind(supplier)
  supplier.get = (() => {
    const store = get() as unknown as Record<string, (...a: unknown[]) => unknown>
    const read = store[method]!.bind(store)
    store[method] = (...a: unknown[]) => {
      counter.reads++
      return read(...a)
    }
    return store
  }) as unknown as T['get']
  return supplier
}

function records(w: Workload) {
  return Array.from({ length: N }, (_, i) => ({ key: Buffer.from(w.key(i)), value: Buffer.from('x'), timestamp: 1_000_000 + 10 * i, offset: i }))
}

async function once(w: Workload, input: ReturnType<typeof records>): Promise<{ cpuUs: number; reads: number }> {
  const stateDir = mkdtempSync(join(tmpdir(), 'kstreams-bench-emit-final-'))
  const counter = { reads: 0 }
  const task = new StreamTask({
    topology: build(w, counter),
    subtopologyId: 0,
    partition: 0,
    applicationId: 'bench',
    stateDir,
    collector: { send: () => {} },
    cacheMaxBytes: 10 * 1024 * 1024,
  })
  try {
    await task.initialize()
    const cpu = process.cpuUsage()
    for (let i = 0; i < N; i += 1000) {
      task.addRecords('visits', 0, input.slice(i, i + 1000))
      while ((await task.process(1000)) > 0);
      if (i % 10_000 === 0) await task.commit()
    }
    await task.commit()
    const used = process.cpuUsage(cpu)
    return { cpuUs: (used.user + used.system) / N, reads: counter.reads }
  } finally {
    await task.close()
    rmSync(stateDir, { recursive: true, force: true })
  }
}

function build(w: Workload, counter: { reads: number }) {
  const b = new StreamsBuilder()
  const grouped = b.stream('visits', Consumed.with(S, S)).groupByKey()
  if (w.kind === 'sliding') {
    grouped
      .windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(2_000, 1_000))
      .emitStrategy(EmitStrategy.onWindowClose())
      .count(Materialized.as<string, number>(counted(Stores.persistentTimestampedWindowStore('store', RETENTION, 2_000, false), 'fetchAll', counter)))
  } else {
    grouped
      .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(w.gapMs!))
      .emitStrategy(EmitStrategy.onWindowClose())
      .count(Materialized.as<string, number>(counted(Stores.persistentSessionStore('store', RETENTION), 'findSessionsByEnd', counter)))
  }
  return b.build()
}

console.log(machineLine())
console.log(`load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`)
const rows: string[][] = []
for (const w of workloads.filter((x) => args.workload === 'all' || x.name === args.workload)) {
  const input = records(w)
  const runs: number[] = []
  let reads = 0
  for (let r = 0; r < args.reps; r++) {
    const run = await once(w, input)
    runs.push(run.cpuUs)
    reads = run.reads
  }
  const s = stats(runs)
  rows.push([w.label, fmt(s.median, 1), `${fmt(s.min, 1)}–${fmt(s.max, 1)}`, fmt((reads * 1000) / N, 1)])
}
console.log(table(['workload', 'CPU µs/record (median)', 'range', 'store reads / 1000 records'], rows))
console.log(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`)
