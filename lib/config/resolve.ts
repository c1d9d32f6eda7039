import os from 'node:os'
import path from 'node:path'
import { closestMatch } from './did-you-mean.js'
import { StreamsConfigError } from './errors.js'
import { consoleLogger, LOG_LEVELS, withLogLevel } from './logger.js'
import type { Logger, ProcessingExceptionHandler, ResolvedStreamsConfig, StreamsConfig } from './types.js'

/** Kafka Streams' defaults (StreamsConfig.java), in milliseconds and bytes. */
export const DEFAULTS = {
  processingGuarantee: 'at_least_once',
  commitIntervalMsAtLeastOnce: 30_000,
  commitIntervalMsExactlyOnce: 100,
  cacheMaxBytes: 10 * 1024 * 1024,
  bufferedRecordsPerPartition: 1000,
  maxTaskBatchRecords: 500,
  numStandbyReplicas: 0,
  replicationFactor: -1,
  autoOffsetReset: 'earliest',
  sessionTimeoutMs: 45_000,
  heartbeatIntervalMs: 3_000,
  rebalanceTimeoutMs: 300_000,
  transactionTimeoutMs: 10_000,
  repartitionPurgeIntervalMs: 30_000,
  stalledPartitionWarningMs: 60_000,
  rocksDbMemoryBytes: 64 * 1024 * 1024,
} as const

const KNOWN_KEYS = [
  'applicationId', 'brokers', 'processingGuarantee', 'stateDir', 'commitIntervalMs', 'cacheMaxBytes',
  'bufferedRecordsPerPartition', 'maxTaskBatchRecords', 'numStandbyReplicas', 'applicationServer',
  'replicationFactor', 'autoOffsetReset', 'sessionTimeoutMs', 'heartbeatIntervalMs', 'rebalanceTimeoutMs',
  'transactionTimeoutMs', 'repartitionPurgeIntervalMs', 'stalledPartitionWarningMs', 'rocksDbConfigSetter', 'rocksDbMemoryBytes',
  'deserializationExceptionHandler', 'productionExceptionHandler', 'processingExceptionHandler', 'deadLetterQueueTopic',
  'uncaughtExceptionHandler', 'logger', 'logLevel', 'client', 'kafka',
] as const satisfies readonly (keyof StreamsConfig)[]

const KAFKA_KEYS = [
  'ssl', 'sasl', 'clientId', 'connectionTimeout', 'authenticationTimeout', 'reauthenticationThreshold',
  'requestTimeout', 'enforceRequestTimeout', 'retry', 'socketFactory', 'logLevel', 'logCreator',
]

/** The `kafka` options kstreams' own client honours; the others are kafkajs's alone. */
const OWN_CLIENT_KAFKA_KEYS = ['ssl', 'sasl', 'clientId', 'connectionTimeout', 'requestTimeout']
const OWN_CLIENT_SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512']

/**
 * kstreams' own client takes SASL PLAIN and SCRAM only (an error, as the connection could not
 * authenticate); kafkajs-only options are reported once and ignored, as Kafka's clients warn of
 * a supplied config they do not know.
 */
function checkOwnClientOptions(kafka: Record<string, unknown>, logger: Logger): void {
  const sasl = kafka.sasl as { mechanism?: unknown } | undefined
  if (sasl && !OWN_CLIENT_SASL_MECHANISMS.includes(String(sasl.mechanism))) {
    throw new StreamsConfigError(
      'kafka.sasl.mechanism',
      `kstreams' own client supports ${OWN_CLIENT_SASL_MECHANISMS.map(m => `'${m}'`).join(', ')}, got ${JSON.stringify(sasl.mechanism)}; set client: 'kafkajs' for other mechanisms`,
    )
  }
  const ignored = Object.keys(kafka).filter(k => !OWN_CLIENT_KAFKA_KEYS.includes(k))
  if (ignored.length > 0) {
    logger.warn(
      { ignored },
      `kafka.${ignored.join(', kafka.')} ${ignored.length === 1 ? 'applies' : 'apply'} to the kafkajs adapter only and ${ignored.length === 1 ? 'is' : 'are'} ignored by kstreams' own client (set client: 'kafkajs' to use ${ignored.length === 1 ? 'it' : 'them'})`,
    )
  }
}

