import type { ConnectionOptions } from 'node:tls'
import type { Logger } from '../../../config/types.js'

/** SASL settings, as kafkajs takes them. */
export type SaslOptions =
  | { mechanism: 'plain'; username: string; password: string }
  | { mechanism: 'scram-sha-256' | 'scram-sha-512'; username: string; password: string }

/** How to reach and talk to brokers; shared by every connection of one client. */
export interface ConnectionSettings {
  clientId: string
  /** TLS (node:tls) when true or given options; plaintext otherwise. */
  ssl?: boolean | ConnectionOptions
  sasl?: SaslOptions
  /** How long a request may wait for its answer (a fetch adds its own max wait). Default 30000. */
  requestTimeoutMs?: number
  /** How long opening a connection (TCP, TLS, ApiVersions, SASL) may take. Default 10000. */
  connectionTimeoutMs?: number
  logger?: Logger
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000
export const DEFAULT_CONNECTION_TIMEOUT_MS = 10_000
