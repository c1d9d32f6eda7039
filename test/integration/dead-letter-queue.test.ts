import type { Kafka } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KafkaStreams } from '../../lib/kafka-streams.js'
import type { StreamsConfig } from '../../lib/config/types.js'
import { StreamsBuilder } from '../../topology/dsl/streams-builder.js'
import { Consumed } from '../../topology/options/consumed.js'
import { Produced } from '../../topology/options/produced.js'
import { Serdes } from '../../topology/serdes/serdes.js'
import type { Processor, ProcessorContext } from '../../topology/processor/processor.js'
import type { Record as StreamRecord } from '../../topology/processor/record.js'
import { consumeUntil, createTopics, produce, startCluster, tempDir, uniqueName, waitFor, type TestCluster } from './helpers.js'
import { testClient } from './test-client.js'

// Kafka Streams' DeadLetterQueueIntegrationTest (KIP-1034), on the embedded broker.
const S = Serdes.String()
const DATA = [
  { key: 'key', value: 'value-1' },
  { key: 'key', value: 'KABOOM' },
  { key: 'key', value: 'value-2' },
]

interface DlqRecord {
  key: Buffer | null
  value: Buffer | null
  headers: { [name: string]: Buffer | undefined }
}

/** Reads the DLQ topic with its headers (the shared helper keeps only key and value). */
async function readDlq(kafka: Kafka, topic: string, n: number, opts: { readUncommitted?: boolean; timeoutMs?: number } = {}): Promise<DlqRecord[]> {
  const consumer = kafka.consumer({ groupId: uniqueName('dlq-verify'), readUncommitted: opts.readUncommitted ?? false, maxWaitTimeInMs: 100 })
  const out: DlqRecord[] = []
  await consumer.connect()
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true })
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, opts.timeoutMs ?? 20_000)
      consumer
        .run({
          eachMessage: async ({ message }) => {
            const headers: DlqRecord['headers'] = {}
            for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = v === undefined || v === null ? undefined : Buffer.from(v as Buffer)
            out.push({ key: message.key, value: message.value, headers })
            if (out.length >= n) {
              clearTimeout(timer)
              resolve()
            }
          },
        })
        .catch(reject)
    })
  } finally {
    await consumer.disconnect()
  }
  return out
}

function dslTopology(input: string, output: string) {
  const b = new StreamsBuilder()
  b.stream(input, Consumed.with(S, S))
    .mapValues(v => {
      if (v === 'KABOOM') throw new Error('KABOOM')
      return v
    })
    .to(output, Produced.with(S, S))
  return b.build()
}

function processorApiTopology(input: string, output: string) {
  const b = new StreamsBuilder()
  b.stream(input, Consumed.with(S, S))
    .process((): Processor<string, string | null, string, string | null> => {
      let ctx!: ProcessorContext<string, string | null>
      return {
        init(c) {
          ctx = c
        },
        process(record: StreamRecord<string, string | null>) {
          if (record.value === 'KABOOM') throw new Error('KABOOM')
          ctx.forward(record)
        },
      }
    })
    .to(output, Produced.with(S, S))
  return b.build()
}

function expectKafkaHeaders(r: DlqRecord, topic: string): void {
  expect(r.key!.toString()).toBe('key')
  expect(r.value!.toString()).toBe('KABOOM')
  expect(r.headers['__streams.errors.exception']).toEqual(Buffer.from('Error: KABOOM'))
  expect(r.headers['__streams.errors.message']).toEqual(Buffer.from('KABOOM'))
  expect(r.headers['__streams.errors.stacktrace']!.toString()).toMatch(/^Error: KABOOM\n/)
  expect(r.headers['__streams.errors.topic']).toEqual(Buffer.from(topic))
  expect(r.headers['__streams.errors.partition']).toEqual(Buffer.from('0'))
  expect(r.headers['__streams.errors.offset']).toEqual(Buffer.from('1'))
}