function unknownKeyError(key: string, known: readonly string[], where: string): StreamsConfigError {
  const suggestion = closestMatch(key, known)
  const hint = suggestion ? ` Did you mean "${where}${suggestion}"?` : ` Known keys: ${known.map(k => where + k).join(', ')}.`
  return new StreamsConfigError(where + key, `unknown key.${hint}`)
}

function positiveInt(cfg: Record<string, unknown>, key: string, fallback: number, min = 1): number {
  const v = cfg[key]
  if (v === undefined) return fallback
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new StreamsConfigError(key, `expected an integer >= ${min}, got ${JSON.stringify(v)}`)
  }
  return v
}

function optionalFunction(cfg: Record<string, unknown>, key: string): ((...args: never[]) => unknown) | null {
  const v = cfg[key]
  if (v === undefined || v === null) return null
  if (typeof v !== 'function') throw new StreamsConfigError(key, `expected a function, got ${typeof v}`)
  return v as (...args: never[]) => unknown
}

function oneOf<T extends string>(cfg: Record<string, unknown>, key: string, allowed: readonly T[], fallback: T): T {
  const v = cfg[key]
  if (v === undefined) return fallback
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    const suggestion = typeof v === 'string' ? closestMatch(v, allowed) : null
    throw new StreamsConfigError(
      key,
      `expected one of ${allowed.map(a => `'${a}'`).join(', ')}, got ${JSON.stringify(v)}` +
        (suggestion ? `. Did you mean '${suggestion}'?` : ''),
    )
  }
  return v as T
}

function handler<T>(cfg: Record<string, unknown>, key: string, names: readonly string[], fallback: T): T {
  const v = cfg[key]
  if (v === undefined) return fallback
  if (typeof v === 'function') return v as T
  if (typeof v === 'string') {
    if (!names.includes(v)) {
      const suggestion = closestMatch(v, names)
      throw new StreamsConfigError(
        key,
        `expected one of ${names.map(n => `'${n}'`).join(', ')}, an object { deadLetterTopic } or a function, got '${v}'` +
          (suggestion ? `. Did you mean '${suggestion}'?` : ''),
      )
    }
    return v as T
  }
  if (v && typeof v === 'object' && 'deadLetterTopic' in v) {
    const topic = (v as { deadLetterTopic: unknown }).deadLetterTopic
    if (typeof topic !== 'string' || topic.length === 0) {
      throw new StreamsConfigError(`${key}.deadLetterTopic`, 'expected a non-empty topic name')
    }
    return v as T
  }
  throw new StreamsConfigError(key, `expected one of ${names.join(', ')}, { deadLetterTopic } or a function`)
}

/** 'logAndFail' | 'logAndContinue' | a function: no `{ deadLetterTopic }` form (deadLetterQueueTopic is the Kafka 4.x way). */
function processingHandler(cfg: Record<string, unknown>, key: string): ProcessingExceptionHandler {
  const v = cfg[key]
  if (v === undefined) return 'logAndFail'
  if (typeof v === 'function') return v as ProcessingExceptionHandler
  const names = ['logAndFail', 'logAndContinue'] as const
  if (typeof v === 'string' && (names as readonly string[]).includes(v)) return v as ProcessingExceptionHandler
  const suggestion = typeof v === 'string' ? closestMatch(v, names) : null
  throw new StreamsConfigError(
    key,
    `expected 'logAndFail', 'logAndContinue' or a function (error, context) => 'CONTINUE' | 'FAIL', got ${typeof v === 'string' ? `'${v}'` : typeof v}` +
      (suggestion ? `. Did you mean '${suggestion}'?` : ''),
  )
}

function topicName(cfg: Record<string, unknown>, key: string): string | null {
  const v = cfg[key]
  if (v === undefined) return null
  if (typeof v !== 'string' || !/^[a-zA-Z0-9._-]{1,249}$/.test(v)) {
    throw new StreamsConfigError(key, `expected a topic name (letters, digits, '.', '_' or '-'), got ${JSON.stringify(v)}`)
  }
  return v
}

/**
 * Validates a user config and fills in defaults. Every error names the key at fault; unknown keys
 * suggest the closest known one.
 */
