// npm run broker -- --port 9092 [--data-dir dir] [--partitions n] [--no-auto-create-topics] [--control]
// (the same command as `kstreams broker`)

import { parseArgs } from 'node:util'
import { BROKER_OPTIONS, BROKER_OPTIONS_USAGE, brokerArgsFrom, runBroker, type BrokerArgs } from './command.js'

const USAGE = `usage: npm run broker -- ${BROKER_OPTIONS_USAGE}`

let args: BrokerArgs
try {
  args = brokerArgsFrom(parseArgs({ args: process.argv.slice(2), options: BROKER_OPTIONS, strict: true, allowPositionals: false }).values)
} catch (err) {
  console.error(`kstreams broker: ${(err as Error).message}\n${USAGE}`)
  process.exit(2)
}
if (args.help) {
  console.log(USAGE)
  process.exit(0)
}
process.exit(await runBroker(args, { out: line => console.log(line), err: line => console.error(line) }, 'kstreams broker'))
