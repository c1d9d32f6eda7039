// The main job (`npm start`): word count on the embedded broker with exactly_once_v2 and RocksDB
// state. Counts print as they change; then a second instance starts on an empty state directory
// and rebuilds the store from its changelog, with a progress bar.
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { Kafka, logLevel, Partitioners } from 'kafkajs'
import { EmbeddedKafka } from '../broker/index.js'
import { MultiBar, Presets, type SingleBar } from 'cli-progress'
import { KafkaStreams, renderAscii, type StateRestoreListener } from '../lib/index.js'
import { fixKafkajsReadCommitted } from '../lib/kafkajs.js'
import { buildWordCountTopology } from './word-count.js'

const INPUT = 'text-input'
const OUTPUT = 'word-counts'
const STORE = 'counts'

const POEM = [
  'the stream flows on and on',
  'a table remembers what the stream forgets',
  'on and on the counts go up',
  'what the log keeps the store can rebuild',
  'the stream the table the log',
]

// The word-count topology of examples/word-count.ts; `count()` materializes a RocksDB store.
const wordCount = () => buildWordCountTopology({ input: INPUT, output: OUTPUT, store: STORE })

const bar = (n: number, width = 24) => '█'.repeat(Math.min(width, n)) + (n > width ? '…' : '')
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))

