// The `kstreams` command: `broker`, `describe`, `reset`, `--version`, `--help`.
import { Kafka, logLevel, type KafkaConfig } from 'kafkajs'
import { BROKER_OPTIONS, BROKER_OPTIONS_USAGE, BrokerUsageError, brokerArgsFrom, runBroker } from '../broker/command.js'
import { parseCommandArgs } from '../lib/tools/cli-args.js'
import { UsageError } from '../lib/tools/cli-errors.js'
import { loadTopology, parseDescribeFormat, renderTopology } from '../lib/tools/describe-command.js'
import { didYouMean } from '../lib/tools/did-you-mean.js'
import { packageVersion } from '../lib/tools/package-version.js'
import { resetApplication } from '../lib/tools/reset-application.js'
import { resetKafkaConfig } from '../lib/tools/reset-cli-options.js'

const USAGES = {
  broker: `kstreams broker ${BROKER_OPTIONS_USAGE}

  Starts the embedded Kafka-protocol broker (a development and test broker: single node, in memory
  or in --data-dir). Prints its address once it accepts connections; stops on SIGINT or SIGTERM.`,
  describe: `kstreams describe <module> [--format text|mermaid|dot|ascii]

  Prints the topology that <module> default-exports (a Topology, a function returning one, or a
  StreamsBuilder): text is Kafka Streams' Topology#describe() output; mermaid, dot and ascii draw it.`,
  reset: `kstreams reset --application-id <id> --brokers <host:port[,host:port]> [--input-topics a,b] [--dry-run]
               [--ssl] [--sasl-mechanism plain|scram-sha-256|scram-sha-512 --sasl-username <user>
                --sasl-password <password>]

  Deletes the application's internal topics (<id>-*-changelog, <id>-*-repartition) and moves its
  committed offsets on the input topics back to the earliest offset. Stop every instance first;
  delete local state with KafkaStreams#cleanUp() or by removing <stateDir>/<id>.
  The SASL password can also come from the environment variable KSTREAMS_SASL_PASSWORD.`,
}
type Command = keyof typeof USAGES
const COMMANDS = Object.keys(USAGES) as Command[]

const USAGE = `Usage: kstreams <command> [options]

Commands:
  broker     start the embedded Kafka broker
  describe   print a topology (text, mermaid, dot or ascii)
  reset      reset an application: delete its internal topics, rewind its input offsets

Options:
  --version  print the kstreams version
  --help     print this help; \`kstreams <command> --help\` for a command's options

${Object.values(USAGES).join('\n\n')}`

const out = (line: string) => console.log(line)
const err = (line: string) => console.error(line)

async function broker(args: string[]): Promise<number> {
  let parsed
  try {
    parsed = brokerArgsFrom(parseCommandArgs(args, BROKER_OPTIONS).values)
  } catch (e) {
    throw e instanceof BrokerUsageError ? new UsageError(e.message) : e
  }
  if (parsed.help) return (out(USAGES.broker), 0)
  return runBroker(parsed, { out, err }, 'kstreams broker')
}

async function describe(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    { format: { type: 'string', short: 'f' }, help: { type: 'boolean', short: 'h', default: false } },
    true,
  )
  if (values.help) return (out(USAGES.describe), 0)
  const format = parseDescribeFormat(values.format)
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'Missing <module>' : `Expected one module, got ${positionals.join(' ')}`)
  const topology = await loadTopology(positionals[0]!)
  process.stdout.write(renderTopology(topology, format).replace(/\n?$/, '\n'))
  return 0
}

async function reset(args: string[]): Promise<number> {
  const { values } = parseCommandArgs(args, {
    'application-id': { type: 'string' },
    brokers: { type: 'string' },
    'input-topics': { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    ssl: { type: 'boolean', default: false },
    'sasl-mechanism': { type: 'string' },
    'sasl-username': { type: 'string' },
    'sasl-password': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  })
  if (values.help) return (out(USAGES.reset), 0)
  const applicationId = values['application-id']
  if (!applicationId) throw new UsageError('Missing --application-id')
  const config: KafkaConfig = resetKafkaConfig(values)
  const kafka = new Kafka({ ...config, logLevel: logLevel.NOTHING })
  const dryRun = values['dry-run']
  const report = await resetApplication(kafka, {
    applicationId,
    inputTopics: values['input-topics']?.split(',').map(t => t.trim()).filter(Boolean),
    dryRun,
  })
  const list = (topics: string[]) => (topics.length ? topics.join(', ') : '(none)')
  out(`${dryRun ? 'Would delete' : 'Deleted'} internal topics: ${list(report.deletedTopics)}`)
  out(`${dryRun ? 'Would reset' : 'Reset'} offsets to earliest on: ${list(report.resetTopics)}`)
  return 0
}

const RUN: Record<Command, (args: string[]) => Promise<number>> = { broker, describe, reset }

async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv
  if (first === undefined) return (err(USAGE), 2)
  if (first === '--help' || first === '-h' || first === 'help') return (out(USAGE), 0)
  if (first === '--version' || first === '-v' || first === 'version') return (out(packageVersion(import.meta.url)), 0)
  if (!(COMMANDS as string[]).includes(first)) {
    const known = first.startsWith('-') ? ['--help', '--version'] : COMMANDS
    const suggestion = didYouMean(first, known)
    const what = first.startsWith('-') ? 'option' : 'command'
    err(`kstreams: unknown ${what} '${first}'${suggestion ? ` (did you mean ${suggestion}?)` : ''}\n\n${USAGE}`)
    return 2
  }
  const command = first as Command
  try {
    return await RUN[command](rest)
  } catch (e) {
    if (!(e instanceof UsageError)) throw e
    err(`kstreams ${command}: ${e.message}\n\nUsage: ${USAGES[command]}`)
    return 2
  }
}

main(process.argv.slice(2)).then(
  code => process.exit(code),
  (e: Error) => {
    err(`kstreams: ${e.message}`)
    process.exit(1)
  },
)
