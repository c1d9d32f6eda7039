// npm run broker -- --port 9092 [--data-dir dir] [--partitions n] [--no-auto-create-topics]
// (the same command as `kstreams broker`, sharing its flags)

import { BROKER_OPTIONS_USAGE, parseBrokerArgs, runBroker, type BrokerArgs } from '../lib/tools/broker-command.js'
import { UsageError } from '../lib/tools/cli-errors.js'

const USAGE = `usage: npm run broker -- ${BROKER_OPTIONS_USAGE}`

let args: BrokerArgs
try {
  args = parseBrokerArgs(process.argv.slice(2))
} catch (err) {
  if (!(err instanceof UsageError)) throw err
  console.error(`kstreams broker: ${err.message}\n${USAGE}`)
  process.exit(2)
}
if (args.help) {
  console.log(USAGE)
  process.exit(0)
}
process.exit(await runBroker(args, { out: line => console.log(line), err: line => console.error(line) }, 'kstreams broker'))
