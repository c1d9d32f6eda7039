import { afterEach, describe, expect, it } from 'vitest'
import {
  Consumed,
  Materialized,
  Produced,
  SerializationError,
  Serdes,
  StreamsBuilder,
  Topology,
  TopologyTestDriver,
  type ProcessorContext,
  type Record,
} from '../../../topology/index.js'

const S = Serdes.String()
const L = Serdes.Long()
const I = Serdes.Integer()
const D = Serdes.Double()
const B = Serdes.Bytes()
let driver: TopologyTestDriver | null = null
afterEach(async () => {
  await driver?.close()
  driver = null
})

function passThrough() {
  const b = new StreamsBuilder()
  b.stream('in', Consumed.with(S, S)).to('out', Produced.with(S, S))
  return b.build()
}

// Cases of Kafka Streams' TopologyTestDriverTest about output topics and record collection.
describe('TopologyTestDriver output topics (Kafka TopologyTestDriverTest)', () => {
  it('two output topics of one topic read one queue: what one reads is gone for the other', async () => {
    driver = new TopologyTestDriver(passThrough())
    const first = driver.createOutputTopic('out', S, S)
    const input = driver.createInputTopic('in', S, S)
    await input.pipeInput('a', '1')
    await input.pipeInput('b', '2')
    await input.pipeInput('c', '3')
    const second = driver.createOutputTopic('out', S, S)
    expect(first.getQueueSize()).toBe(3)
    expect(second.getQueueSize()).toBe(3)
    expect(first.readValue()).toBe('1')
    expect(second.getQueueSize()).toBe(2)
    expect(second.readValue()).toBe('2')
    expect(first.readValuesToList()).toEqual(['3'])
    expect(second.isEmpty()).toBe(true)
    expect(() => second.readRecord()).toThrow('Empty topic: out')
    // producedRecords keeps every record written, read or not
    expect(driver.producedRecords('out').map((r) => r.value?.toString())).toEqual(['1', '2', '3'])
  })

  it('an output topic made with other serdes reads the same queue', async () => {
    driver = new TopologyTestDriver(passThrough())
    await driver.createInputTopic('in', S, S).pipeInput('k', 'v')
    const asBytes = driver.createOutputTopic('out', B, B)
    const asStrings = driver.createOutputTopic('out', S, S)
    expect(asBytes.readRecord().value).toEqual(Buffer.from('v'))
    expect(asStrings.isEmpty()).toBe(true)
  })

  it('shouldThrowNoSuchElementExceptionForUnusedOutputTopicWithDynamicRouting', () => {
    driver = new TopologyTestDriver(passThrough())
    const unused = driver.createOutputTopic('unused-topic', S, S)
    expect(unused.isEmpty()).toBe(true)
    expect(() => unused.readRecord()).toThrow('Empty topic: unused-topic')
  })

  it('shouldCaptureSinkTopicNamesIfWrittenInto', async () => {
    driver = new TopologyTestDriver(passThrough())
    expect(driver.producedTopicNames()).toEqual([])
    await driver.createInputTopic('in', S, S).pipeInput('k', 'v')
    expect(driver.producedTopicNames()).toContain('out')
  })

  it('shouldCaptureInternalTopicNamesIfWrittenInto (repartition and changelog topics)', async () => {
    const b = new StreamsBuilder()
    b.stream('in', Consumed.with(S, S))
      .selectKey((_k, v) => v)
      .groupByKey()
      .count(Materialized.as('counts'))
    driver = new TopologyTestDriver(b.build(), { applicationId: 'app' })
    expect(driver.producedTopicNames()).toEqual([])
    await driver.createInputTopic('in', S, S).pipeInput('k', 'v')
    expect(new Set(driver.producedTopicNames())).toEqual(new Set([driver.internalTopicName(repartitionName(driver)), 'app-counts-changelog']))
  })

  it('shouldCaptureGlobalTopicNameIfWrittenInto', async () => {
    const b = new StreamsBuilder()
    b.globalTable('source1', Consumed.with(S, S), Materialized.as('globalTable'))
    b.stream('source2', Consumed.with(S, S)).to('source1', Produced.with(S, S))
    driver = new TopologyTestDriver(b.build())
    expect(driver.producedTopicNames()).toEqual([])
    await driver.createInputTopic('source2', S, S).pipeInput('k', 'v')
    expect(driver.producedTopicNames()).toEqual(['source1'])
    // and the global store read what was written to its topic
    expect(await driver.getKeyValueStore<string, string>('globalTable').get('k')).toBe('v')
  })

  it('shouldUseSinkSpecificSerializers', async () => {
    const topology = new Topology()
      .addSource({ name: 'source-1', topics: ['source1'], keySerde: L, valueSerde: S })
      .addSource({ name: 'source-2', topics: ['source2'], keySerde: I, valueSerde: D })
      .addSink({ name: 'sink-1', topic: 'sink1', keySerde: L, valueSerde: S }, 'source-1')
      .addSink({ name: 'sink-2', topic: 'sink2', keySerde: I, valueSerde: D }, 'source-2')
    driver = new TopologyTestDriver(topology)
    await driver.createInputTopic('source1', L, S).pipeInput(42, 'anyString')
    const result1 = driver.createOutputTopic('sink1', L, S).readRecord()
    expect([result1.key, result1.value]).toEqual([42, 'anyString'])
    await driver.createInputTopic('source2', I, D).pipeInput(73, 3.14)
    const result2 = driver.createOutputTopic('sink2', I, D).readRecord()
    expect([result2.key, result2.value]).toEqual([73, 3.14])
  })

  it('shouldForwardRecordsFromSubtopologyToSubtopology', async () => {
    const topology = new Topology()
      .addSource('source', 'source-topic-1')
      .addSink('sink-1', 'sink-topic-1', 'source')
      .addSource('source-2', 'sink-topic-1')
      .addSink('sink-2', 'sink-topic-2', 'source-2')
    driver = new TopologyTestDriver(topology)
    await driver.createInputTopic('source-topic-1', B, B).pipeInput(Buffer.from([1]), Buffer.from([2]))
    const r1 = driver.createOutputTopic('sink-topic-1', B, B).readRecord()
    expect([r1.key, r1.value]).toEqual([Buffer.from([1]), Buffer.from([2])])
    const r2 = driver.createOutputTopic('sink-topic-2', B, B).readRecord()
    expect([r2.key, r2.value]).toEqual([Buffer.from([1]), Buffer.from([2])])
  })

  it('shouldEnqueueLaterOutputsAfterEarlierOnes', async () => {
    const topology = new Topology()
      .addSource({ name: 'source', topics: ['input'], keySerde: S, valueSerde: S })
      .addProcessor(
        'recursiveProcessor',
        () => {
          let ctx!: ProcessorContext<string, string>
          return {
            init(c: ProcessorContext<string, string>) {
              ctx = c
            },
            process(record: Record<string, string>) {
              if (!record.value.startsWith('recurse-')) ctx.forward({ ...record, value: `recurse-${record.value}` }, 'recursiveSink')
              ctx.forward(record, 'sink')
            },
          }
        },
        'source',
      )
      .addSink({ name: 'recursiveSink', topic: 'input', keySerde: S, valueSerde: S }, 'recursiveProcessor')
      .addSink({ name: 'sink', topic: 'output', keySerde: S, valueSerde: S }, 'recursiveProcessor')
    driver = new TopologyTestDriver(topology)
    const out = driver.createOutputTopic('output', S, S)
    await driver.createInputTopic('input', S, S).pipeInput('B', 'beta')
    expect(out.readKeyValuesToList()).toEqual([
      { key: 'B', value: 'beta' },
      { key: 'B', value: 'recurse-beta' },
    ])
  })

  it('records read back from a topic the topology writes carry the offsets the in-memory partition gave them', async () => {
    const seen: number[] = []
    const topology = new Topology()
      .addSource({ name: 'source', topics: ['input'], keySerde: S, valueSerde: S })
      .addSink({ name: 'to-mid', topic: 'mid', keySerde: S, valueSerde: S }, 'source')
      .addSource({ name: 'mid-source', topics: ['mid'], keySerde: S, valueSerde: S })
      .addProcessor(
        'offsets',
        () => {
          let ctx!: ProcessorContext<never, never>
          return {
            init(c: ProcessorContext<never, never>) {
              ctx = c
            },
            process() {
              seen.push(ctx.recordContext().offset)
            },
          }
        },
        'mid-source',
      )
    driver = new TopologyTestDriver(topology)
    const input = driver.createInputTopic('input', S, S)
    for (const v of ['a', 'b', 'c']) await input.pipeInput('k', v)
    expect(seen).toEqual([0, 1, 2])
  })
})

