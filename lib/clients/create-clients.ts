import type { ResolvedStreamsConfig } from '../config/types.js'
import type { LeanClientsOptions, SaslOptions } from './lean/index.js'
import type { ClientFactory } from './types.js'

/**
 * The client factory `config.client` names. Each adapter is imported only when chosen, so an
 * application on kstreams' own client never loads kafkajs (nor its read_committed fix).
 */
export async function createClients(config: ResolvedStreamsConfig): Promise<ClientFactory> {
  switch (config.client) {
    case 'kafkajs': {
      const { KafkajsClients } = await import('./kafkajs/index.js')
      return new KafkajsClients(config)
    }
    case 'kstreams': {
      const { LeanClients } = await import('./lean/index.js')
      return new LeanClients(leanOptions(config))
    }
  }
}

/** kstreams' own client takes the connection settings of `config.kafka` it supports. */
function leanOptions(config: ResolvedStreamsConfig): LeanClientsOptions {
  const { kafka } = config
  let sasl: SaslOptions | undefined
  if (kafka.sasl) {
    const s = kafka.sasl
    if (s.mechanism !== 'plain' && s.mechanism !== 'scram-sha-256' && s.mechanism !== 'scram-sha-512') {
      throw new Error(`client 'kstreams': SASL mechanism '${s.mechanism}' is not supported (plain, scram-sha-256 and scram-sha-512 are); use client: 'kafkajs'`)
    }
    const { username, password } = s as { username: string; password: string }
    sasl = { mechanism: s.mechanism, username, password }
  }
  return {
    brokers: config.brokers,
    clientId: kafka.clientId ?? config.applicationId,
    ssl: kafka.ssl,
    sasl,
    requestTimeoutMs: kafka.requestTimeout,
    connectionTimeoutMs: kafka.connectionTimeout,
    logger: config.logger,
  }
}
