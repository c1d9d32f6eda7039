// B2 and B3: word count (flatMapValues → groupBy → count, RocksDB store with its changelog).
// Each repetition runs, against one broker process and one pre-loaded 4-partition topic:
//   - B1's hand-written kafkajs loop (the B2 baseline, measured again in this run),
//   - word count at_least_once (B2: words/s ÷ the loop's records/s, goal ≥ 3),
//   - word count exactly_once_v2 (B3: ÷ at_least_once word count, goal ≥ 0.9).
// All with commit interval 100 ms (exactly_once_v2's default), so B3 isolates the cost of
// transactions. A run ends once the group has committed the input and the repartition topic to
// their ends. Rates count input lines; words/s are lines/s × the words a line has on average.
//
//   npx tsx bench/word-count.ts [--records 30000] [--reps 3] [--commit-interval-ms 100] [--client kstreams|kafkajs]
import type { Admin } from 'kafkajs'
import { createTopic, kafkaClient, preload } from './fixtures/kafka-io.js'
import { countWords, LINE_BYTES, makeLines } from './fixtures/lines.js'
import { runKStreams } from './fixtures/run-kstreams.js'
import { keepLine, transformLine, wordCountTopology } from './fixtures/topologies.js'
import { runKafkajsLoop } from './fixtures/run-kafkajs-loop.js'
import type { KafkaClientChoice } from '../lib/config/types.js'
import type { Kafka } from 'kafkajs'
import { loadAverage, loadLine } from './fixtures/load.js'
import { fmt, machineLine, ownCpuSeconds, parseArgs, progress, progressDone, startBrokerProcess, stats, statsRow, STATS_HEADER, table, writeResult } from './lib/index.js'

const PARTITIONS = 4
const INPUT = 'b2-input'
const B2_GOAL = 3
const B3_GOAL = 0.9
const args = parseArgs({ records: 30_000, reps: 3, 'commit-interval-ms': 100, client: 'kstreams' }, undefined, { client: ['kstreams', 'kafkajs'] })
const client = args.client as KafkaClientChoice
const N = args.records

type Kind = 'loop' | 'wc-alos' | 'wc-eos'
const LABEL: Record<Kind, string> = { loop: 'kafkajs loop (B1 baseline)', 'wc-alos': 'word count at_least_once', 'wc-eos': 'word count exactly_once_v2' }

async function runOnce(kind: Kind, rep: number, brokers: string[], admin: Admin, kafka: Kafka): Promise<number> {
  const id = `b2-${kind}-${rep}`
  const output = `${id}-out`
  await createTopic(admin, output, PARTITIONS)
  if (kind === 'loop') {
    const s = await runKafkajsLoop({
      kafka, admin, groupId: id, input: INPUT, output, timeoutMs: Math.max(180_000, N), keep: keepLine, transform: transformLine,
      onProgress: (c) => progress(`rep ${rep + 1}/${args.reps} ${LABEL[kind]}: ${fmt(c)} offsets committed`),
    })
    return N / s
  }
  const eos = kind === 'wc-eos'
  const seconds = await runKStreams({
    client,
    topology: wordCountTopology(INPUT, output, 'counts'),
    applicationId: id, brokers, admin,
    guarantee: eos ? 'exactly_once_v2' : 'at_least_once',
    commitIntervalMs: args['commit-interval-ms'],
    timeoutMs: Math.max(180_000, N),
    // groupBy repartitions through `<applicationId>-counts-repartition` (named after the store)
    // Under EOS each of the PARTITIONS upstream tasks writes the repartition topic with its own
    // transactional producer, so a partition may end in that many commit markers.
    done: [{ topic: INPUT }, { topic: `${id}-counts-repartition`, markerSlack: eos ? PARTITIONS : 0 }],
    onProgress: (c) => progress(`rep ${rep + 1}/${args.reps} ${LABEL[kind]}: ${fmt(c)} offsets committed`),
  })
  return N / seconds
}

