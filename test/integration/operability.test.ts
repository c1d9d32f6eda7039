import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BrokersUnreachableError, KafkaStreams, type LogFields, type Logger } from '../../lib/index.js'
import { StreamsBuilder } from '../../topology/dsl/streams-builder.js'
import { Consumed } from '../../topology/options/consumed.js'
import { Produced } from '../../topology/options/produced.js'
import { Serdes } from '../../topology/serdes/serdes.js'
import { wordCountTopology } from './fixtures/word-count-topology.js'
import { createTopics, consumeUntil, produce, startCluster, tempDir, uniqueName, waitFor, type TestCluster } from './helpers.js'
import { testClient } from './test-client.js'

interface Line {
  level: string
  fields: LogFields
  message: string | undefined
}

/** pino's call shape and child(); records every line. */
function pinoShaped(lines: Line[] = [], bindings: LogFields = {}): Logger & { lines: Line[] } {
  const at = (level: string) => (a: LogFields | string, b?: string) =>
    void lines.push(typeof a === 'string' ? { level, fields: { ...bindings }, message: a } : { level, fields: { ...bindings, ...a }, message: b })
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: b => pinoShaped(lines, { ...bindings, ...b }) }
}

function failingTopology(input: string, output: string) {
  const b = new StreamsBuilder()
  b.stream(input, Consumed.with(Serdes.String(), Serdes.String()))
    .mapValues(v => {
      if (v === 'boom') throw new Error('user code exploded on boom')
      return v!.toUpperCase()
    })
    .to(output, Produced.with(Serdes.String(), Serdes.String()))
  return b.build()
}

