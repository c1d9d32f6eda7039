import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { redactConfig, resolveConfig, StreamsConfigError, type StreamsConfig } from '../../../lib/config/index.js'

const base: StreamsConfig = { applicationId: 'app', brokers: ['127.0.0.1:9092'] }

function errorOf(fn: () => unknown): StreamsConfigError {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(StreamsConfigError)
    return e as StreamsConfigError
  }
  throw new Error('expected a StreamsConfigError')
}

describe('resolveConfig', () => {
  it("applies Kafka Streams' defaults", () => {
    const c = resolveConfig(base)
    expect(c.processingGuarantee).toBe('at_least_once')
    expect(c.commitIntervalMs).toBe(30_000)
    expect(c.cacheMaxBytes).toBe(10 * 1024 * 1024)
    expect(c.bufferedRecordsPerPartition).toBe(1000)
    expect(c.numStandbyReplicas).toBe(0)
    expect(c.stateDir).toBe(path.join(os.tmpdir(), 'kstreams'))
    expect(c.deserializationExceptionHandler).toBe('logAndFail')
    expect(c.productionExceptionHandler).toBe('fail')
    expect(c.uncaughtExceptionHandler).toBe('SHUTDOWN_CLIENT')
  })

  it('checks stalled partitions after 60 s by default; 0 disables the check; negative values are refused', () => {
    expect(resolveConfig(base).stalledPartitionWarningMs).toBe(60_000)
    expect(resolveConfig({ ...base, stalledPartitionWarningMs: 0 }).stalledPartitionWarningMs).toBe(0)
    expect(errorOf(() => resolveConfig({ ...base, stalledPartitionWarningMs: -1 })).key).toBe('stalledPartitionWarningMs')
    expect(errorOf(() => resolveConfig({ ...base, stalledPartitionWarningMS: 1000 } as StreamsConfig)).message).toContain('Did you mean "stalledPartitionWarningMs"?')
  })

  it('defaults the commit interval to 100 ms under exactly_once_v2', () => {
    expect(resolveConfig({ ...base, processingGuarantee: 'exactly_once_v2' }).commitIntervalMs).toBe(100)
    expect(resolveConfig({ ...base, processingGuarantee: 'exactly_once_v2', commitIntervalMs: 50 }).commitIntervalMs).toBe(50)
  })

  it('requires applicationId and brokers', () => {
    expect(errorOf(() => resolveConfig({ brokers: ['a:1'] } as StreamsConfig)).key).toBe('applicationId')
    expect(errorOf(() => resolveConfig({ applicationId: 'x' } as StreamsConfig)).key).toBe('brokers')
    expect(errorOf(() => resolveConfig({ ...base, brokers: [] })).key).toBe('brokers')
    expect(errorOf(() => resolveConfig({ ...base, brokers: ['nohost'] })).message).toContain("'host:port'")
  })

  it('rejects unknown keys with a suggestion for typos', () => {
    const e = errorOf(() => resolveConfig({ ...base, comitIntervalMs: 5 } as unknown as StreamsConfig))
    expect(e.key).toBe('comitIntervalMs')
    expect(e.message).toBe('Invalid StreamsConfig "comitIntervalMs": unknown key. Did you mean "commitIntervalMs"?')
    const k = errorOf(() => resolveConfig({ ...base, kafka: { clientid: 'x' } } as unknown as StreamsConfig))
    expect(k.key).toBe('kafka.clientid')
    expect(k.message).toBe('Invalid StreamsConfig "kafka.clientid": unknown key. Did you mean "kafka.clientId"?')
  })

  it('names the key of a bad value', () => {
    expect(errorOf(() => resolveConfig({ ...base, processingGuarantee: 'exactly_once' as never })).message).toContain(
      "Did you mean 'exactly_once_v2'",
    )
    expect(errorOf(() => resolveConfig({ ...base, commitIntervalMs: -1 })).key).toBe('commitIntervalMs')
    expect(errorOf(() => resolveConfig({ ...base, numStandbyReplicas: 1.5 })).key).toBe('numStandbyReplicas')
    expect(errorOf(() => resolveConfig({ ...base, applicationServer: 'localhost' })).key).toBe('applicationServer')
    expect(errorOf(() => resolveConfig({ ...base, deserializationExceptionHandler: 'logAndContinu' as never })).message).toContain(
      "Did you mean 'logAndContinue'",
    )
    expect(errorOf(() => resolveConfig({ ...base, productionExceptionHandler: { deadLetterTopic: '' } })).key).toBe(
      'productionExceptionHandler.deadLetterTopic',
    )
  })

  it('never shows sasl or ssl secrets in a config dump', () => {
    const c = resolveConfig({
      ...base,
      kafka: { clientId: 'c', sasl: { mechanism: 'plain', username: 'u', password: 'hunter2' }, ssl: { key: 'PRIVATE' } },
    })
    const dump = JSON.stringify(redactConfig(c))
    expect(dump).not.toContain('hunter2')
    expect(dump).not.toContain('PRIVATE')
    expect(dump).toContain('"clientId":"c"')
  })
})