async function main(): Promise<void> {
  const lines = makeLines(N)
  const words = countWords(lines)
  console.log(`B2/B3 word count: ${fmt(N)} lines of ~${LINE_BYTES} B (${fmt(words)} words), ${PARTITIONS} partitions, RocksDB store with changelog, commit interval ${args['commit-interval-ms']} ms, runtime on the ${client} client, ${args.reps} repetitions`)
  console.log(machineLine())
  console.log(loadLine())
  const loadAtStart = loadAverage()
  const broker = await startBrokerProcess({ partitions: PARTITIONS })
  const kafka = kafkaClient(broker.brokers, 'bench-b2')
  const admin = kafka.admin()
  await admin.connect()
  try {
    await createTopic(admin, INPUT, PARTITIONS)
    await preload(kafka, INPUT, PARTITIONS, lines, (done) => progress(`pre-loading ${INPUT}: ${fmt(done)}/${fmt(N)}`))
    progressDone()
    const rates: Record<Kind, number[]> = { loop: [], 'wc-alos': [], 'wc-eos': [] }
    // CPU µs per input line of this process (the application, plus the small cost of polling offsets)
    const cpu: Record<Kind, number[]> = { loop: [], 'wc-alos': [], 'wc-eos': [] }
    const orders: Kind[][] = [['loop', 'wc-alos', 'wc-eos'], ['wc-eos', 'wc-alos', 'loop'], ['wc-alos', 'loop', 'wc-eos']]
    for (let r = 0; r < args.reps; r++) {
      // rotate the order so no kind always runs first (coldest JIT) or last
      for (const kind of orders[r % orders.length]) {
        const c0 = ownCpuSeconds()
        rates[kind].push(await runOnce(kind, r, broker.brokers, admin, kafka))
        cpu[kind].push(((ownCpuSeconds() - c0) * 1e6) / N)
      }
      progressDone(`rep ${r + 1}/${args.reps}: ${(Object.keys(rates) as Kind[]).map((k) => `${LABEL[k]} ${fmt(rates[k][r])}`).join(', ')} records/s`)
    }
    const s = { loop: stats(rates.loop), 'wc-alos': stats(rates['wc-alos']), 'wc-eos': stats(rates['wc-eos']) }
    const wordsPerLine = words / N
    // B2: words/s of word count ÷ records (lines)/s of the kafkajs loop
    const b2 = (s['wc-alos'].median * wordsPerLine) / s.loop.median
    const b2Runs = rates['wc-alos'].map((w, i) => (w * wordsPerLine) / rates.loop[i]!)
    const b3Runs = rates['wc-eos'].map((w, i) => w / rates['wc-alos'][i]!)
    const b3 = s['wc-eos'].median / s['wc-alos'].median
    const kinds = Object.keys(s) as Kind[]
    const cpuStats = { loop: stats(cpu.loop), 'wc-alos': stats(cpu['wc-alos']), 'wc-eos': stats(cpu['wc-eos']) }
    console.log(table(STATS_HEADER, [
      ...kinds.map((k) => statsRow(`${LABEL[k]} records/s`, s[k])),
      ...kinds.map((k) => statsRow(`${LABEL[k]} CPU µs/line (start to close)`, cpuStats[k], 1)),
    ]))
    console.log(`B2 word count at_least_once words/s ÷ kafkajs loop records/s (medians): ${b2.toFixed(2)} (goal ≥ ${B2_GOAL}: ${b2 >= B2_GOAL ? 'met' : 'NOT met'}); per repetition: ${b2Runs.map((x) => x.toFixed(2)).join(', ')}`)
    console.log(`B3 exactly_once_v2 ÷ at_least_once word count (medians): ${b3.toFixed(2)} (goal ≥ ${B3_GOAL}: ${b3 >= B3_GOAL ? 'met' : 'NOT met'}); per repetition: ${b3Runs.map((x) => x.toFixed(2)).join(', ')}`)
    await writeResult(client === 'kstreams' ? 'word-count' : `word-count-${client}`, {
      loadAverage: { start: loadAtStart, end: loadAverage() },
      benchmark: 'B2+B3',
      description: 'word count (flatMapValues → groupBy → count, RocksDB + changelog) at_least_once and exactly_once_v2, against B1\'s hand-written kafkajs loop, same broker and data',
      client, records: N, words, recordBytes: LINE_BYTES, partitions: PARTITIONS, repetitions: args.reps, commitIntervalMs: args['commit-interval-ms'],
      kafkajsLoopRecordsPerSecond: s.loop, wordCountAtLeastOnceRecordsPerSecond: s['wc-alos'], wordCountExactlyOnceRecordsPerSecond: s['wc-eos'],
      cpuMicrosPerLine: cpuStats,
      b2: { ratio: b2, perRepetition: b2Runs, goal: `word count at_least_once words/s ÷ kafkajs loop records/s ≥ ${B2_GOAL}`, met: b2 >= B2_GOAL },
      b3: { ratio: b3, perRepetition: b3Runs, goal: `exactly_once_v2 ÷ at_least_once ≥ ${B3_GOAL}`, met: b3 >= B3_GOAL },
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