/** The one repartition topic the topology writes, as the driver names it. */
function repartitionName(d: TopologyTestDriver): string {
  return d.producedTopicNames().find((t) => t.endsWith('-repartition'))!.slice('app-'.length)
}

describe('TopologyTestDriver production exception handler', () => {
  function unserializable() {
    const b = new StreamsBuilder()
    // a String serde cannot write the number 42: the sink's serialization fails for that record
    b.stream('in', Consumed.with(S, S))
      .mapValues((v) => (v === 'bad' ? (42 as unknown as string) : v))
      .to('out', Produced.with(S, S))
    return b.build()
  }

  it("fails the pipe on a serialization error by default, as the runtime's 'fail'", async () => {
    driver = new TopologyTestDriver(unserializable())
    await expect(driver.createInputTopic('in', S, S).pipeInput('k', 'bad')).rejects.toBeInstanceOf(SerializationError)
  })

  it('a handler configured on the driver sees the serialization error and can drop the record', async () => {
    const seen: { topic: string; partition: number; key: string | undefined; value: Buffer | null; error: Error }[] = []
    driver = new TopologyTestDriver(unserializable(), {
      productionExceptionHandler: (ctx) => {
        seen.push({ topic: ctx.topic, partition: ctx.partition, key: ctx.key?.toString(), value: ctx.value, error: ctx.error })
        return 'CONTINUE'
      },
    })
    const input = driver.createInputTopic('in', S, S)
    await input.pipeInput('k1', 'bad')
    await input.pipeInput('k2', 'good')
    expect(driver.createOutputTopic('out', S, S).readKeyValuesToList()).toEqual([{ key: 'k2', value: 'good' }])
    expect(seen).toHaveLength(1)
    expect(seen[0]).toMatchObject({ topic: 'out', partition: -1, key: 'k1', value: null })
    expect(seen[0]!.error).toBeInstanceOf(SerializationError)
  })

  it("'continue' drops the record and processing goes on", async () => {
    driver = new TopologyTestDriver(unserializable(), { productionExceptionHandler: 'continue' })
    const input = driver.createInputTopic('in', S, S)
    await input.pipeInput('k1', 'bad')
    await input.pipeInput('k2', 'good')
    expect(driver.createOutputTopic('out', S, S).readValuesToList()).toEqual(['good'])
  })

  it('{ deadLetterTopic } writes the source record there, as it was read, with the error in headers', async () => {
    driver = new TopologyTestDriver(unserializable(), { productionExceptionHandler: { deadLetterTopic: 'dlq' } })
    await driver.createInputTopic('in', S, S).pipeInput('k1', 'bad', 5)
    expect(driver.createOutputTopic('out', S, S).isEmpty()).toBe(true)
    const dead = driver.createOutputTopic('dlq', S, S).readRecord()
    expect(dead.key).toBe('k1')
    expect(dead.value).toBe('bad') // the source record's value bytes: the record can be replayed
    expect(dead.timestamp).toBe(5)
    expect(dead.headers).toMatchObject({ 'kstreams.error.class': 'SerializationError', 'kstreams.error.topic': 'out' })
  })
})
