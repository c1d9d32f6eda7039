// kstreams command-line tools (run through bin/kstreams.mjs). `kstreams reset`: Kafka Streams' application reset tool.
import { parseArgs } from 'node:util'
import { Kafka, logLevel, type KafkaConfig } from 'kafkajs'
import { resetApplication } from '../lib/tools/reset-application.js'
import { resetKafkaConfig } from '../lib/tools/reset-cli-options.js'

const USAGE = `Usage:
  kstreams reset --application-id <id> --brokers <host:port[,host:port]> [--input-topics a,b] [--dry-run]
                 [--ssl] [--sasl-mechanism plain|scram-sha-256|scram-sha-512 --sasl-username <user>
                  --sasl-password <password>]

  The SASL password can also come from the environment variable KSTREAMS_SASL_PASSWORD.

  Deletes the application's internal topics (<id>-*-changelog, <id>-*-repartition) and moves its
  committed offsets on the input topics back to the earliest offset. Stop every instance first;
  delete local state with KafkaStreams#cleanUp() or by removing <stateDir>/<id>.`

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  if (command === undefined || command === '--help' || command === '-h') {
    console.log(USAGE)
    return command === undefined ? 1 : 0
  }
  if (command !== 'reset') {
    console.error(`Unknown command "${command}".\n\n${USAGE}`)
    return 1
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      'application-id': { type: 'string' },
      brokers: { type: 'string' },
      'input-topics': { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      ssl: { type: 'boolean', default: false },
      'sasl-mechanism': { type: 'string' },
      'sasl-username': { type: 'string' },
      'sasl-password': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  })
  if (values.help) {
    console.log(USAGE)
    return 0
  }
  const applicationId = values['application-id']
  if (!applicationId) {
    console.error(`Missing --application-id.\n\n${USAGE}`)
    return 1
  }
  let config: KafkaConfig
  try {
    config = resetKafkaConfig(values)
  } catch (err) {
    console.error(`${(err as Error).message}.\n\n${USAGE}`)
    return 1
  }
  const kafka = new Kafka({ ...config, logLevel: logLevel.NOTHING })
  const report = await resetApplication(kafka, {
    applicationId,
    inputTopics: values['input-topics']?.split(',').map(t => t.trim()).filter(Boolean),
    dryRun: values['dry-run'],
  })
  const verb = values['dry-run'] ? 'Would delete' : 'Deleted'
  console.log(`${verb} internal topics: ${report.deletedTopics.length ? report.deletedTopics.join(', ') : '(none)'}`)
  console.log(
    `${values['dry-run'] ? 'Would reset' : 'Reset'} offsets to earliest on: ${report.resetTopics.length ? report.resetTopics.join(', ') : '(none)'}`,
  )
  return 0
}

main(process.argv.slice(2)).then(
  code => process.exit(code),
  err => {
    console.error(`kstreams: ${(err as Error).message}`)
    process.exit(1)
  },
)
