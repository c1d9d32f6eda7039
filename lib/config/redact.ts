import type { ResolvedStreamsConfig, StreamsConfig } from './types.js'

const SECRET_KAFKA_KEYS = new Set(['sasl', 'ssl'])

/**
 * A copy of the config safe to log: sasl and ssl settings (passwords, keys, certificates) are
 * replaced by a marker, functions by their kind.
 */
export function redactConfig(config: StreamsConfig | ResolvedStreamsConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(config)) {
    if (key === 'kafka' && value && typeof value === 'object') {
      const kafka: Record<string, unknown> = {}
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (SECRET_KAFKA_KEYS.has(k)) kafka[k] = v === undefined || v === false ? v : '[redacted]'
        else kafka[k] = typeof v === 'function' ? '[function]' : v
      }
      out[key] = kafka
    } else if (key === 'logger') {
      out[key] = '[logger]'
    } else {
      out[key] = typeof value === 'function' ? '[function]' : value
    }
  }
  return out
}
