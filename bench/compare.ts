// B6: B2's word count in kstreams against the same word count written with other Node.js stream
// processing libraries, on one broker process and one pre-loaded 4-partition topic, at_least_once.
//   - @kafkats/flow: runs (its own client; in-memory store with a changelog, its default; it
//     groups without a repartition topic). Tuned as its options allow: 4 partitions processed
//     concurrently, offsets committed every 100 ms like kstreams (its default 5 s would make
//     completion wait for a commit).
//   - kafka-streams (nodefluent): cannot run here, see NOT_RUNNABLE.
// kstreams records/s ÷ theirs, goal ≥ 1.2. Records/s count input lines.
//
//   npx tsx bench/compare.ts [--records 5000] [--reps 3]
import { createTopic, kafkaClient, preload } from './fixtures/kafka-io.js'
import { countWords, LINE_BYTES, makeLines } from './fixtures/lines.js'
import { runFlowWordCount } from './fixtures/run-flow.js'
import { runKStreams } from './fixtures/run-kstreams.js'
import { wordCountTopology } from './fixtures/topologies.js'
import { loadAverage, loadLine } from './fixtures/load.js'
import { fmt, machineLine, parseArgs, progress, progressDone, startBrokerProcess, stats, statsRow, STATS_HEADER, table, writeResult } from './lib/index.js'

const PARTITIONS = 4
const INPUT = 'b6-input'
const COMMIT_INTERVAL_MS = 100
const args = parseArgs({ records: 5_000, reps: 3 })
const N = args.records

export const NOT_RUNNABLE = {
  'kafka-streams (nodefluent) 5.0.0':
    'its JavaScript client is kafka-node 5 (through sinek 9), which speaks only Produce v2, Fetch v2 and ListOffsets v0; '
    + 'the broker, like Apache Kafka 4 (KIP-896), serves Produce ≥ v3, Fetch ≥ v4 and ListOffsets ≥ v1 and closes the connection on the older '
    + 'versions, so the client fails with "refreshBrokerMetadata failed: Unable to find available brokers to try". Its native mode needs '
    + 'node-rdkafka, a native build its README limits to Node.js 9–12 (this is Node 20).',
}

async function main(): Promise<void> {
  const lines = makeLines(N)
  console.log(`B6 word count, kstreams vs @kafkats/flow: ${fmt(N)} lines of ~${LINE_BYTES} B (${fmt(countWords(lines))} words), ${PARTITIONS} partitions, at_least_once, commit interval ${COMMIT_INTERVAL_MS} ms, ${args.reps} repetitions`)
  console.log(machineLine())
  console.log(loadLine())
  const loadAtStart = loadAverage()
  const broker = await startBrokerProcess({ partitions: PARTITIONS })
  const kafka = kafkaClient(broker.brokers, 'bench-b6')
  const admin = kafka.admin()
  await admin.connect()
  try {
    await createTopic(admin, INPUT, PARTITIONS)
    await preload(kafka, INPUT, PARTITIONS, lines, (done) => progress(`pre-loading ${INPUT}: ${fmt(done)}/${fmt(N)}`))
    progressDone()
    const ks: number[] = []
    const fl: number[] = []
    const timeoutMs = Math.max(180_000, N * 20)
    for (let r = 0; r < args.reps; r++) {
      const runKs = async () => {
        const id = `b6-ks-${r}`
        await createTopic(admin, `${id}-out`, PARTITIONS)
        const s = await runKStreams({
          topology: wordCountTopology(INPUT, `${id}-out`, 'counts'), applicationId: id, brokers: broker.brokers, admin,
          guarantee: 'at_least_once', commitIntervalMs: COMMIT_INTERVAL_MS, timeoutMs,
          done: [{ topic: INPUT }, { topic: `${id}-counts-repartition` }],
          onProgress: (c) => progress(`rep ${r + 1}/${args.reps} kstreams: ${fmt(c)} offsets committed`),
        })
        ks.push(N / s)
      }
      const runFlow = async () => {
        const id = `b6-flow-${r}`
        await createTopic(admin, `${id}-out`, PARTITIONS)
        const s = await runFlowWordCount({
          applicationId: id, brokers: broker.brokers, input: INPUT, output: `${id}-out`, admin, timeoutMs,
          runEach: { partitionConcurrency: PARTITIONS, autoCommitIntervalMs: COMMIT_INTERVAL_MS },
          onProgress: (c) => progress(`rep ${r + 1}/${args.reps} @kafkats/flow: ${fmt(c)}/${fmt(N)} committed`),
        })
        fl.push(N / s)
      }
      if (r % 2 === 0) { await runKs(); await runFlow() } else { await runFlow(); await runKs() }
      progressDone(`rep ${r + 1}/${args.reps}: kstreams ${fmt(ks[r])} records/s, @kafkats/flow ${fmt(fl[r])} records/s`)
    }
    const ksStats = stats(ks)
    const flStats = stats(fl)
    const ratio = ksStats.median / flStats.median
    console.log(table(STATS_HEADER, [statsRow('kstreams word count records/s', ksStats), statsRow('@kafkats/flow word count records/s', flStats)]))
    console.log(`B6 kstreams ÷ @kafkats/flow (medians): ${ratio.toFixed(1)} (goal ≥ 1.2: ${ratio >= 1.2 ? 'met' : 'NOT met'})`)
    for (const [lib, why] of Object.entries(NOT_RUNNABLE)) console.log(`not measured: ${lib}: ${why}`)
    await writeResult('compare', {
      loadAverage: { start: loadAtStart, end: loadAverage() },
      benchmark: 'B6',
      description: 'word count at_least_once in kstreams (RocksDB store, repartition topic) and in @kafkats/flow (in-memory store, no repartition topic), same broker and data',
      records: N, recordBytes: LINE_BYTES, partitions: PARTITIONS, repetitions: args.reps, commitIntervalMs: COMMIT_INTERVAL_MS,
      kstreamsRecordsPerSecond: ksStats, kafkatsFlowRecordsPerSecond: flStats,
      kafkatsFlowOptions: { runEach: { partitionConcurrency: PARTITIONS, autoCommitIntervalMs: COMMIT_INTERVAL_MS } },
      ratio, goal: 'kstreams ÷ other library ≥ 1.2', met: ratio >= 1.2,
      notMeasured: NOT_RUNNABLE,
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
