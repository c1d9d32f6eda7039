// B5: end-to-end latency at a steady 5k records/s: produce timestamp → output visible to a
// consumer (read_committed), through B1's stateless topology, at_least_once and exactly_once_v2.
// The application runs in a process of its own, as it would in production.
// A paced kafkajs producer stamps each record with the wall clock as it sends it; a kafkajs
// consumer on the output topic takes now − record timestamp (the runtime forwards the input
// timestamp). The first 3 s of each run are warm-up and left out. A second consumer reads the
// input topic itself: its latency is the floor that broker, clients and machine load set, so the
// difference is what the application adds. Goals: at_least_once p99 ≤ 20 ms; exactly_once_v2
// p99 ≤ commit interval + 30 ms.
//
//   npx tsx bench/latency.ts [--rate 5000] [--seconds 8] [--reps 3] [--commit-interval-ms 100]
import { Partitioners, type Admin, type Consumer, type Kafka } from 'kafkajs'
import { createTopic, kafkaClient } from './fixtures/kafka-io.js'
import { makeLines } from './fixtures/lines.js'
import { startAppProcess } from './fixtures/app-process.js'
import { keepLine } from './fixtures/topologies.js'
import { loadAverage, loadLine } from './fixtures/load.js'
import { fmt, machineLine, ownCpuSeconds, parseArgs, processCpuSeconds, progress, progressDone, startBrokerProcess, stats, table, writeResult, type BrokerProcess, type Stats } from './lib/index.js'

const PARTITIONS = 4
const WARMUP_MS = 3_000
const TICK_MS = 5
const args = parseArgs({ rate: 5_000, seconds: 8, reps: 3, 'commit-interval-ms': 100 })
type Guarantee = 'at_least_once' | 'exactly_once_v2'

const pct = (x: number) => `${Math.round(x * 100)}%`

interface Percentiles { p50: number; p99: number; max: number; count: number }

function percentiles(samples: Float64Array, n: number): Percentiles {
  const s = samples.subarray(0, n).sort()
  const at = (q: number) => s[Math.min(n - 1, Math.floor(q * n))]
  return { p50: at(0.5), p99: at(0.99), max: s[n - 1], count: n }
}

/** A read_committed kafkajs consumer that records now − record timestamp for records stamped at or after `from`. */
class LatencyProbe {
  from = Infinity
  received = 0
  readonly joined: Promise<void>
  private readonly samples: Float64Array
  private readonly consumer: Consumer
  private readonly topic: string

  constructor(kafka: Kafka, groupId: string, topic: string, capacity: number) {
    this.consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 5, readUncommitted: false })
    this.samples = new Float64Array(capacity)
    this.topic = topic
    this.joined = new Promise((resolve) => this.consumer.on(this.consumer.events.GROUP_JOIN, () => resolve()))
  }

  async start(): Promise<void> {
    await this.consumer.connect()
    await this.consumer.subscribe({ topic: this.topic, fromBeginning: true })
    await this.consumer.run({
      eachBatch: async ({ batch }) => {
        const now = Date.now()
        for (const m of batch.messages) {
          const ts = Number(m.timestamp)
          if (ts < this.from) continue
          // duplicates overflow the samples; waitFor reports them
          if (this.received < this.samples.length) this.samples[this.received] = now - ts
          this.received++
        }
      },
    })
  }

  async waitFor(n: number, what: string): Promise<void> {
    const deadline = Date.now() + 30_000
    while (this.received < n) {
      if (Date.now() > deadline) throw new Error(`${what}: ${this.received} of ${n} records reached the consumer of ${this.topic} within 30 s`)
      await new Promise((r) => setTimeout(r, 20))
    }
    if (this.received > n) throw new Error(`${what}: the consumer of ${this.topic} saw ${this.received} records, ${n} were sent (duplicates)`)
  }

  percentiles(): Percentiles {
    return percentiles(this.samples, Math.min(this.received, this.samples.length))
  }

  stop(): Promise<void> {
    return this.consumer.disconnect()
  }
}

interface RunResult { output: Percentiles; floor: Percentiles; cpuShare: { broker: number; app: number; measuring: number } }

