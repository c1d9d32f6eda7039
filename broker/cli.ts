// npm run broker -- --port 9092 [--data-dir dir] [--partitions n] [--no-auto-create-topics] [--control]
// --control: fault-injection commands as JSON lines on stdin, one JSON answer line each on stdout
// (see control.ts); the broker stops when stdin closes.

import { parseArgs } from 'node:util'
import { attachControl } from './control.js'
import { EmbeddedKafka } from './embedded-kafka.js'

const USAGE = 'usage: npm run broker -- [--port 9092] [--data-dir DIR] [--partitions N] [--no-auto-create-topics] [--control]'

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string', default: '9092' },
        'data-dir': { type: 'string' },
        partitions: { type: 'string', default: '1' },
        'no-auto-create-topics': { type: 'boolean', default: false },
        control: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values
  } catch (err) {
    console.error(`kstreams broker: ${(err as Error).message}\n${USAGE}`)
    process.exit(2)
  }
}

function integer(name: string, text: string, min: number, max: number): number {
  const n = Number(text)
  if (!/^\d+$/.test(text) || n < min || n > max) {
    console.error(`kstreams broker: --${name} must be an integer from ${min} to ${max}, got "${text}"\n${USAGE}`)
    process.exit(2)
  }
  return n
}

const args = parse(process.argv.slice(2))
if (args.help) {
  console.log(USAGE)
  process.exit(0)
}

const kafka = await EmbeddedKafka.start({
  port: integer('port', args.port!, 0, 65535),
  dataDir: args['data-dir'],
  defaultPartitions: integer('partitions', args.partitions!, 1, 100_000),
  autoCreateTopics: !args['no-auto-create-topics'],
}).catch((err: Error) => {
  console.error(`kstreams broker: ${err.message}`)
  process.exit(1)
})

console.log(`kstreams embedded Kafka broker listening on ${kafka.brokers[0]}${args['data-dir'] ? ` (data dir ${args['data-dir']})` : ' (in memory)'}`)

let stopping = false
async function shutdown(signal: string): Promise<void> {
  if (stopping) return
  stopping = true
  try {
    await kafka.stop()
    console.log(`kstreams broker stopped (${signal})`)
    process.exit(0)
  } catch (err) {
    console.error(`kstreams broker: error while stopping: ${(err as Error).message}`)
    process.exit(1)
  }
}
process.on('SIGINT', () => void shutdown('SIGINT'))
process.on('SIGTERM', () => void shutdown('SIGTERM'))
if (args.control) attachControl(kafka, process.stdin, process.stdout, () => void shutdown('end of control input'))
