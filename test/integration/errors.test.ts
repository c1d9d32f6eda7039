import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KafkaStreams } from '../../lib/kafka-streams.js'
import type { StreamsState } from '../../lib/lifecycle/streams-state.js'
import { MissingSourceTopicsError } from '../../lib/topics/errors.js'
import { StreamsBuilder } from '../../topology/dsl/streams-builder.js'
import { Consumed } from '../../topology/options/consumed.js'
import { Produced } from '../../topology/options/produced.js'
import { Serdes } from '../../topology/serdes/serdes.js'
import { consumeUntil, createTopics, produce, startCluster, tempDir, uniqueName, waitFor, type TestCluster } from './helpers.js'
import { testClient } from './test-client.js'

/** JSON in, doubled `n` out; `boom` values throw in user code. */
function doubler(input: string, output: string) {
  const b = new StreamsBuilder()
  b.stream(input, Consumed.with(Serdes.String(), Serdes.JSON<{ n: number; boom?: boolean }>()))
    .mapValues(v => {
      if (v!.boom) throw new Error('user code exploded')
      return String(v!.n * 2)
    })
    .to(output, Produced.with(Serdes.String(), Serdes.String()))
  return b.build()
}

describe('error handling', () => {
  let cluster: TestCluster
  beforeAll(async () => {
    cluster = await startCluster()
  })
  afterAll(async () => {
    await cluster.stop()
  })

  it('sends records that cannot be deserialized to a dead-letter topic with the error, and carries on', async () => {
    const input = uniqueName('dlq-in')
    const output = uniqueName('dlq-out')
    const dlq = uniqueName('dlq')
    await createTopics(cluster.kafka, [{ topic: input, numPartitions: 1 }, { topic: output, numPartitions: 1 }, { topic: dlq, numPartitions: 1 }])
    const state = await tempDir('kstreams-dlq')
    const app = new KafkaStreams(doubler(input, output), { ...testClient(),
      applicationId: uniqueName('dlq-app'), brokers: cluster.brokers, stateDir: state.dir, commitIntervalMs: 100,
      processingGuarantee: 'exactly_once_v2', deserializationExceptionHandler: { deadLetterTopic: dlq },
    })
    try {
      await app.start()
      await produce(cluster.kafka, input, [
        { key: 'a', value: '{"n":1}' },
        { key: 'b', value: 'not json' },
        { key: 'c', value: '{"n":3}' },
      ])
      const out = await consumeUntil(cluster.kafka, output, rs => rs.length >= 2)
      expect(out.map(r => r.value!.toString())).toEqual(['2', '6'])
      const dead = await consumeUntil(cluster.kafka, dlq, rs => rs.length >= 1)
      expect(dead).toHaveLength(1)
      expect(dead[0]!.value!.toString()).toBe('not json')
      expect(dead[0]!.key!.toString()).toBe('b')
      expect(app.state).toBe('RUNNING')
      expect(app.metrics().find(m => m.name === 'dropped_records_total')!.value).toBe(1)
    } finally {
      await app.close()
      await state.remove()
    }
  })

  it('moves to ERROR with the cause when user code throws, and releases everything on close', async () => {
    const input = uniqueName('boom-in')
    const output = uniqueName('boom-out')
    await createTopics(cluster.kafka, [{ topic: input, numPartitions: 1 }, { topic: output, numPartitions: 1 }])
    const state = await tempDir('kstreams-boom')
    const app = new KafkaStreams(doubler(input, output), { ...testClient(),
      applicationId: uniqueName('boom-app'), brokers: cluster.brokers, stateDir: state.dir, commitIntervalMs: 100,
    })
    const states: StreamsState[] = []
    const errors: Error[] = []
    app.on('stateChange', n => states.push(n))
    app.on('error', e => errors.push(e))
    try {
      await app.start()
      await produce(cluster.kafka, input, [{ key: 'x', value: '{"n":1,"boom":true}' }])
      await waitFor(() => app.state === 'ERROR', 20_000, 'ERROR')
      expect(errors[0]!.message).toContain('user code exploded')
      expect(states.slice(-2)).toEqual(['PENDING_ERROR', 'ERROR'])
    } finally {
      await app.close()
      await app.close()
      await state.remove()
    }
    expect(app.state).toBe('ERROR')
  })

  it('REPLACE_THREAD recreates the failed tasks and keeps the application running', async () => {
    const input = uniqueName('replace-in')
    const output = uniqueName('replace-out')
    await createTopics(cluster.kafka, [{ topic: input, numPartitions: 1 }, { topic: output, numPartitions: 1 }])
    const state = await tempDir('kstreams-replace')
    let failures = 0
    const b = new StreamsBuilder()
    b.stream(input, Consumed.with(Serdes.String(), Serdes.String()))
      .mapValues(v => {
        // Fails once on "flaky", then succeeds when the replacement thread redoes it.
        if (v === 'flaky' && failures++ === 0) throw new Error('transient failure')
        return v!.toUpperCase()
      })
      .to(output, Produced.with(Serdes.String(), Serdes.String()))
    const seen: Error[] = []
    const app = new KafkaStreams(b.build(), { ...testClient(),
      applicationId: uniqueName('replace-app'), brokers: cluster.brokers, stateDir: state.dir, commitIntervalMs: 100,
      processingGuarantee: 'exactly_once_v2',
      uncaughtExceptionHandler: err => {
        seen.push(err)
        return 'REPLACE_THREAD'
      },
    })
    try {
      await app.start()
      await produce(cluster.kafka, input, [{ key: '1', value: 'one' }, { key: '2', value: 'flaky' }, { key: '3', value: 'three' }])
      const out = await consumeUntil(cluster.kafka, output, rs => rs.length >= 3)
      expect(out.map(r => r.value!.toString())).toEqual(['ONE', 'FLAKY', 'THREE'])
      expect(seen.map(e => e.message)).toEqual([expect.stringContaining('transient failure')])
      await waitFor(() => app.state === 'RUNNING', 20_000, 'RUNNING again')
    } finally {
      await app.close()
      await state.remove()
    }
  })

  it('refuses to start when a source topic is missing, naming it', async () => {
    const missing = uniqueName('never-created')
    const state = await tempDir('kstreams-missing')
    const app = new KafkaStreams(doubler(missing, uniqueName('out')), { ...testClient(), applicationId: uniqueName('missing-app'), brokers: cluster.brokers, stateDir: state.dir })
    try {
      await expect(app.start()).rejects.toThrow(MissingSourceTopicsError)
      expect(app.failure?.message).toContain(missing)
      expect(app.state).toBe('ERROR')
    } finally {
      await app.close()
      await state.remove()
    }
  })
})
