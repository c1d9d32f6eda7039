// B9: the runtime's Kafka client alone. Each client produces N records of ~100 B (key 10 B, value
// 90 B) in sends of 1000 to a 4-partition topic, acks -1, then consumes them all as a group member.
// Each client runs in its own process (its own heap and JIT), one after the other against one
// broker, itself in its own process; each works on a topic of its own. Measured: the client
// process's CPU µs per record for the produce phase and for the consume phase. Goal: kstreams'
// client ≤ 0.8 × @kafkats/client's, produce and consume separately, in the same run.
//
//   npx tsx bench/client.ts [--records 1000000] [--reps 3] [--batch 1000]
import { spawn } from 'node:child_process'
import { Kafka, logLevel } from 'kafkajs'
import { createInterface } from 'node:readline'
import { fmt, machineLine, parseArgs, progress, progressDone, startBrokerProcess, stats, statsRow, STATS_HEADER, table, writeResult } from './lib/index.js'
import { KEY_BYTES, VALUE_BYTES } from './clients/driver.js'
import { WORKER_CLIENTS, WORKER_ENV, RESULT_PREFIX, type WorkerResult } from './clients/worker.js'

const PARTITIONS = 4
const GOAL = 0.8
const REFERENCE = 'kafkats'

function runWorker(client: string, brokers: string[], topic: string, records: number, batch: number, label: string): Promise<WorkerResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('./clients/worker.ts', import.meta.url).pathname], {
    env: { ...process.env, [WORKER_ENV]: JSON.stringify({ client, brokers, topic, records, batch }) },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  return new Promise((resolve, reject) => {
    let result: WorkerResult | null = null
    createInterface({ input: child.stdout }).on('line', line => {
      if (line.startsWith(RESULT_PREFIX)) result = JSON.parse(line.slice(RESULT_PREFIX.length)) as WorkerResult
      else if (line.startsWith('progress ')) progress(`${label}: ${line.slice(9)}`)
    })
    child.once('error', reject)
    child.once('exit', code => (code === 0 && result ? resolve(result) : reject(new Error(`${client} worker exited with ${code}`))))
  })
}

async function main(): Promise<void> {
  const args = parseArgs({ records: 1_000_000, reps: 3, batch: 1000 })
  const clients = WORKER_CLIENTS
  console.log(`B9 client: each of ${clients.join(', ')} produces ${fmt(args.records)} records of ${KEY_BYTES + VALUE_BYTES} B in sends of ${fmt(args.batch)} (acks -1) to ${PARTITIONS} partitions, then consumes them in a group; each client in its own process, the broker in another; ${args.reps} repetitions`)
  console.log(machineLine())
  const runs = new Map<string, WorkerResult[]>(clients.map(c => [c, []]))
  for (let rep = 0; rep < args.reps; rep++) {
    const broker = await startBrokerProcess({ partitions: PARTITIONS })
    try {
      const admin = new Kafka({ clientId: 'bench-b9-admin', brokers: broker.brokers, logLevel: logLevel.NOTHING }).admin()
      await admin.connect()
      await admin.createTopics({ topics: clients.map(c => ({ topic: `b9-${c}-${rep}`, numPartitions: PARTITIONS })) })
      await admin.disconnect()
      for (const client of clients) {
        const label = `rep ${rep + 1}/${args.reps} ${client}`
        const r = await runWorker(client, broker.brokers, `b9-${client}-${rep}`, args.records, args.batch, label)
        runs.get(client)!.push(r)
        progressDone(`${label}: produce ${r.produceCpuUs.toFixed(2)} µs/record, consume ${r.consumeCpuUs.toFixed(2)} µs/record CPU`)
      }
    } finally {
      await broker.stop()
    }
  }
  const rows: string[][] = []
  const summary: Record<string, unknown> = {}
  for (const client of clients) {
    const of = (f: (r: WorkerResult) => number) => stats(runs.get(client)!.map(f))
    const s = { produceCpuUs: of(r => r.produceCpuUs), consumeCpuUs: of(r => r.consumeCpuUs), produceRate: of(r => r.produceRate), consumeRate: of(r => r.consumeRate) }
    summary[client] = s
    rows.push(statsRow(`${client} produce CPU µs/record`, s.produceCpuUs, 2), statsRow(`${client} consume CPU µs/record`, s.consumeCpuUs, 2))
    rows.push(statsRow(`${client} produce records/s`, s.produceRate), statsRow(`${client} consume records/s`, s.consumeRate))
  }
  const ratios: Record<string, { produce: number; consume: number }> = {}
  for (const client of clients.filter(c => c !== REFERENCE)) {
    // Ratios of medians, per phase: this client's CPU per record ÷ the reference's, same run.
    const med = (c: string, f: (r: WorkerResult) => number) => stats(runs.get(c)!.map(f)).median
    ratios[client] = {
      produce: med(client, r => r.produceCpuUs) / med(REFERENCE, r => r.produceCpuUs),
      consume: med(client, r => r.consumeCpuUs) / med(REFERENCE, r => r.consumeCpuUs),
    }
  }
  console.log(table(STATS_HEADER, rows))
  for (const [client, r] of Object.entries(ratios)) console.log(`${client} ÷ @kafkats/client CPU per record: produce ${r.produce.toFixed(2)}, consume ${r.consume.toFixed(2)}`)
  const own = ratios.kstreams
  const met = own !== undefined && own.produce <= GOAL && own.consume <= GOAL
  console.log(own ? `goal: kstreams' client ≤ ${GOAL} × @kafkats/client's, produce and consume — ${met ? 'met' : 'NOT met'}` : "goal: not measured (kstreams' own client is not in this build)")
  await writeResult('client', {
    benchmark: 'B9',
    description: 'each client produces N records in sends of 1000 (acks -1) and consumes them in a group; CPU µs per record of the client process, per phase',
    records: args.records, recordBytes: KEY_BYTES + VALUE_BYTES, partitions: PARTITIONS, batch: args.batch, repetitions: args.reps,
    clients: summary, ratiosToKafkats: ratios, goal: `kstreams' client CPU per record ≤ ${GOAL} × @kafkats/client's, produce and consume`, goalMet: met,
  })
}

main().catch(e => {
  console.error(e)
  process.exit(1)
})
