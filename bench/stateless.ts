// B1: stateless filter + mapValues from a 4-partition topic to another, at_least_once.
// kstreams records/s ÷ the records/s of a hand-written kafkajs eachBatch consume → transform →
// produce loop (same fetch sizes, same acks, a commit per batch). Both run in this process, one
// after the other in alternating order, against one broker process and one pre-loaded topic;
// every run has its own group and output topic. Goal ≥ 4.
//
//   npx tsx bench/stateless.ts [--records 300000] [--reps 3] [--commit-interval-ms 100] [--client kstreams|kafkajs]
import { createTopic, kafkaClient, preload } from './fixtures/kafka-io.js'
import { LINE_BYTES, makeLines } from './fixtures/lines.js'
import { loadAverage, loadLine } from './fixtures/load.js'
import { fmt, machineLine, ownCpuSeconds, parseArgs, progress, progressDone, startBrokerProcess, stats, statsRow, STATS_HEADER, table, writeResult } from './lib/index.js'
import { runKafkajsLoop } from './fixtures/run-kafkajs-loop.js'
import { runKStreams } from './fixtures/run-kstreams.js'
import type { KafkaClientChoice } from '../lib/config/types.js'
import { keepLine, statelessTopology, transformLine } from './fixtures/topologies.js'

const PARTITIONS = 4
const GOAL = 4
const args = parseArgs({ records: 300_000, reps: 3, 'commit-interval-ms': 100, client: 'kstreams' }, undefined, { client: ['kstreams', 'kafkajs'] })
const client = args.client as KafkaClientChoice
const N = args.records

async function main(): Promise<void> {
  console.log(`B1 stateless filter + mapValues: ${fmt(N)} records of ~${LINE_BYTES} B, ${PARTITIONS} partitions, at_least_once, commit interval ${args['commit-interval-ms']} ms, runtime on the ${client} client, ${args.reps} repetitions`)
  console.log(machineLine())
  console.log(loadLine())
  const loadAtStart = loadAverage()
  const broker = await startBrokerProcess({ partitions: PARTITIONS })
  const kafka = kafkaClient(broker.brokers, 'bench-b1')
  const admin = kafka.admin()
  await admin.connect()
  try {
    const lines = makeLines(N)
    await createTopic(admin, 'b1-input', PARTITIONS)
    await preload(kafka, 'b1-input', PARTITIONS, lines, (done) => progress(`pre-loading b1-input: ${fmt(done)}/${fmt(N)}`))
    progressDone()
    const kept = lines.filter(keepLine).length
    const ks: number[] = []
    const loop: number[] = []
    // CPU µs per record of this process (application or loop, plus the small cost of polling offsets)
    const ksCpu: number[] = []
    const loopCpu: number[] = []
    const timeoutMs = Math.max(120_000, N / 2)
    for (let r = 0; r < args.reps; r++) {
      const runKs = async () => {
        const output = `b1-out-ks-${r}`
        await createTopic(admin, output, PARTITIONS)
        const c0 = ownCpuSeconds()
        const s = await runKStreams({
          topology: statelessTopology('b1-input', output), applicationId: `b1-ks-${r}`, brokers: broker.brokers,
          guarantee: 'at_least_once', commitIntervalMs: args['commit-interval-ms'], admin, timeoutMs, client,
          done: [{ topic: 'b1-input' }],
          onProgress: (c) => progress(`rep ${r + 1}/${args.reps} kstreams: ${fmt(c)}/${fmt(N)} committed`),
        })
        ks.push(N / s)
        ksCpu.push(((ownCpuSeconds() - c0) * 1e6) / N)
      }
      const runLoop = async () => {
        const output = `b1-out-loop-${r}`
        await createTopic(admin, output, PARTITIONS)
        const c0 = ownCpuSeconds()
        const s = await runKafkajsLoop({
          kafka, admin, groupId: `b1-loop-${r}`, input: 'b1-input', output, timeoutMs, keep: keepLine, transform: transformLine,
          onProgress: (c) => progress(`rep ${r + 1}/${args.reps} kafkajs loop: ${fmt(c)}/${fmt(N)} committed`),
        })
        loop.push(N / s)
        loopCpu.push(((ownCpuSeconds() - c0) * 1e6) / N)
      }
      // alternate the order so neither always runs on a warmer JIT or a busier broker
      if (r % 2 === 0) { await runKs(); await runLoop() } else { await runLoop(); await runKs() }
      progressDone(`rep ${r + 1}/${args.reps}: kstreams ${fmt(ks[r])} records/s, kafkajs loop ${fmt(loop[r])} records/s`)
    }
    const ksStats = stats(ks)
    const loopStats = stats(loop)
    const ratio = ksStats.median / loopStats.median
    const ksCpuStats = stats(ksCpu)
    const loopCpuStats = stats(loopCpu)
    console.log(table(STATS_HEADER, [
      statsRow('kstreams records/s', ksStats), statsRow('kafkajs eachBatch loop records/s', loopStats),
      statsRow('kstreams CPU µs/record (start to stop)', ksCpuStats, 1), statsRow('kafkajs loop CPU µs/record (join to stop)', loopCpuStats, 1),
    ]))
    console.log(`B1 ratio kstreams ÷ kafkajs loop (medians): ${ratio.toFixed(2)} (goal ≥ ${GOAL}: ${ratio >= GOAL ? 'met' : 'NOT met'}); per repetition: ${ks.map((k, i) => (k / loop[i]).toFixed(2)).join(', ')}`)
    await writeResult(client === 'kstreams' ? 'stateless' : `stateless-${client}`, {
      loadAverage: { start: loadAtStart, end: loadAverage() },
      benchmark: 'B1',
      description: 'stateless filter + mapValues, 4-partition topic to another, at_least_once; kstreams vs a hand-written kafkajs eachBatch loop',
      client, records: N, recordBytes: LINE_BYTES, partitions: PARTITIONS, keptRecords: kept, repetitions: args.reps, commitIntervalMs: args['commit-interval-ms'],
      kstreamsRecordsPerSecond: ksStats, kafkajsLoopRecordsPerSecond: loopStats,
      kstreamsCpuMicrosPerRecord: ksCpuStats, kafkajsLoopCpuMicrosPerRecord: loopCpuStats,
      ratio, ratiosPerRepetition: ks.map((k, i) => k / loop[i]), goal: `kstreams ÷ kafkajs loop ≥ ${GOAL}`, met: ratio >= GOAL,
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
