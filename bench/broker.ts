// B8: the broker alone. kafkajs produces N records of ~100 B (batched sends, acks -1) to a
// 4-partition topic and then consumes them all, in this process; the embedded broker runs in its
// own process. Measured: broker process CPU seconds ÷ this (client) process's CPU seconds over the
// same window. Goal ≤ 0.5: the broker must never be the bottleneck of the runtime benchmarks.
// Every repetition starts a fresh broker, so no run inherits another's log.
//
//   npx tsx bench/broker.ts [--records 1000000] [--reps 3] [--batch 1000] [--in-flight 4]
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs'
import { ownCpuSeconds, startBrokerProcess, type BrokerProcess } from './lib/index.js'
import { fmt, machineLine, parseArgs, progress, progressDone, stats, statsRow, STATS_HEADER, table, writeResult } from './lib/index.js'

const args = parseArgs({ records: 1_000_000, reps: 3, batch: 1000, 'in-flight': 4 })
const N = args.records
const PARTITIONS = 4
const KEY_BYTES = 10
const VALUE_BYTES = 90
const GOAL = 0.5

interface Run {
  brokerCpu: number; clientCpu: number; ratio: number
  produceRatio: number; consumeRatio: number // the same ratio over each phase alone
  produceRate: number; consumeRate: number
}

const value = Buffer.alloc(VALUE_BYTES, 'v')
const key = (i: number) => `k${String(i).padStart(KEY_BYTES - 1, '0')}`

async function produce(producer: Producer, topic: string, onProgress: (done: number) => void): Promise<void> {
  let next = 0
  let done = 0
  // `in-flight` senders, each sending batches of `batch` records one after the other.
  const sender = async () => {
    while (next < N) {
      const from = next
      const to = Math.min(N, from + args.batch)
      next = to
      const messages = new Array(to - from)
      for (let i = from; i < to; i++) messages[i - from] = { key: key(i), value }
      await producer.send({ topic, acks: -1, messages })
      done += to - from
      onProgress(done)
    }
  }
  await Promise.all(Array.from({ length: args['in-flight'] }, sender))
}

async function consume(kafka: Kafka, topic: string, onProgress: (done: number) => void): Promise<void> {
  const consumer = kafka.consumer({ groupId: `${topic}-reader`, maxWaitTimeInMs: 100 })
  await consumer.connect()
  try {
    await consumer.subscribe({ topic, fromBeginning: true })
    let seen = 0
    let bytes = 0
    await new Promise<void>((resolve, reject) => {
      consumer.run({
        eachBatch: async ({ batch }) => {
          for (const m of batch.messages) bytes += m.value?.length ?? 0
          seen += batch.messages.length
          onProgress(seen)
          if (seen >= N) resolve()
        },
      }).catch(reject)
    })
    if (seen !== N) throw new Error(`consumed ${seen} records, produced ${N}`)
    if (bytes !== N * VALUE_BYTES) throw new Error(`consumed ${bytes} value bytes, expected ${N * VALUE_BYTES}`)
  } finally {
    await consumer.disconnect()
  }
}

async function once(rep: number): Promise<Run> {
  const broker: BrokerProcess = await startBrokerProcess({ partitions: PARTITIONS })
  try {
    const kafka = new Kafka({ clientId: 'bench-b8', brokers: broker.brokers, logLevel: logLevel.NOTHING })
    const topic = `b8-${rep}`
    const admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }] })
    await admin.disconnect()
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner })
    await producer.connect()
    const label = `rep ${rep + 1}/${args.reps}`

    const broker0 = broker.cpuSeconds()
    const client0 = ownCpuSeconds()
    const t0 = performance.now()
    await produce(producer, topic, (done) => progress(`${label}: produced ${fmt(done)}/${fmt(N)}`))
    const t1 = performance.now()
    const broker1 = broker.cpuSeconds()
    const client1 = ownCpuSeconds()
    await producer.disconnect()
    await consume(kafka, topic, (done) => progress(`${label}: consumed ${fmt(done)}/${fmt(N)}`))
    const t2 = performance.now()
    const brokerCpu = broker.cpuSeconds() - broker0
    const clientCpu = ownCpuSeconds() - client0

    const run: Run = {
      brokerCpu, clientCpu, ratio: brokerCpu / clientCpu,
      produceRatio: (broker1 - broker0) / (client1 - client0),
      consumeRatio: (broker0 + brokerCpu - broker1) / (client0 + clientCpu - client1),
      produceRate: N / ((t1 - t0) / 1000), consumeRate: N / ((t2 - t1) / 1000),
    }
    progressDone(`${label}: broker ${brokerCpu.toFixed(2)} s CPU, client ${clientCpu.toFixed(2)} s CPU, ratio ${run.ratio.toFixed(3)}`)
    return run
  } finally {
    await broker.stop()
  }
}

async function main(): Promise<void> {
  console.log(`B8 broker: kafkajs produces ${fmt(N)} records of ${KEY_BYTES + VALUE_BYTES} B (batches of ${fmt(args.batch)}, ${args['in-flight']} in flight, acks -1) to ${PARTITIONS} partitions and consumes them; broker in its own process; ${args.reps} repetitions`)
  console.log(machineLine())
  const runs: Run[] = []
  for (let r = 0; r < args.reps; r++) runs.push(await once(r))
  const of = (f: (r: Run) => number) => stats(runs.map(f))
  const ratio = of((r) => r.ratio)
  const brokerCpu = of((r) => r.brokerCpu)
  const clientCpu = of((r) => r.clientCpu)
  const produceRate = of((r) => r.produceRate)
  const consumeRate = of((r) => r.consumeRate)
  console.log(table(STATS_HEADER, [
    statsRow('broker CPU ÷ client CPU', ratio, 3),
    statsRow('… producing only', of((r) => r.produceRatio), 3),
    statsRow('… consuming only', of((r) => r.consumeRatio), 3),
    statsRow('broker CPU s', brokerCpu, 2),
    statsRow('client CPU s', clientCpu, 2),
    statsRow('produce records/s', produceRate),
    statsRow('consume records/s', consumeRate),
  ]))
  const met = ratio.median <= GOAL
  console.log(`goal: broker CPU ÷ client CPU ≤ ${GOAL} (median) — ${met ? 'met' : 'NOT met'}`)
  await writeResult('broker', {
    benchmark: 'B8',
    description: 'kafkajs produces (acks -1, batched sends) and consumes N records to/from a 4-partition topic on the embedded broker running in its own process',
    records: N, recordBytes: KEY_BYTES + VALUE_BYTES, partitions: PARTITIONS, batch: args.batch, inFlight: args['in-flight'], repetitions: args.reps,
    brokerCpuOverClientCpu: ratio, producingOnly: of((r) => r.produceRatio), consumingOnly: of((r) => r.consumeRatio), brokerCpuSeconds: brokerCpu, clientCpuSeconds: clientCpu,
    produceRecordsPerSecond: produceRate, consumeRecordsPerSecond: consumeRate,
    goal: `broker CPU ÷ client CPU ≤ ${GOAL}`, goalMet: met,
  })
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
