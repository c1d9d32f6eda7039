import type { KafkaConfig, SASLOptions } from 'kafkajs'
import { parseBrokerList } from './broker-address.js'
import { UsageError } from './cli-errors.js'

const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const

export interface ResetConnectionArgs {
  brokers?: string
  ssl?: boolean
  'sasl-mechanism'?: string
  'sasl-username'?: string
  'sasl-password'?: string
}

/**
 * The kafkajs client config of `kstreams reset` from its flags. The SASL password may come from
 * KSTREAMS_SASL_PASSWORD instead of the command line (which other users of the host can read).
 * Throws a UsageError naming the flag at fault.
 */
export function resetKafkaConfig(args: ResetConnectionArgs, env: Record<string, string | undefined> = process.env): KafkaConfig {
  const brokers = parseBrokerList(args.brokers ?? '')
  const config: KafkaConfig = { clientId: 'kstreams-reset', brokers }
  if (args.ssl) config.ssl = true
  const mechanism = args['sasl-mechanism']?.toLowerCase()
  const username = args['sasl-username']
  const password = args['sasl-password'] ?? env.KSTREAMS_SASL_PASSWORD
  if (mechanism === undefined) {
    if (username !== undefined || args['sasl-password'] !== undefined) throw new UsageError('--sasl-username and --sasl-password need --sasl-mechanism')
    return config
  }
  if (!(SASL_MECHANISMS as readonly string[]).includes(mechanism)) {
    throw new UsageError(`--sasl-mechanism: expected one of ${SASL_MECHANISMS.join(', ')}, got "${args['sasl-mechanism']}"`)
  }
  if (!username) throw new UsageError(`--sasl-mechanism ${mechanism} needs --sasl-username`)
  if (!password) throw new UsageError(`--sasl-mechanism ${mechanism} needs --sasl-password or the environment variable KSTREAMS_SASL_PASSWORD`)
  config.sasl = { mechanism, username, password } as SASLOptions
  return config
}
