// B9: the runtime's Kafka client alone, kstreams' lean client against @kafkats/client in the same
// run: produce N records in sends of 1000 (a few sends in flight, as the record collector does),
// then consume them in a group. CPU µs a record of this process (the broker runs in its own), for
// produce and consume separately; goal: lean ÷ @kafkats/client ≤ 0.8 each.
//
//   npx tsx bench/client.ts [--records 1000000] [--reps 3]
import { KafkaClient } from '@kafkats/client'
import { LeanClients } from '../lib/clients/lean/index.js'
import type { FetchedRecord, GroupAssignor, OutgoingRecord } from '../lib/clients/types.js'
import { loadAverage, loadLine } from './fixtures/load.js'
import { fmt, machineLine, ownCpuSeconds, parseArgs, progress, progressDone, startBrokerProcess, stats, statsRow, STATS_HEADER, table, writeResult } from './lib/index.js'

const PARTITIONS = 4
const SEND_SIZE = 1000
const IN_FLIGHT = 4
const VALUE_BYTES = 100
const args = parseArgs({ records: 1_000_000, reps: 3 })
const N = args.records - (args.records % SEND_SIZE)

interface Run { produceUs: number; consumeUs: number; produceRate: number; consumeRate: number }

/** Runs `send(i)` for i in [0, n) with at most IN_FLIGHT at once. */
async function pipelined(n: number, send: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0
  const lane = async () => {
    while (next < n) await send(next++)
  }
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane))
}

/** CPU µs a record and records/s of `fn`. */
async function measure(fn: () => Promise<void>): Promise<{ us: number; rate: number }> {
  const cpu0 = ownCpuSeconds()
  const t0 = performance.now()
  await fn()
  const wall = (performance.now() - t0) / 1000
  return { us: ((ownCpuSeconds() - cpu0) * 1e6) / N, rate: N / wall }
}

const value = Buffer.alloc(VALUE_BYTES, 'v')
const keys = Array.from({ length: SEND_SIZE }, (_, i) => Buffer.from(`key-${i}`))

/** Every member gets every partition of its one topic: this group has one member. */
const soleMember: GroupAssignor = {
  name: 'range',
  version: 0,
  subscriptionUserData: () => null,
  assign: (members, counts) => members.map(m => ({
    memberId: m.memberId,
    partitions: m.topics.map(topic => ({ topic, partitions: Array.from({ length: counts.get(topic) ?? 0 }, (_, p) => p) })),
    userData: null,
  })),
}

async function runLean(brokers: string[], topic: string): Promise<Run> {
  const clients = new LeanClients({ brokers, clientId: 'b9-lean' })
  const admin = clients.admin()
  await admin.connect()
  await admin.createTopics([{ topic, numPartitions: PARTITIONS, replicationFactor: -1, config: {} }])
  await admin.disconnect()
  const producer = clients.producer()
  await producer.connect()
  const batch: OutgoingRecord[] = keys.map(key => ({ key, value, timestamp: Date.now(), partition: -1 }))
  const produced = await measure(() => pipelined(N / SEND_SIZE, () => producer.send(topic, batch)))
  await producer.disconnect()

  const consumer = clients.groupConsumer({ groupId: `${topic}-group`, assigner: soleMember, sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, heartbeatIntervalMs: 1000 })
  await consumer.connect()
  await consumer.subscribe([topic], true)
  let count = 0
  const consumed = await measure(() => new Promise<void>((resolve, reject) => {
    void consumer.run({
      onAssigned: () => {},
      onRecords: (_t: string, _p: number, records: FetchedRecord[]) => {
        count += records.length
        if (count >= N) resolve()
      },
      onRebalanceStarted: () => {},
      onCrash: reject,
    })
  }))
  await consumer.disconnect()
  return { produceUs: produced.us, consumeUs: consumed.us, produceRate: produced.rate, consumeRate: consumed.rate }
}