async function waitForState(app: KafkaStreams, state: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (app.state !== state) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${state} (state is ${app.state})`)
    await sleep(20)
  }
}

/**
 * One progress bar per changelog partition, by offset (commit markers take offsets too, so
 * counting records would undercount). On a terminal the bars redraw in place; elsewhere
 * cli-progress prints them at intervals.
 */
function progressListener(): StateRestoreListener & { stop(): void } {
  const bars = new MultiBar(
    {
      format: '  restoring {store} from changelog partition {partition} [{bar}] {percentage}% {records} records',
      barCompleteChar: '#',
      barIncompleteChar: '.',
      barsize: 12,
      hideCursor: true,
      noTTYOutput: !process.stdout.isTTY,
      notTTYSchedule: 500,
      clearOnComplete: false,
    },
    Presets.legacy,
  )
  const parts = new Map<string, { bar: SingleBar; start: number; records: number }>()
  return {
    onRestoreStart(store, topic, partition, start, end) {
      const bar = bars.create(Math.max(1, end - start), 0, { store, partition, records: 0 })
      parts.set(`${topic}-${partition}`, { bar, start, records: 0 })
    },
    onBatchRestored(_store, topic, partition, batchEnd, n) {
      const p = parts.get(`${topic}-${partition}`)!
      p.records += n
      p.bar.update(batchEnd + 1 - p.start, { records: p.records })
    },
    onRestoreEnd(_store, topic, partition) {
      const p = parts.get(`${topic}-${partition}`)!
      p.bar.update(p.bar.getTotal(), { records: p.records })
    },
    stop: () => bars.stop(),
  }
}

async function main(): Promise<void> {
  const broker = await EmbeddedKafka.start({ port: 0 })
  const brokers = broker.brokers
  console.log(`\n▶ embedded Kafka broker on ${brokers.join(', ')}`)
  console.log('\n▶ the word-count topology: two sub-topologies joined by a repartition topic\n')
  console.log(renderAscii(wordCount().describe()))
  // The demo reads exactly-once output with kafkajs, which needs kstreams' read_committed fix.
  const kafka = fixKafkajsReadCommitted(new Kafka({ clientId: 'demo', brokers, logLevel: logLevel.NOTHING }))
  const admin = kafka.admin()
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner })
  const watcher = kafka.consumer({ groupId: 'demo-watcher', maxWaitTimeInMs: 50 })
  const dirs: string[] = []
  const apps: KafkaStreams[] = []
  try {
    await admin.connect()
    await admin.createTopics({ topics: [{ topic: INPUT, numPartitions: 2 }, { topic: OUTPUT, numPartitions: 2 }], waitForLeaders: true })
    console.log(`▶ topics ${INPUT} and ${OUTPUT} (2 partitions each)`)

    const stateDir1 = await mkdtemp(path.join(os.tmpdir(), 'kstreams-demo-'))
    dirs.push(stateDir1)
    const config = { applicationId: 'word-count', brokers, processingGuarantee: 'exactly_once_v2' as const, commitIntervalMs: 100 }
    const app = new KafkaStreams(wordCount(), { ...config, stateDir: stateDir1 })
    apps.push(app)
    app.on('stateChange', (next, prev) => console.log(`  [word-count] ${prev} → ${next}`))
    await app.start()
    await waitForState(app, 'RUNNING')

    // A read_committed consumer of the output: it sees only committed transactions.
    const counts = new Map<string, number>()
    let changed: string[] = []
    await watcher.connect()
    await watcher.subscribe({ topics: [OUTPUT], fromBeginning: true })
    await watcher.run({
      eachMessage: async ({ message }) => {
        const word = message.key!.toString()
        counts.set(word, Number(message.value!.readBigInt64BE()))
        changed.push(word)
      },
    })

    await producer.connect()
    console.log('\n▶ feeding a poem, line by line (exactly_once_v2, RocksDB state)\n')
    for (const line of POEM) {
      changed = []
      await producer.send({ topic: INPUT, messages: [{ key: null, value: line }] })
      const expectedWords = new Set(line.split(' '))
      const deadline = Date.now() + 10_000
      while ([...expectedWords].some(w => !changed.includes(w)) && Date.now() < deadline) await sleep(20)
      console.log(`  “${line}”`)
      for (const w of [...new Set(changed)].sort((a, b) => counts.get(b)! - counts.get(a)! || a.localeCompare(b))) {
        console.log(`      ${w.padEnd(10)} ${bar(counts.get(w)!)} ${counts.get(w)}`)
      }
    }

    console.log('\n▶ a bulk load so the changelog has something to replay: 3,000 lines of random words')
    const vocabulary = Array.from({ length: 400 }, (_, i) => `w${i.toString(36)}`)
    for (let batch = 0; batch < 6; batch++) {
      const messages = Array.from({ length: 500 }, () => ({
        key: null,
        value: Array.from({ length: 6 }, () => vocabulary[Math.floor(Math.random() * vocabulary.length)]).join(' '),
      }))
      await producer.send({ topic: INPUT, messages })
    }
    const store = await app.store<string, number>(STORE)
    const deadline = Date.now() + 30_000
    let totalWords = 0
    while (Date.now() < deadline) {
      totalWords = 0
      for await (const kv of store.all()) totalWords += kv.value
      if (totalWords >= 18_000 + POEM.join(' ').split(' ').length) break
      await sleep(100)
    }
    const before = new Map<string, number>()
    for await (const kv of store.all()) before.set(kv.key, kv.value)
    console.log(`  the store holds ${before.size} words, ${totalWords} counted in all; "the" = ${before.get('the')}`)
    await app.close()

    console.log('\n▶ a new instance on an empty state directory rebuilds the store from the changelog\n')
    const stateDir2 = await mkdtemp(path.join(os.tmpdir(), 'kstreams-demo-'))
    dirs.push(stateDir2)
    const app2 = new KafkaStreams(wordCount(), { ...config, stateDir: stateDir2 })
    apps.push(app2)
    const progress = progressListener()
    app2.setGlobalStateRestoreListener(progress)
    app2.on('stateChange', (next, prev) => {
      if (next === 'RUNNING') progress.stop()
      console.log(`  [word-count, fresh state] ${prev} → ${next}`)
    })
    await app2.start()
    await waitForState(app2, 'RUNNING')
    const rebuilt = new Map<string, number>()
    for await (const kv of (await app2.store<string, number>(STORE)).all()) rebuilt.set(kv.key, kv.value)
    const same = rebuilt.size === before.size && [...before].every(([k, v]) => rebuilt.get(k) === v)
    console.log(`  rebuilt ${rebuilt.size} words; "the" = ${rebuilt.get('the')}; identical to before: ${same ? 'yes' : 'NO'}`)
    await app2.close()
    if (!same) throw new Error('the rebuilt store differs from the original')
    console.log('\n✔ done\n')
  } finally {
    for (const a of apps) await a.close().catch(() => {})
    await watcher.disconnect().catch(() => {})
    await producer.disconnect().catch(() => {})
    await admin.disconnect().catch(() => {})
    await broker.stop()
    for (const d of dirs) await rm(d, { recursive: true, force: true })
  }
}

main().then(
  () => process.exit(0),
  err => {
    console.error(err)
    process.exit(1)
  },
)
