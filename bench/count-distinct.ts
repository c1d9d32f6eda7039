// The per-record cost of approximateCountDistinct against count, through one task (records in →
// processor → RocksDB store with its change-logging layer → records out), no network. Two
// workloads: a few keys with many distinct items each (dense 16 KiB sketches: each record reads
// its key's sketch, copies it when a register rises, and writes it back) and many keys with a few
// items each (sparse sketches of a few bytes). Caching on (10 MB, the default) and off. Also the
// raw sketch update (hash + register) per item.
//
//   npx tsx bench/count-distinct.ts [--records 200000] [--reps 3]
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Consumed, Materialized, Serdes, StreamsBuilder } from '../lib/index.js'
import { StreamTask } from '../topology/internals/stream-task.js'
import { HyperLogLog } from '../topology/sketches/hyperloglog.js'
import { fmt, machineLine, parseArgs, stats, table } from './lib/index.js'

const args = parseArgs({ records: 200_000, reps: 3 })
const N = args.records
const S = Serdes.String()

type Op = 'count' | 'approximateCountDistinct'

function topology(op: Op, caching: boolean) {
  const b = new StreamsBuilder()
  const grouped = b.stream('visits', Consumed.with(S, S)).groupByKey()
  const m = caching ? Materialized.as<string, number>('store') : Materialized.as<string, number>('store').withCachingDisabled()
  if (op === 'count') grouped.count(m)
  else grouped.approximateCountDistinct((_page, user) => user, m)
  return b.build()
}

function records(keys: number) {
  return Array.from({ length: N }, (_, i) => ({
    key: Buffer.from(`page-${i % keys}`),
    value: Buffer.from(`user-${Math.floor(i / keys)}-${i % 7919}`),
    timestamp: i,
    offset: i,
  }))
}

async function once(op: Op, caching: boolean, input: ReturnType<typeof records>): Promise<number> {
  const stateDir = mkdtempSync(join(tmpdir(), 'kstreams-bench-hll-'))
  const task = new StreamTask({
    topology: topology(op, caching),
    subtopologyId: 0,
    partition: 0,
    applicationId: 'bench',
    stateDir,
    collector: { send: () => {} },
    cacheMaxBytes: caching ? 10 * 1024 * 1024 : 0,
  })
  try {
    await task.initialize()
    const start = process.hrtime.bigint()
    for (let i = 0; i < N; i += 1000) {
      task.addRecords('visits', 0, input.slice(i, i + 1000))
      while ((await task.process(1000)) > 0);
      if (i % 10_000 === 0) await task.commit()
    }
    await task.commit()
    return Number(process.hrtime.bigint() - start) / 1000 / N
  } finally {
    await task.close()
    rmSync(stateDir, { recursive: true, force: true })
  }
}

function sketchOnly(): number {
  const items = Array.from({ length: N }, (_, i) => `user-${i}`)
  let s = HyperLogLog.empty()
  const start = process.hrtime.bigint()
  for (const item of items) s = s.add(item)
  return Number(process.hrtime.bigint() - start) / 1000 / N
}

console.log(machineLine())
const rows: string[][] = []
const sketchRuns = Array.from({ length: args.reps }, () => sketchOnly())
rows.push(['HyperLogLog.add (hash + register)', '-', '-', fmt(stats(sketchRuns).median, 3)])
for (const [label, keys] of [['10 keys, dense sketches', 10], [`${N / 4} keys, sparse sketches`, N / 4]] as const) {
  const input = records(keys)
  for (const caching of [true, false]) {
    for (const op of ['count', 'approximateCountDistinct'] as const) {
      const runs: number[] = []
      for (let r = 0; r < args.reps; r++) runs.push(await once(op, caching, input))
      rows.push([op, label, caching ? 'on' : 'off', fmt(stats(runs).median, 2)])
    }
  }
}
console.log(table(['operation', 'workload', 'cache', 'µs/record (median)'], rows))