describe('dead-letter queue (KIP-1034) and processing exception handler (KIP-1033)', () => {
  let cluster: TestCluster
  beforeAll(async () => {
    cluster = await startCluster()
  })
  afterAll(async () => {
    await cluster.stop()
  })

  async function run(
    name: string,
    build: (input: string, output: string) => ReturnType<typeof dslTopology>,
    config: Partial<StreamsConfig>,
    body: (ctx: { app: KafkaStreams; input: string; output: string; dlq: string }) => Promise<void>,
  ): Promise<void> {
    const input = uniqueName(`${name}-in`)
    const output = uniqueName(`${name}-out`)
    const dlq = uniqueName(`${name}-dlq`)
    await createTopics(cluster.kafka, [{ topic: input, numPartitions: 1 }, { topic: output, numPartitions: 1 }, { topic: dlq, numPartitions: 1 }])
    const state = await tempDir(`kstreams-${name}`)
    const app = new KafkaStreams(build(input, output), { ...testClient(),
      applicationId: uniqueName(`${name}-app`),
      brokers: cluster.brokers,
      stateDir: state.dir,
      commitIntervalMs: 100,
      deadLetterQueueTopic: dlq,
      logLevel: 'silent',
      ...config,
    })
    app.on('error', () => {})
    try {
      await app.start()
      await body({ app, input, output, dlq })
    } finally {
      await app.close()
      await state.remove()
    }
  }

  for (const guarantee of ['at_least_once', 'exactly_once_v2'] as const) {
    it(`shouldSendToDlqAndContinueFromDsl (${guarantee})`, async () => {
      await run('dsl-continue', dslTopology, { processingGuarantee: guarantee, processingExceptionHandler: 'logAndContinue' }, async ({ app, input, output, dlq }) => {
        await produce(cluster.kafka, input, DATA)
        const out = await consumeUntil(cluster.kafka, output, rs => rs.length >= 2)
        expect(out.map(r => r.value!.toString())).toEqual(['value-1', 'value-2'])
        // read_committed: under exactly-once the DLQ record committed with the task's transaction
        const [dead] = await readDlq(cluster.kafka, dlq, 1)
        expectKafkaHeaders(dead!, input)
        expect(app.state).toBe('RUNNING')
        expect(app.metrics().find(m => m.name === 'dropped_records_total')!.value).toBe(1)
      })
    })

    it(`shouldSendToDlqAndContinueFromProcessorAPI (${guarantee})`, async () => {
      await run('papi-continue', processorApiTopology, { processingGuarantee: guarantee, processingExceptionHandler: 'logAndContinue' }, async ({ input, output, dlq }) => {
        await produce(cluster.kafka, input, DATA)
        const out = await consumeUntil(cluster.kafka, output, rs => rs.length >= 2)
        expect(out.map(r => r.value!.toString())).toEqual(['value-1', 'value-2'])
        const [dead] = await readDlq(cluster.kafka, dlq, 1)
        expectKafkaHeaders(dead!, input)
      })
    })
  }

  it('shouldSendToDlqAndFailFromDsl (at_least_once): the DLQ record is written and the application fails', async () => {
    await run('dsl-fail', dslTopology, { processingGuarantee: 'at_least_once', processingExceptionHandler: 'logAndFail' }, async ({ app, input, output, dlq }) => {
      await produce(cluster.kafka, input, DATA)
      const [dead] = await readDlq(cluster.kafka, dlq, 1)
      expectKafkaHeaders(dead!, input)
      await waitFor(() => app.state === 'ERROR', 20_000, 'ERROR')
      const out = await consumeUntil(cluster.kafka, output, rs => rs.length >= 1)
      expect(out.map(r => r.value!.toString())).toEqual(['value-1'])
    })
  })

  it('exactly_once_v2: a DLQ record of an aborted transaction is never visible to read_committed; the retry commits one', async () => {
    // FAIL the first time (the task's transaction aborts), CONTINUE when the replaced thread redoes the record
    let calls = 0
    const config: Partial<StreamsConfig> = {
      processingGuarantee: 'exactly_once_v2',
      processingExceptionHandler: () => (calls++ === 0 ? 'FAIL' : 'CONTINUE'),
      uncaughtExceptionHandler: 'REPLACE_THREAD',
    }
    await run('eos-abort', dslTopology, config, async ({ input, output, dlq }) => {
      await produce(cluster.kafka, input, DATA)
      const out = await consumeUntil(cluster.kafka, output, rs => rs.some(r => r.value!.toString() === 'value-2'))
      expect(out.map(r => r.value!.toString())).toEqual(['value-1', 'value-2'])
      expect(calls).toBe(2)
      // value-2 was committed after the DLQ record's transaction: the committed DLQ is final
      const committed = await readDlq(cluster.kafka, dlq, 2, { timeoutMs: 3_000 })
      expect(committed).toHaveLength(1)
      expectKafkaHeaders(committed[0]!, input)
    })
  })

  it('shouldSendToDlqAndContinueFromDeserializationError (at_least_once)', async () => {
    const long = (n: number) => {
      const b = Buffer.alloc(8)
      b.writeBigInt64BE(BigInt(n))
      return b
    }
    const build = (input: string, output: string) => {
      const b = new StreamsBuilder()
      b.stream(input, Consumed.with(S, Serdes.Long()))
        .mapValues(v => String(v))
        .to(output, Produced.with(S, S))
      return b.build()
    }
    await run('deser-continue', build, { deserializationExceptionHandler: 'logAndContinue' }, async ({ input, output, dlq }) => {
      const producer = cluster.kafka.producer()
      await producer.connect()
      await producer.send({ topic: input, messages: [{ key: 'key', value: long(1) }, { key: 'key', value: Buffer.from('value') }, { key: 'key', value: long(3) }] })
      await producer.disconnect()
      const out = await consumeUntil(cluster.kafka, output, rs => rs.length >= 2)
      expect(out.map(r => r.value!.toString())).toEqual(['1', '3'])
      const [dead] = await readDlq(cluster.kafka, dlq, 1)
      expect(dead!.key!.toString()).toBe('key')
      expect(dead!.value!.toString()).toBe('value')
      expect(dead!.headers['__streams.errors.exception']!.toString()).toMatch(/^DeserializationError: failed to deserialize the value/)
      expect(dead!.headers['__streams.errors.topic']).toEqual(Buffer.from(input))
      expect(dead!.headers['__streams.errors.partition']).toEqual(Buffer.from('0'))
      expect(dead!.headers['__streams.errors.offset']).toEqual(Buffer.from('1'))
    })
  })
})