describe('operability', () => {
  let cluster: TestCluster

  beforeAll(async () => {
    cluster = await startCluster()
  })
  afterAll(async () => {
    await cluster?.stop()
  })

  it('logs through a pino-shaped logger: the config at start, thread bindings, and the fatal error with its stack', async () => {
    const input = uniqueName('log-in')
    const output = uniqueName('log-out')
    await createTopics(cluster.kafka, [{ topic: input, numPartitions: 1 }, { topic: output, numPartitions: 1 }])
    const state = await tempDir('kstreams-log')
    const logger = pinoShaped()
    const applicationId = uniqueName('log-app')
    const errors: Error[] = []
    const plain = new KafkaStreams(failingTopology(input, output), { ...testClient(),
      applicationId, brokers: cluster.brokers, stateDir: state.dir, commitIntervalMs: 100, logger, logLevel: 'info', kafka: { logLevel: 0 },
    })
    plain.on('error', e => errors.push(e))
    try {
      expect(plain.isAlive()).toBe(true)
      expect(plain.isReady()).toBe(false)
      await plain.start()
      await waitFor(() => plain.isReady(), 20_000, 'RUNNING')
      const start = logger.lines.find(l => l.message === `Starting application ${applicationId}`)!
      expect(start.level).toBe('info')
      expect(start.fields.config).toMatchObject({ applicationId, brokers: cluster.brokers, stateDir: state.dir, commitIntervalMs: 100, logger: '[logger]' })
      expect(logger.lines.find(l => l.message === `Starting stream thread ${applicationId}-StreamThread-1`)!.fields).toEqual({ thread: `${applicationId}-StreamThread-1` })
      await produce(cluster.kafka, input, [{ key: 'k', value: 'boom' }])
      await waitFor(() => plain.state === 'ERROR', 20_000, 'ERROR')
      expect(plain.isAlive()).toBe(false)
      const failed = logger.lines.find(l => l.level === 'error' && l.message?.startsWith('Stream processing failed'))!
      const err = failed.fields.err as Error
      expect(err).toBeInstanceOf(Error)
      expect(err.stack).toContain('user code exploded on boom')
      expect(failed.fields.response).toBe('SHUTDOWN_CLIENT')
      expect(errors).toHaveLength(1)
      await plain.close()
      // The secret never reaches the log.
      const redacted = new KafkaStreams(failingTopology(input, output), { ...testClient(),
        applicationId, brokers: ['127.0.0.1:1'], stateDir: state.dir, logger, logLevel: 'info',
        kafka: { sasl: { mechanism: 'plain', username: 'u', password: 'secret' } as never, connectionTimeout: 500 },
      })
      await expect(redacted.start()).rejects.toThrow(BrokersUnreachableError)
      expect(JSON.stringify(logger.lines.map(l => l.fields.config ?? null))).not.toContain('secret')
    } finally {
      await plain.close()
      await state.remove()
    }
  })

  it('start() rejects within the connection timeout naming the address of a broker that accepts and never answers, with few log lines', async () => {
    const sockets: net.Socket[] = []
    const silent = net.createServer(s => void sockets.push(s))
    await new Promise<void>(r => silent.listen(0, '127.0.0.1', r))
    const address = `127.0.0.1:${(silent.address() as net.AddressInfo).port}`
    const state = await tempDir('kstreams-silent')
    const logger = pinoShaped()
    const app = new KafkaStreams(wordCountTopology('in', 'out'), { ...testClient(),
      applicationId: uniqueName('silent-app'), brokers: [address], stateDir: state.dir, logger, logLevel: 'warn',
      kafka: { connectionTimeout: 1000 },
    })
    try {
      const err = await app.start().then(() => null, (e: unknown) => e)
      expect(err).toBeInstanceOf(BrokersUnreachableError)
      expect((err as Error).message).toContain(`No Kafka broker answered within 1000 ms: ${address} (accepted the connection but sent no answer)`)
      expect(app.state).toBe('ERROR')
      expect(app.failure).toBe(err)
      expect(logger.lines.length).toBeLessThanOrEqual(2)
    } finally {
      await app.close()
      for (const s of sockets) s.destroy()
      await new Promise<void>(r => silent.close(() => r()))
      await state.remove()
    }
  })

  it.skipIf(!!process.env.KAFKA_BROKERS)('close({ timeoutMs }) with a broker that does not answer gives up, ends NOT_RUNNING and names what it did not finish', async () => {
    const own = await startCluster()
    const input = uniqueName('ct-in')
    const output = uniqueName('ct-out')
    await createTopics(own.kafka, [{ topic: input, numPartitions: 1 }, { topic: output, numPartitions: 1 }])
    const state = await tempDir('kstreams-close-timeout')
    const logger = pinoShaped()
    const app = new KafkaStreams(wordCountTopology(input, output), { ...testClient(),
      applicationId: uniqueName('ct-app'), brokers: own.brokers, stateDir: state.dir, processingGuarantee: 'exactly_once_v2',
      logger, logLevel: 'warn', kafka: { logLevel: 0 },
    })
    try {
      await app.start()
      await produce(own.kafka, input, [{ key: null, value: 'x y' }])
      await consumeUntil(own.kafka, output, rs => rs.length >= 2)
      // The broker stops answering what a clean close needs (a stopped broker is not enough: a
      // client that sees its connections refused can finish closing within the timeout).
      for (const api of ['Produce', 'AddOffsetsToTxn', 'TxnOffsetCommit', 'EndTxn', 'OffsetCommit', 'LeaveGroup', 'Heartbeat']) {
        own.embedded!.faults.delay(api, 3_000)
      }
      const complete = await app.close({ timeoutMs: 300 })
      expect(complete).toBe(false)
      expect(app.state).toBe('NOT_RUNNING')
      expect(app.isAlive()).toBe(false)
      const warning = logger.lines.find(l => l.message?.startsWith('close() gave up waiting after 300 ms'))!
      expect(warning.fields.unfinished).toContain('stream thread (final commit, closing tasks and stores, leaving the group)')
      expect(warning.message).toContain('not finished: stream thread')
      // A later close() without a timeout waits for the clean-up still under way.
      await expect(app.close()).resolves.toBe(true)
    } finally {
      await app.close()
      await own.stop()
      await state.remove()
    }
  })
})