describe('processingExceptionHandler and deadLetterQueueTopic (KIP-1033, KIP-1034)', () => {
  it("default to 'logAndFail' and no dead-letter queue, as Kafka Streams", () => {
    const c = resolveConfig(base)
    expect(c.processingExceptionHandler).toBe('logAndFail')
    expect(c.deadLetterQueueTopic).toBeNull()
  })

  it('take the built-in names, a function, and a topic name', () => {
    const fn = () => 'CONTINUE' as const
    expect(resolveConfig({ ...base, processingExceptionHandler: 'logAndContinue' }).processingExceptionHandler).toBe('logAndContinue')
    expect(resolveConfig({ ...base, processingExceptionHandler: fn }).processingExceptionHandler).toBe(fn)
    expect(resolveConfig({ ...base, deadLetterQueueTopic: 'app.dlq' }).deadLetterQueueTopic).toBe('app.dlq')
  })

  it('name the key at fault and suggest the closest name', () => {
    const e = errorOf(() => resolveConfig({ ...base, processingExceptionHandler: 'logAndContinu' } as unknown as StreamsConfig))
    expect(e.key).toBe('processingExceptionHandler')
    expect(e.message).toContain("Did you mean 'logAndContinue'?")
    expect(errorOf(() => resolveConfig({ ...base, processingExceptionHandler: { deadLetterTopic: 'x' } } as unknown as StreamsConfig)).key).toBe(
      'processingExceptionHandler',
    )
    expect(errorOf(() => resolveConfig({ ...base, deadLetterQueueTopik: 'dlq' } as StreamsConfig)).message).toContain('Did you mean "deadLetterQueueTopic"?')
    expect(errorOf(() => resolveConfig({ ...base, deadLetterQueueTopic: '' })).key).toBe('deadLetterQueueTopic')
    expect(errorOf(() => resolveConfig({ ...base, deadLetterQueueTopic: 'bad topic' })).key).toBe('deadLetterQueueTopic')
  })
})

describe('client', () => {
  it("defaults to kstreams' own client and takes 'kstreams' or 'kafkajs'", () => {
    expect(resolveConfig(base).client).toBe('kstreams')
    expect(resolveConfig({ ...base, client: 'kstreams' }).client).toBe('kstreams')
    expect(resolveConfig({ ...base, client: 'kafkajs' }).client).toBe('kafkajs')
  })

  it('names the key and suggests the closest client for a typo', () => {
    expect(() => resolveConfig({ ...base, client: 'kafkjs' as never })).toThrow(/"client".*'kstreams', 'kafkajs'.*Did you mean 'kafkajs'\?/)
  })
})

describe("kafka options on kstreams' own client", () => {
  const recording = () => {
    const warnings: string[] = []
    const logger = { debug() {}, info() {}, error() {}, warn: (_f: unknown, m?: string) => void warnings.push(m ?? '') }
    return { warnings, logger }
  }

  it('refuses a SASL mechanism it cannot speak, naming the key; the kafkajs adapter takes it', () => {
    const sasl = { mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: 't' }) } as never
    const e = errorOf(() => resolveConfig({ ...base, kafka: { sasl } }))
    expect(e.key).toBe('kafka.sasl.mechanism')
    expect(e.message).toMatch(/'plain', 'scram-sha-256', 'scram-sha-512'.*client: 'kafkajs'/)
    expect(resolveConfig({ ...base, client: 'kafkajs', kafka: { sasl } }).kafka.sasl).toBe(sasl)
    expect(resolveConfig({ ...base, kafka: { sasl: { mechanism: 'scram-sha-512', username: 'u', password: 'p' } } }).client).toBe('kstreams')
  })

  it('warns once of kafkajs-only options, and not on the kafkajs adapter', () => {
    const own = recording()
    resolveConfig({ ...base, logger: own.logger, kafka: { clientId: 'x', retry: { retries: 3 }, logLevel: 1 } })
    expect(own.warnings).toEqual([
      "kafka.retry, kafka.logLevel apply to the kafkajs adapter only and are ignored by kstreams' own client (set client: 'kafkajs' to use them)",
    ])
    const adapter = recording()
    resolveConfig({ ...base, client: 'kafkajs', logger: adapter.logger, kafka: { retry: { retries: 3 } } })
    expect(adapter.warnings).toEqual([])
  })
})