async function runOnce(guarantee: Guarantee, rep: number, kafka: Kafka, admin: Admin, broker: BrokerProcess): Promise<RunResult> {
  const brokers = broker.brokers
  const id = `b5-${guarantee === 'exactly_once_v2' ? 'eos' : 'alos'}-${rep}`
  const input = `${id}-in`
  const output = `${id}-out`
  await createTopic(admin, input, PARTITIONS)
  await createTopic(admin, output, PARTITIONS)
  const total = args.rate * args.seconds
  const lines = makeLines(total, 7 + rep)
  const expected = lines.filter(keepLine).length
  // the output as the goal measures it, and the input itself: the floor that broker and clients set
  const out = new LatencyProbe(kafka, `${id}-reader`, output, expected)
  const floor = new LatencyProbe(kafka, `${id}-floor`, input, total)
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false })
  await producer.connect()
  await out.start()
  await floor.start()
  const app = startAppProcess({ input, output, applicationId: id, brokers, guarantee, commitIntervalMs: args['commit-interval-ms'] })
  try {
    await Promise.all([out.joined, floor.joined, app.running])
    // paced producer: every tick, send what the rate owes so far, each record stamped as it goes
    const start = Date.now()
    const cpu0 = [broker.cpuSeconds(), processCpuSeconds(app.pid), ownCpuSeconds()]
    const warmupEndsAt = start + WARMUP_MS
    out.from = floor.from = warmupEndsAt
    let sent = 0
    let measurable = 0
    let measurableIn = 0
    const inFlight = new Set<Promise<unknown>>()
    while (sent < total) {
      const owed = Math.min(total, Math.floor(((Date.now() - start) * args.rate) / 1000))
      if (owed > sent) {
        const now = Date.now()
        const messages = []
        for (; sent < owed; sent++) {
          messages.push({ key: `k${sent}`, value: lines[sent], timestamp: String(now) })
          if (now >= warmupEndsAt) {
            measurableIn++
            if (keepLine(lines[sent])) measurable++
          }
        }
        const p = producer.send({ topic: input, acks: 1, messages })
        inFlight.add(p)
        void p.finally(() => inFlight.delete(p))
      }
      progress(`rep ${rep + 1}/${args.reps} ${guarantee}: sent ${fmt(sent)}/${fmt(total)}, measured ${fmt(out.received)}`)
      await new Promise((r) => setTimeout(r, TICK_MS))
    }
    await Promise.all(inFlight)
    // share of one core each process used while the load ran
    const wall = (Date.now() - start) / 1000
    const cpu1 = [broker.cpuSeconds(), processCpuSeconds(app.pid), ownCpuSeconds()]
    const cpuShare = { broker: (cpu1[0] - cpu0[0]) / wall, app: (cpu1[1] - cpu0[1]) / wall, measuring: (cpu1[2] - cpu0[2]) / wall }
    // every record sent after the warm-up must become visible, each measured once
    await out.waitFor(measurable, id)
    await floor.waitFor(measurableIn, id)
    return { output: out.percentiles(), floor: floor.percentiles(), cpuShare }
  } finally {
    await app.stop()
    await out.stop()
    await floor.stop()
    await producer.disconnect()
  }
}

async function main(): Promise<void> {
  console.log(`B5 end-to-end latency: ${fmt(args.rate)} records/s for ${args.seconds} s (first ${WARMUP_MS / 1000} s warm-up), ${PARTITIONS} partitions, stateless topology, commit interval ${args['commit-interval-ms']} ms, ${args.reps} repetitions`)
  console.log(machineLine())
  console.log(loadLine())
  const loadAtStart = loadAverage()
  const broker = await startBrokerProcess({ partitions: PARTITIONS })
  const kafka = kafkaClient(broker.brokers, 'bench-b5')
  const admin = kafka.admin()
  await admin.connect()
  try {
    const runs: Record<Guarantee, RunResult[]> = { at_least_once: [], exactly_once_v2: [] }
    for (let r = 0; r < args.reps; r++) {
      for (const g of (r % 2 === 0 ? ['at_least_once', 'exactly_once_v2'] : ['exactly_once_v2', 'at_least_once']) as Guarantee[]) {
        const p = await runOnce(g, r, kafka, admin, broker)
        runs[g].push(p)
        progressDone(`rep ${r + 1}/${args.reps} ${g}: p50 ${p.output.p50} ms, p99 ${p.output.p99} ms, max ${p.output.max} ms over ${fmt(p.output.count)} records (input read directly: p99 ${p.floor.p99} ms; CPU of a core: broker ${pct(p.cpuShare.broker)}, app ${pct(p.cpuShare.app)}, producer + consumers ${pct(p.cpuShare.measuring)})`)
      }
    }
    type Summary = { p50: Stats; p99: Stats; max: Stats; inputReadDirectly: { p50: Stats; p99: Stats; max: Stats }; goalP99Ms: number; met: boolean }
    const summary = {} as Record<Guarantee, Summary>
    const rows: string[][] = []
    const row = (label: string, s: Stats) => rows.push([label, fmt(s.min), fmt(s.median), fmt(s.max)])
    for (const g of ['at_least_once', 'exactly_once_v2'] as Guarantee[]) {
      const pick = (which: 'output' | 'floor', q: keyof Percentiles) => stats(runs[g].map((p) => p[which][q]))
      const goalP99Ms = g === 'at_least_once' ? 20 : args['commit-interval-ms'] + 30
      summary[g] = {
        p50: pick('output', 'p50'), p99: pick('output', 'p99'), max: pick('output', 'max'),
        inputReadDirectly: { p50: pick('floor', 'p50'), p99: pick('floor', 'p99'), max: pick('floor', 'max') },
        goalP99Ms, met: pick('output', 'p99').median <= goalP99Ms,
      }
      row(`${g} p50 ms`, summary[g].p50)
      row(`${g} p99 ms`, summary[g].p99)
      row(`${g} max ms`, summary[g].max)
      row(`${g}: input read directly, p99 ms`, summary[g].inputReadDirectly.p99)
    }
    console.log(table(['latency (percentile of each run)', 'min', 'median', 'max'], rows))
    for (const g of ['at_least_once', 'exactly_once_v2'] as Guarantee[]) {
      console.log(`B5 ${g}: median p99 ${fmt(summary[g].p99.median)} ms (goal ≤ ${summary[g].goalP99Ms} ms: ${summary[g].met ? 'met' : 'NOT met'})`)
    }
    await writeResult('latency', {
      loadAverage: { start: loadAtStart, end: loadAverage() },
      benchmark: 'B5',
      description: 'end-to-end latency, produce timestamp to output visible to a read_committed consumer, stateless topology at a steady rate',
      ratePerSecond: args.rate, seconds: args.seconds, warmupMs: WARMUP_MS, partitions: PARTITIONS, repetitions: args.reps, commitIntervalMs: args['commit-interval-ms'],
      atLeastOnce: summary.at_least_once, exactlyOnceV2: summary.exactly_once_v2,
      runs,
      goal: 'at_least_once p99 ≤ 20 ms; exactly_once_v2 p99 ≤ commit interval + 30 ms (medians over repetitions)',
    })
  } finally {
    await admin.disconnect()
    await broker.stop()
  }
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
