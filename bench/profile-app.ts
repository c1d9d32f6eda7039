// A profiling harness, not a benchmark: runs one kstreams application (B1's stateless topology or
// B2's word count) over a pre-loaded topic in this process (the broker runs in its own) and
// writes a V8 CPU profile of the application's run alone, pre-loading left out, to --out.
// bench/lib/profile-top.ts summarizes it.
//
//   npx tsx bench/profile-app.ts [--records N] [--topology stateless|word-count] [--guarantee at_least_once|exactly_once_v2] [--commit-interval-ms 100] [--out app.cpuprofile]
import { createTopic, kafkaClient, preload } from './fixtures/kafka-io.js'
import { makeLines } from './fixtures/lines.js'
import { runKStreams } from './fixtures/run-kstreams.js'
import { statelessTopology, wordCountTopology } from './fixtures/topologies.js'
import { fmt, parseArgs, startBrokerProcess } from './lib/index.js'
import type { ProcessingGuarantee } from '../lib/config/types.js'
import { Session } from 'node:inspector/promises'
import { writeFile } from 'node:fs/promises'

const PARTITIONS = 4
const args = parseArgs({ records: 200_000, topology: 'stateless', guarantee: 'at_least_once', 'commit-interval-ms': 100, out: 'app.cpuprofile' }, undefined, {
  topology: ['stateless', 'word-count'], guarantee: ['at_least_once', 'exactly_once_v2'],
})

async function main(): Promise<void> {
  const broker = await startBrokerProcess({ partitions: PARTITIONS })
  const kafka = kafkaClient(broker.brokers, 'bench-profile')
  const admin = kafka.admin()
  await admin.connect()
  try {
    await createTopic(admin, 'p-input', PARTITIONS)
    await createTopic(admin, 'p-output', PARTITIONS)
    await preload(kafka, 'p-input', PARTITIONS, makeLines(args.records))
    const wc = args.topology === 'word-count'
    const id = `p-${args.topology}`
    const session = new Session()
    session.connect()
    await session.post('Profiler.enable')
    await session.post('Profiler.start')
    const seconds = await runKStreams({
      topology: wc ? wordCountTopology('p-input', 'p-output', 'counts') : statelessTopology('p-input', 'p-output'),
      applicationId: id, brokers: broker.brokers, admin, guarantee: args.guarantee as ProcessingGuarantee,
      commitIntervalMs: args['commit-interval-ms'], timeoutMs: 300_000,
      done: wc ? [{ topic: 'p-input' }, { topic: `${id}-counts-repartition`, markerSlack: args.guarantee === 'exactly_once_v2' ? PARTITIONS : 0 }] : [{ topic: 'p-input' }],
    })
    const { profile } = await session.post('Profiler.stop')
    await writeFile(args.out, JSON.stringify(profile))
    console.log(`${args.topology} ${args.guarantee}: ${fmt(args.records / seconds)} records/s; profile in ${args.out}`)
  } finally {
    await admin.disconnect()
    await broker.stop()
  }
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
