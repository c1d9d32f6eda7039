import { EmbeddedKafka } from '../../broker/embedded-kafka.js'
import { parseCommandArgs } from './cli-args.js'
import { UsageError } from './cli-errors.js'

export const BROKER_OPTIONS_USAGE = '[--port 9092] [--data-dir DIR] [--partitions N] [--no-auto-create-topics]'

const OPTIONS = {
  port: { type: 'string', default: '9092' },
  'data-dir': { type: 'string' },
  partitions: { type: 'string', default: '1' },
  'no-auto-create-topics': { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const

export interface BrokerArgs {
  help: boolean
  port: number
  dataDir: string | undefined
  partitions: number
  autoCreateTopics: boolean
}

function integer(name: string, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${text}"`)
  }
  return Number(text)
}

/** The flags of `kstreams broker` and `npm run broker`; throws a UsageError naming the flag at fault. */
export function parseBrokerArgs(argv: string[]): BrokerArgs {
  const { values } = parseCommandArgs(argv, OPTIONS)
  return {
    help: values.help,
    port: integer('port', values.port, 0, 65535),
    dataDir: values['data-dir'],
    partitions: integer('partitions', values.partitions, 1, 100_000),
    autoCreateTopics: !values['no-auto-create-topics'],
  }
}

/**
 * Runs the embedded broker until SIGINT or SIGTERM: prints `... listening on 127.0.0.1:PORT` once
 * it accepts connections, and `stopped (SIGNAL)` after a clean stop. Resolves to the exit status.
 */
export async function runBroker(args: BrokerArgs, log: { out(line: string): void; err(line: string): void }, prefix: string): Promise<number> {
  let kafka: EmbeddedKafka
  try {
    kafka = await EmbeddedKafka.start({
      port: args.port,
      dataDir: args.dataDir,
      defaultPartitions: args.partitions,
      autoCreateTopics: args.autoCreateTopics,
    })
  } catch (err) {
    log.err(`${prefix}: ${(err as Error).message}`)
    return 1
  }
  log.out(`kstreams embedded Kafka broker listening on ${kafka.brokers[0]}${args.dataDir ? ` (data dir ${args.dataDir})` : ' (in memory)'}`)
  const signal = await new Promise<NodeJS.Signals>(resolve => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  try {
    await kafka.stop()
    log.out(`kstreams broker stopped (${signal})`)
    return 0
  } catch (err) {
    log.err(`${prefix}: error while stopping: ${(err as Error).message}`)
    return 1
  }
}
