// The cost of the process-latency histogram: B1's stateless topology (filter + mapValues) in one
// StreamTask, no broker, records handed over in batches as the stream thread does, CPU µs per
// record without latency accounting and with the stream thread's (a clock read before and after
// each batch, the ms summary, the histogram counting every record at the batch's mean), alternating.
//
//   npx tsx bench/record-latency.ts [--records 1000000] [--reps 5]
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Histogram } from '../lib/metrics/histogram.js'
import { Summary } from '../lib/metrics/registry.js'
import type { RawRecord } from '../topology/index.js'
import { StreamTask } from '../topology/internals/stream-task.js'
import type { ChangelogRecord, RecordCollector } from '../stores/state-store.js'
import { makeLines } from './fixtures/lines.js'
import { loadLine } from './fixtures/load.js'
import { statelessTopology } from './fixtures/topologies.js'
import { fmt, machineLine, ownCpuSeconds, parseArgs, stats } from './lib/index.js'

const args = parseArgs({ records: 1_000_000, reps: 5 })
const N = args.records
const BATCH = 1000

class Discard implements RecordCollector {
  n = 0
  send(_topic: string, _r: ChangelogRecord, _partition: number): void {
    this.n++
  }
}

async function run(records: RawRecord[], timed: boolean): Promise<number> {
  const stateDir = mkdtempSync(join(tmpdir(), 'kstreams-reclat-'))
  try {
    const task = new StreamTask({ topology: statelessTopology('in', 'out'), subtopologyId: 0, partition: 0, applicationId: 'b', stateDir, collector: new Discard(), cacheMaxBytes: 0 })
    await task.initialize()
    const h = new Histogram()
    const summary = new Summary()
    const c0 = ownCpuSeconds()
    for (let i = 0; i < records.length; i += BATCH) {
      task.addRecords('in', 0, records.slice(i, i + BATCH))
      if (!timed) {
        await task.process(BATCH)
        continue
      }
      const started = performance.now()
      const n = await task.process(BATCH)
      const perRecordMs = (performance.now() - started) / n
      summary.observe(perRecordMs)
      h.observeMany(perRecordMs / 1000, n)
    }
    const us = ((ownCpuSeconds() - c0) * 1e6) / records.length
    if (timed && h.count !== records.length) throw new Error(`observed ${h.count} of ${records.length} records`)
    await task.close({ clean: true })
    return us
  } finally {
    rmSync(stateDir, { recursive: true, force: true })
  }
}

async function main(): Promise<void> {
  console.log(`process latency per record: ${fmt(N)} records, batches of ${BATCH}, ${args.reps} repetitions`)
  console.log(machineLine())
  console.log(loadLine())
  const lines = makeLines(N)
  const records: RawRecord[] = lines.map((l, i) => ({ offset: i, timestamp: i, key: null, value: Buffer.from(l) }))
  await run(records.slice(0, 100_000), false) // warm-up
  await run(records.slice(0, 100_000), true)
  const off: number[] = []
  const on: number[] = []
  for (let r = 0; r < args.reps; r++) {
    if (r % 2 === 0) {
      off.push(await run(records, false))
      on.push(await run(records, true))
    } else {
      on.push(await run(records, true))
      off.push(await run(records, false))
    }
  }
  const a = stats(off)
  const b = stats(on)
  console.log(`latency accounting off: CPU µs/record min ${a.min.toFixed(3)} median ${a.median.toFixed(3)} max ${a.max.toFixed(3)}`)
  console.log(`latency accounting on:  CPU µs/record min ${b.min.toFixed(3)} median ${b.median.toFixed(3)} max ${b.max.toFixed(3)}`)
  console.log(`difference of medians: ${(b.median - a.median).toFixed(3)} µs/record; of minimums: ${(b.min - a.min).toFixed(3)}`)
  console.log(loadLine())
}

await main()
