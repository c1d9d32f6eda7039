// Shared by the conformance suites: an EmbeddedKafka per suite, or the cluster named by
// KAFKA_BROKERS (comma-separated host:port list) when that is set.

import { EmbeddedKafka, type EmbeddedKafkaOptions } from '../../../broker/index.js'

export interface ConformanceCluster {
  brokers: string[]
  /** The embedded broker, or null when running against KAFKA_BROKERS. */
  embedded: EmbeddedKafka | null
  stop(): Promise<void>
}

export function externalBrokers(): string[] | null {
  const list = process.env.KAFKA_BROKERS?.split(',').map((b) => b.trim()).filter((b) => b.length > 0)
  return list && list.length > 0 ? list : null
}

export async function startCluster(opts: EmbeddedKafkaOptions = {}): Promise<ConformanceCluster> {
  const external = externalBrokers()
  if (external) return { brokers: external, embedded: null, stop: async () => {} }
  const embedded = await EmbeddedKafka.start({ port: 0, ...opts })
  return { brokers: embedded.brokers, embedded, stop: () => embedded.stop() }
}

let counter = 0
/** A topic or group name no earlier run on the same cluster has used. */
export function unique(prefix: string): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter++}`
}

/** Polls until `check` returns a value other than undefined/false, or fails naming `what`. */
export async function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 15_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await check()
    if (v !== undefined && v !== false) return v as T
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, everyMs))
  }
}
