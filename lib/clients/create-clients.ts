import type { ResolvedStreamsConfig } from '../config/types.js'
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
    case 'kstreams':
      throw new Error("client 'kstreams': kstreams' own Kafka client is not available in this version; use client: 'kafkajs'")
  }
}
