import type { Headers } from '../types.js'

/** kafkajs may deliver repeated header keys as arrays; Kafka Streams' record context keeps the last. */
export function fromKafkajsHeaders(h: Record<string, Buffer | string | (Buffer | string)[] | undefined> | undefined): Headers {
  const out: Headers = {}
  if (!h) return out
  for (const k in h) {
    const v = h[k]
    out[k] = Array.isArray(v) ? v[v.length - 1] : v
  }
  return out
}