async function runKafkats(brokers: string[], topic: string): Promise<Run> {
  const client = new KafkaClient({ clientId: 'b9-kafkats', brokers })
  await client.connect()
  await client.admin().createTopics([{ name: topic, numPartitions: PARTITIONS }])
  const producer = client.producer()
  const now = new Date()
  const messages = keys.map(key => ({ key, value, timestamp: now }))
  const produced = await measure(() => pipelined(N / SEND_SIZE, () => producer.send(topic, messages)))
  await producer.disconnect()

  const consumer = client.consumer({ groupId: `${topic}-group`, autoOffsetReset: 'earliest' })
  let count = 0
  const abort = new AbortController()
  const consumed = await measure(async () => {
    await consumer.runBatch(topic, async batch => {
      count += batch.length
      if (count >= N) abort.abort()
    }, { autoCommit: false, signal: abort.signal })
  })
  consumer.stop()
  await client.disconnect()
  return { produceUs: produced.us, consumeUs: consumed.us, produceRate: produced.rate, consumeRate: consumed.rate }
}

async function main(): Promise<void> {
  console.log(`B9 client alone: ${fmt(N)} records of ${VALUE_BYTES} B in sends of ${SEND_SIZE} (${IN_FLIGHT} in flight), ${PARTITIONS} partitions, consumed in a group; ${args.reps} repetitions`)
  console.log(machineLine())
  console.log(loadLine())
  const loadAtStart = loadAverage()
  const broker = await startBrokerProcess({ partitions: PARTITIONS })
  const lean: Run[] = []
  const kafkats: Run[] = []
  try {
    for (let r = 0; r < args.reps; r++) {
      progress(`rep ${r + 1}/${args.reps}: lean`)
      lean.push(await runLean(broker.brokers, `b9-lean-${r}`))
      progress(`rep ${r + 1}/${args.reps}: @kafkats/client`)
      kafkats.push(await runKafkats(broker.brokers, `b9-kafkats-${r}`))
      progressDone(`rep ${r + 1}/${args.reps}: produce ${lean[r]!.produceUs.toFixed(2)} vs ${kafkats[r]!.produceUs.toFixed(2)} CPU µs/record, consume ${lean[r]!.consumeUs.toFixed(2)} vs ${kafkats[r]!.consumeUs.toFixed(2)}`)
    }
  } finally {
    await broker.stop()
  }
  const s = (runs: Run[], k: keyof Run) => stats(runs.map(r => r[k]))
  const rows = [
    statsRow('lean produce CPU µs/record', s(lean, 'produceUs'), 2),
    statsRow('@kafkats/client produce CPU µs/record', s(kafkats, 'produceUs'), 2),
    statsRow('lean consume CPU µs/record', s(lean, 'consumeUs'), 2),
    statsRow('@kafkats/client consume CPU µs/record', s(kafkats, 'consumeUs'), 2),
    statsRow('lean produce records/s', s(lean, 'produceRate')),
    statsRow('@kafkats/client produce records/s', s(kafkats, 'produceRate')),
    statsRow('lean consume records/s', s(lean, 'consumeRate')),
    statsRow('@kafkats/client consume records/s', s(kafkats, 'consumeRate')),
  ]
  console.log(table(STATS_HEADER, rows))
  const produceRatio = s(lean, 'produceUs').median / s(kafkats, 'produceUs').median
  const consumeRatio = s(lean, 'consumeUs').median / s(kafkats, 'consumeUs').median
  const verdict = (x: number) => `${x.toFixed(2)} (goal ≤ 0.8: ${x <= 0.8 ? 'met' : 'NOT met'})`
  console.log(`B9 lean ÷ @kafkats/client CPU µs/record (medians): produce ${verdict(produceRatio)}, consume ${verdict(consumeRatio)}`)
  const file = await writeResult('client', {
    benchmark: 'B9',
    description: 'the lean client alone against @kafkats/client: produce in sends of 1000, consume in a group; CPU µs per record of the client process',
    records: N, sendSize: SEND_SIZE, inFlight: IN_FLIGHT, valueBytes: VALUE_BYTES, partitions: PARTITIONS,
    lean, kafkats, produceRatio, consumeRatio, loadAtStart, loadAtEnd: loadAverage(),
  })
  console.log(`results: ${file}`)
}

main().catch(err => {
  console.error(err)
  process.exit(1)
})