export function resolveConfig(input: StreamsConfig): ResolvedStreamsConfig {
  if (!input || typeof input !== 'object') {
    throw new StreamsConfigError('config', 'expected an object with at least applicationId and brokers')
  }
  const cfg = input as unknown as Record<string, unknown>
  for (const key of Object.keys(cfg)) {
    if (!(KNOWN_KEYS as readonly string[]).includes(key)) throw unknownKeyError(key, KNOWN_KEYS, '')
  }

  const applicationId = cfg.applicationId
  if (applicationId === undefined) throw new StreamsConfigError('applicationId', 'is required')
  if (typeof applicationId !== 'string' || !/^[a-zA-Z0-9._-]+$/.test(applicationId)) {
    throw new StreamsConfigError(
      'applicationId',
      `expected a non-empty string of letters, digits, '.', '_' or '-' (it prefixes topic names), got ${JSON.stringify(applicationId)}`,
    )
  }

  const brokers = cfg.brokers
  if (brokers === undefined) throw new StreamsConfigError('brokers', "is required, e.g. ['127.0.0.1:9092']")
  if (!Array.isArray(brokers) || brokers.length === 0) {
    throw new StreamsConfigError('brokers', `expected a non-empty array of 'host:port' strings, got ${JSON.stringify(brokers)}`)
  }
  for (const b of brokers) {
    if (typeof b !== 'string' || !/^[^:\s]+:\d{1,5}$/.test(b)) {
      throw new StreamsConfigError('brokers', `expected 'host:port', got ${JSON.stringify(b)}`)
    }
  }

  const processingGuarantee = oneOf(cfg, 'processingGuarantee', ['at_least_once', 'exactly_once_v2'] as const, DEFAULTS.processingGuarantee)
  const eos = processingGuarantee === 'exactly_once_v2'

  let stateDir = path.join(os.tmpdir(), 'kstreams')
  if (cfg.stateDir !== undefined) {
    if (typeof cfg.stateDir !== 'string' || cfg.stateDir.length === 0) {
      throw new StreamsConfigError('stateDir', `expected a directory path, got ${JSON.stringify(cfg.stateDir)}`)
    }
    stateDir = path.resolve(cfg.stateDir)
  }

  let applicationServer: string | null = null
  if (cfg.applicationServer !== undefined) {
    const v = cfg.applicationServer
    if (typeof v !== 'string' || !/^[^:\s]+:\d{1,5}$/.test(v)) {
      throw new StreamsConfigError('applicationServer', `expected 'host:port', got ${JSON.stringify(v)}`)
    }
    applicationServer = v
  }

  const replicationFactor = cfg.replicationFactor === undefined ? DEFAULTS.replicationFactor : (cfg.replicationFactor as number)
  if (!Number.isInteger(replicationFactor) || (replicationFactor < 1 && replicationFactor !== -1)) {
    throw new StreamsConfigError('replicationFactor', `expected a positive integer or -1 (broker default), got ${JSON.stringify(cfg.replicationFactor)}`)
  }

  const sessionTimeoutMs = positiveInt(cfg, 'sessionTimeoutMs', DEFAULTS.sessionTimeoutMs)
  const heartbeatIntervalMs = positiveInt(cfg, 'heartbeatIntervalMs', Math.min(DEFAULTS.heartbeatIntervalMs, Math.floor(sessionTimeoutMs / 3)) || 1)
  if (heartbeatIntervalMs >= sessionTimeoutMs) {
    throw new StreamsConfigError('heartbeatIntervalMs', `must be lower than sessionTimeoutMs (${sessionTimeoutMs}), got ${heartbeatIntervalMs}`)
  }

  const logger = cfg.logger
  if (logger !== undefined) {
    for (const m of ['debug', 'info', 'warn', 'error']) {
      if (typeof (logger as Record<string, unknown>)[m] !== 'function') {
        throw new StreamsConfigError('logger', `expected an object with debug, info, warn and error functions (a pino logger, or winstonLogger(w)); "${m}" is missing`)
      }
    }
  }
  const logLevel = oneOf(cfg, 'logLevel', LOG_LEVELS, 'warn')
  // A logger of the application's own keeps its level unless logLevel is set explicitly.
  const resolvedLogger =
    logger === undefined ? consoleLogger(logLevel) : cfg.logLevel === undefined ? (logger as Logger) : withLogLevel(logger as Logger, logLevel)

  const kafka = cfg.kafka ?? {}
  if (typeof kafka !== 'object' || Array.isArray(kafka)) {
    throw new StreamsConfigError('kafka', 'expected an object of kafkajs client options (ssl, sasl, clientId, logLevel, retry)')
  }
  for (const key of Object.keys(kafka)) {
    if (key === 'brokers') throw new StreamsConfigError('kafka.brokers', 'set brokers at the top level of the config, not under kafka')
    if (!KAFKA_KEYS.includes(key)) throw unknownKeyError(key, KAFKA_KEYS, 'kafka.')
  }

  const client = oneOf(cfg, 'client', ['kstreams', 'kafkajs'] as const, 'kstreams')
  if (client === 'kstreams') checkOwnClientOptions(kafka as Record<string, unknown>, resolvedLogger)

  const uncaught = cfg.uncaughtExceptionHandler
  if (uncaught !== undefined && typeof uncaught !== 'function') {
    oneOf(cfg, 'uncaughtExceptionHandler', ['SHUTDOWN_CLIENT', 'REPLACE_THREAD'] as const, 'SHUTDOWN_CLIENT')
  }

  return {
    applicationId,
    brokers: [...(brokers as string[])],
    processingGuarantee,
    stateDir,
    commitIntervalMs: positiveInt(cfg, 'commitIntervalMs', eos ? DEFAULTS.commitIntervalMsExactlyOnce : DEFAULTS.commitIntervalMsAtLeastOnce),
    cacheMaxBytes: positiveInt(cfg, 'cacheMaxBytes', DEFAULTS.cacheMaxBytes, 0),
    bufferedRecordsPerPartition: positiveInt(cfg, 'bufferedRecordsPerPartition', DEFAULTS.bufferedRecordsPerPartition),
    maxTaskBatchRecords: positiveInt(cfg, 'maxTaskBatchRecords', DEFAULTS.maxTaskBatchRecords),
    numStandbyReplicas: positiveInt(cfg, 'numStandbyReplicas', DEFAULTS.numStandbyReplicas, 0),
    applicationServer,
    replicationFactor,
    autoOffsetReset: oneOf(cfg, 'autoOffsetReset', ['earliest', 'latest'] as const, DEFAULTS.autoOffsetReset),
    sessionTimeoutMs,
    heartbeatIntervalMs,
    rebalanceTimeoutMs: positiveInt(cfg, 'rebalanceTimeoutMs', DEFAULTS.rebalanceTimeoutMs),
    transactionTimeoutMs: positiveInt(cfg, 'transactionTimeoutMs', DEFAULTS.transactionTimeoutMs),
    repartitionPurgeIntervalMs: positiveInt(cfg, 'repartitionPurgeIntervalMs', DEFAULTS.repartitionPurgeIntervalMs),
    stalledPartitionWarningMs: positiveInt(cfg, 'stalledPartitionWarningMs', DEFAULTS.stalledPartitionWarningMs, 0),
    rocksDbConfigSetter: optionalFunction(cfg, 'rocksDbConfigSetter') as ResolvedStreamsConfig['rocksDbConfigSetter'],
    rocksDbMemoryBytes: positiveInt(cfg, 'rocksDbMemoryBytes', DEFAULTS.rocksDbMemoryBytes, 1024 * 1024),
    deserializationExceptionHandler: handler(cfg, 'deserializationExceptionHandler', ['logAndContinue', 'logAndFail'], 'logAndFail'),
    productionExceptionHandler: handler(cfg, 'productionExceptionHandler', ['fail', 'continue'], 'fail'),
    processingExceptionHandler: processingHandler(cfg, 'processingExceptionHandler'),
    deadLetterQueueTopic: topicName(cfg, 'deadLetterQueueTopic'),
    uncaughtExceptionHandler: (uncaught as ResolvedStreamsConfig['uncaughtExceptionHandler'] | undefined) ?? 'SHUTDOWN_CLIENT',
    logger: resolvedLogger,
    logLevel,
    client,
    kafka: { ...(kafka as Record<string, unknown>) },
  }
}
