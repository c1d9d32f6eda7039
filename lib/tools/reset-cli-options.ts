import type { KafkaConfig, SASLOptions } from 'kafkajs'

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
 * Throws naming the flag at fault.
 */
export function resetKafkaConfig(args: ResetConnectionArgs, env: Record<string, string | undefined> = process.env): KafkaConfig {
  const brokers = args.brokers?.split(',').map(b => b.trim()).filter(Boolean) ?? []
  if (brokers.length === 0) throw new Error('Missing --brokers')
  const config: KafkaConfig = { clientId: 'kstreams-reset', brokers }
  if (args.ssl) config.ssl = true
  const mechanism = args['sasl-mechanism']?.toLowerCase()
  const username = args['sasl-username']
  const password = args['sasl-password'] ?? env.KSTREAMS_SASL_PASSWORD
  if (mechanism === undefined) {
    if (username !== undefined || args['sasl-password'] !== undefined) throw new Error('--sasl-username and --sasl-password need --sasl-mechanism')
    return config
  }
  if (!(SASL_MECHANISMS as readonly string[]).includes(mechanism)) {
    throw new Error(`--sasl-mechanism: expected one of ${SASL_MECHANISMS.join(', ')}, got "${args['sasl-mechanism']}"`)
  }
  if (!username) throw new Error(`--sasl-mechanism ${mechanism} needs --sasl-username`)
  if (!password) throw new Error(`--sasl-mechanism ${mechanism} needs --sasl-password or the environment variable KSTREAMS_SASL_PASSWORD`)
  config.sasl = { mechanism, username, password } as SASLOptions
  return config
}
