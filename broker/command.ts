// The broker's command line, shared by `npm run broker` (broker/cli.ts) and `kstreams broker`.

import { attachControl } from './control.js'
import { EmbeddedKafka } from './embedded-kafka.js'

export const BROKER_OPTIONS_USAGE = '[--port 9092] [--data-dir DIR] [--partitions N] [--no-auto-create-topics] [--control]'

/** node:util parseArgs options of the broker command. */
export const BROKER_OPTIONS = {
  port: { type: 'string', default: '9092' },
  'data-dir': { type: 'string' },
  partitions: { type: 'string', default: '1' },
  'no-auto-create-topics': { type: 'boolean', default: false },
  // Fault-injection commands as JSON lines on stdin, one JSON answer line each on stdout (see
  // control.ts); the broker stops when stdin closes.
  control: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const

export interface BrokerArgs {
  help: boolean
  port: number
  dataDir: string | undefined
  partitions: number
  autoCreateTopics: boolean
  control: boolean
}

/** A flag's value is out of range; the message names the flag. */
export class BrokerUsageError extends Error {
  override name = 'BrokerUsageError'
}

function integer(name: string, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new BrokerUsageError(`--${name} must be an integer from ${min} to ${max}, got "${text}"`)
  }
  return Number(text)
}

/** Checks the parsed flag values; throws a BrokerUsageError naming the flag at fault. */
export function brokerArgsFrom(values: {
  help?: boolean
  port?: string
  'data-dir'?: string
  partitions?: string
  'no-auto-create-topics'?: boolean
  control?: boolean
}): BrokerArgs {
  return {
    help: values.help ?? false,
    port: integer('port', values.port ?? '9092', 0, 65535),
    dataDir: values['data-dir'],
    partitions: integer('partitions', values.partitions ?? '1', 1, 100_000),
    autoCreateTopics: !values['no-auto-create-topics'],
    control: values.control ?? false,
  }
}

/**
 * Runs the embedded broker until SIGINT or SIGTERM (or, with --control, the end of stdin): prints
 * `... listening on 127.0.0.1:PORT` once it accepts connections, and `stopped (REASON)` after a
 * clean stop. Resolves to the exit status.
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
  const reason = await new Promise<string>(resolve => {
    process.once('SIGINT', () => resolve('SIGINT'))
    process.once('SIGTERM', () => resolve('SIGTERM'))
    if (args.control) attachControl(kafka, process.stdin, process.stdout, () => resolve('end of control input'))
  })
  try {
    await kafka.stop()
    log.out(`kstreams broker stopped (${reason})`)
    return 0
  } catch (err) {
    log.err(`${prefix}: error while stopping: ${(err as Error).message}`)
    return 1
  }
}
