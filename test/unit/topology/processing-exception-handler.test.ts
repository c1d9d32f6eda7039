import { afterEach, describe, expect, it } from 'vitest'
import {
  Consumed,
  FailedProcessingError,
  KeyValue,
  Produced,
  Serdes,
  StreamsBuilder,
  TopologyTestDriver,
  type ProcessingErrorContext,
  type ProcessingExceptionHandler,
  type Processor,
  type ProcessorContext,
  type Record,
  type TopologyTestDriverOptions,
} from '../../../topology/index.js'

// Kafka Streams' ProcessingExceptionHandlerIntegrationTest (4.x), through the TopologyTestDriver.
const S = Serdes.String()
const B = Serdes.Bytes()
const TIMESTAMP = 1_700_000_000_000
let driver: TopologyTestDriver | null = null
afterEach(async () => {
  await driver?.close().catch(() => {})
  driver = null
})

const ERROR_MESSAGE = 'Exception should be handled by processing exception handler'

/** runtimeErrorProcessorSupplierMock: throws for keys containing ERR, forwards the rest. */
function runtimeErrorProcessor(): Processor<string, string, string, string> {
  let ctx!: ProcessorContext<string, string>
  return {
    init(c) {
      ctx = c
    },
    process(record) {
      if (record.key.includes('ERR')) throw new Error(ERROR_MESSAGE)
      ctx.forward({ key: record.key, value: record.value, timestamp: record.timestamp, headers: record.headers })
    },
  }
}

interface Run {
  processed: { key: string; value: string; timestamp: number }[]
  executed: { value: boolean }
}

function topology(run: Run, withMap: boolean) {
  const b = new StreamsBuilder()
  let s = b
    .stream('TOPIC_NAME', Consumed.with(S, S))
    .map((k, v) => KeyValue.pair(k, v as string))
    .mapValues(v => v)
    .process(runtimeErrorProcessor)
  if (withMap) {
    s = s.map((k, v) => {
      run.executed.value = true
      return KeyValue.pair(k, v)
    })
  }
  s.process(() => ({
    process(r: Record<string, string>) {
      run.processed.push({ key: r.key, value: r.value, timestamp: r.timestamp })
    },
  }))
  return b.build()
}

function newRun(): Run {
  return { processed: [], executed: { value: false } }
}

/** assertProcessingExceptionHandlerInputs */
function assertInputs(error: Error, ctx: ProcessingErrorContext): void {
  expect(['ID123-2-ERR', 'ID123-5-ERR']).toContain(ctx.key)
  expect(['ID123-A2', 'ID123-A5']).toContain(ctx.value)
  expect(ctx.topic).toBe('TOPIC_NAME')
  expect(ctx.processorNodeId).toBe('KSTREAM-PROCESSOR-0000000003')
  expect(ctx.timestamp).toBe(TIMESTAMP)
  expect(error.message).toContain(ERROR_MESSAGE)
}

const failHandler: ProcessingExceptionHandler = (error, ctx) => {
  assertInputs(error, ctx)
  return 'FAIL'
}

const continueHandler: ProcessingExceptionHandler = (error, ctx) => {
  if ((ctx.key as string).includes('FATAL')) throw new Error('KABOOM!')
  if ((ctx.key as string).includes('NULL')) return null as unknown as 'CONTINUE'
  assertInputs(error, ctx)
  return 'CONTINUE'
}

function start(run: Run, withMap: boolean, options: TopologyTestDriverOptions) {
  driver = new TopologyTestDriver(topology(run, withMap), { initialWallClockTimeMs: 0, ...options })
  return driver.createInputTopic('TOPIC_NAME', S, S)
}

describe('processingExceptionHandler (KIP-1033)', () => {
  it('shouldFailWhenProcessingExceptionOccursIfExceptionHandlerReturnsFail', async () => {
    const run = newRun()
    const input = start(run, false, { processingExceptionHandler: failHandler })
    const events = [
      KeyValue.pair('ID123-1', 'ID123-A1'),
      KeyValue.pair('ID123-2-ERR', 'ID123-A2'),
      KeyValue.pair('ID123-3', 'ID123-A3'),
      KeyValue.pair('ID123-4', 'ID123-A4'),
    ]
    await expect(input.pipeKeyValueList(events, TIMESTAMP, 0)).rejects.toThrow(ERROR_MESSAGE)
    expect(run.processed).toEqual([{ key: 'ID123-1', value: 'ID123-A1', timestamp: TIMESTAMP }])
  })

  it('shouldContinueWhenProcessingExceptionOccursIfExceptionHandlerReturnsContinue', async () => {
    const run = newRun()
    const input = start(run, false, { processingExceptionHandler: continueHandler })
    await input.pipeKeyValueList(
      [
        KeyValue.pair('ID123-1', 'ID123-A1'),
        KeyValue.pair('ID123-2-ERR', 'ID123-A2'),
        KeyValue.pair('ID123-3', 'ID123-A3'),
        KeyValue.pair('ID123-4', 'ID123-A4'),
        KeyValue.pair('ID123-5-ERR', 'ID123-A5'),
        KeyValue.pair('ID123-6', 'ID123-A6'),
      ],
      TIMESTAMP,
      0,
    )
    expect(run.processed).toEqual([
      { key: 'ID123-1', value: 'ID123-A1', timestamp: TIMESTAMP },
      { key: 'ID123-3', value: 'ID123-A3', timestamp: TIMESTAMP },
      { key: 'ID123-4', value: 'ID123-A4', timestamp: TIMESTAMP },
      { key: 'ID123-6', value: 'ID123-A6', timestamp: TIMESTAMP },
    ])
  })

  it('shouldStopOnFailedProcessorWhenProcessingExceptionOccursInFailProcessingExceptionHandler', async () => {
    const run = newRun()
    const input = start(run, true, { processingExceptionHandler: failHandler })
    await input.pipeInput('ID123-1', 'ID123-A1', TIMESTAMP)
    expect(run.executed.value).toBe(true)
    run.executed.value = false
    await expect(input.pipeInput('ID123-2-ERR', 'ID123-A2', TIMESTAMP)).rejects.toThrow(ERROR_MESSAGE)
    expect(run.executed.value).toBe(false)
  })

  it('shouldStopOnFailedProcessorWhenProcessingExceptionOccursInContinueProcessingExceptionHandler', async () => {
    const run = newRun()
    const input = start(run, true, { processingExceptionHandler: continueHandler })
    await input.pipeInput('ID123-1', 'ID123-A1', TIMESTAMP)
    expect(run.executed.value).toBe(true)
    run.executed.value = false
    await input.pipeInput('ID123-2-ERR', 'ID123-A2', TIMESTAMP)
    expect(run.executed.value).toBe(false)
  })

  it('shouldStopProcessingWhenProcessingExceptionHandlerReturnsNull', async () => {
    const run = newRun()
    const input = start(run, true, { processingExceptionHandler: continueHandler })
    await input.pipeInput('ID123-1', 'ID123-A1', TIMESTAMP)
    run.executed.value = false
    const err = await input.pipeInput('ID123-ERR-NULL', 'ID123-A2', 0).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(FailedProcessingError)
    expect((err as FailedProcessingError).processorNodeId).toBe('KSTREAM-PROCESSOR-0000000003')
    expect(((err as Error).cause as Error).message).toContain("expected 'CONTINUE' or 'FAIL'")
    expect(run.executed.value).toBe(false)
  })

  it('shouldStopProcessingWhenFatalUserExceptionProcessingExceptionHandler', async () => {
    const run = newRun()
    const input = start(run, true, { processingExceptionHandler: continueHandler })
    await input.pipeInput('ID123-1', 'ID123-A1', TIMESTAMP)
    run.executed.value = false
    const err = await input.pipeInput('ID123-ERR-FATAL', 'ID123-A2', 0).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(FailedProcessingError)
    expect(((err as Error).cause as Error).message).toBe('KABOOM!')
    expect(run.executed.value).toBe(false)
  })

  it("'logAndContinue' skips the failing record at the innermost processor; the parent's other children still get it", async () => {
    const b = new StreamsBuilder()
    const src = b.stream('in', Consumed.with(S, S))
    src.mapValues(v => {
      if (v === 'bad') throw new TypeError('boom')
      return v
    }).to('a', Produced.with(S, S))
    src.to('b', Produced.with(S, S))
    driver = new TopologyTestDriver(b.build(), { processingExceptionHandler: 'logAndContinue' })
    const input = driver.createInputTopic('in', S, S)
    await input.pipeInput('k1', 'bad')
    await input.pipeInput('k2', 'good')
    expect(driver.createOutputTopic('a', S, S).readValuesToList()).toEqual(['good'])
    expect(driver.createOutputTopic('b', S, S).readValuesToList()).toEqual(['bad', 'good'])
  })

  it('a punctuator that throws goes to the handler with no record and no topic (Kafka 4.x StreamTask.punctuate)', async () => {
    const seen: ProcessingErrorContext[] = []
    const b = new StreamsBuilder()
    b.stream('in', Consumed.with(S, S)).process(
      () => ({
        init(ctx: ProcessorContext<never, never>) {
          ctx.schedule(10, 'WALL_CLOCK_TIME', () => {
            throw new RangeError('/ by zero')
          })
        },
        process() {},
      }),
    )
    driver = new TopologyTestDriver(b.build(), {
      initialWallClockTimeMs: 0,
      processingExceptionHandler: (_e, ctx) => {
        seen.push(ctx)
        return 'CONTINUE'
      },
    })
    await driver.advanceWallClockTime(10)
    expect(seen).toHaveLength(1)
    expect(seen[0]).toMatchObject({ topic: null, partition: -1, offset: -1, processorNodeId: 'KSTREAM-PROCESSOR-0000000001', record: null, sourceRawKey: null, sourceRawValue: null })
  })

  it('an async mapper that rejects goes to the handler too, with its record; the DLQ gets the source bytes', async () => {
    const seen: ProcessingErrorContext[] = []
    const b = new StreamsBuilder()
    b.stream('in', Consumed.with(S, S))
      .mapValuesAsync(async v => {
        if (v === 'bad') throw new Error('lookup failed')
        return v!.toUpperCase()
      })
      .to('out', Produced.with(S, S))
    driver = new TopologyTestDriver(b.build(), {
      deadLetterQueueTopic: 'dlq',
      processingExceptionHandler: (_e, ctx) => {
        seen.push(ctx)
        return 'CONTINUE'
      },
    })
    await driver.createInputTopic('in', S, S).pipeKeyValueList([KeyValue.pair('a', 'ok'), KeyValue.pair('b', 'bad'), KeyValue.pair('c', 'fine')])
    expect(driver.createOutputTopic('out', S, S).readValuesToList()).toEqual(['OK', 'FINE'])
    expect(seen.map(c => [c.processorNodeId, c.key, c.value, c.offset])).toEqual([['KSTREAM-MAPVALUES-ASYNC-0000000001', 'b', 'bad', 1]])
    const [dead] = driver.producedRecords('dlq')
    expect([dead!.key, dead!.value]).toEqual([Buffer.from('b'), Buffer.from('bad')])
  })

  it('the handler gets the source record raw bytes, not the re-keyed record', async () => {
    let ctxSeen: ProcessingErrorContext | null = null
    const b = new StreamsBuilder()
    b.stream('in', Consumed.with(S, S))
      .map((k, v) => KeyValue.pair(`${k}!`, `${v}?`))
      .foreach(() => {
        throw new Error('no')
      })
    driver = new TopologyTestDriver(b.build(), {
      processingExceptionHandler: (_e, ctx) => {
        ctxSeen = ctx
        return 'CONTINUE'
      },
    })
    await driver.createInputTopic('in', S, S).pipeInput('k', 'v', 7)
    expect(ctxSeen!.key).toBe('k!')
    expect(ctxSeen!.value).toBe('v?')
    expect(ctxSeen!.sourceRawKey).toEqual(Buffer.from('k'))
    expect(ctxSeen!.sourceRawValue).toEqual(Buffer.from('v'))
  })
})

type H = { [name: string]: Buffer | undefined }

/** Kafka's header values are Java Strings through StringSerializer: UTF-8 bytes. */
const utf8 = (s: string) => Buffer.from(s, 'utf8')

describe('deadLetterQueueTopic (KIP-1034)', () => {
  function dslTopology() {
    const b = new StreamsBuilder()
    b.stream('inputTopic', Consumed.with(S, S))
      .mapValues(v => {
        if (v === 'KABOOM') throw new Error('KABOOM')
        return v
      })
      .to('outputTopic', Produced.with(S, S))
    return b.build()
  }
  const data = [KeyValue.pair('key', 'value-1'), KeyValue.pair('key', 'KABOOM'), KeyValue.pair('key', 'value-2')]

  it('shouldSendToDlqAndContinueFromDsl: the source bytes and the six headers, byte for byte', async () => {
    driver = new TopologyTestDriver(dslTopology(), { processingExceptionHandler: 'logAndContinue', deadLetterQueueTopic: 'dlqTopic' })
    await driver.createInputTopic('inputTopic', S, S).pipeKeyValueList(data, 100, 1)
    expect(driver.createOutputTopic('outputTopic', S, S).readValuesToList()).toEqual(['value-1', 'value-2'])
    const dlq = driver.producedRecords('dlqTopic')
    expect(dlq).toHaveLength(1)
    const r = dlq[0]!
    expect(r.key).toEqual(utf8('key'))
    expect(r.value).toEqual(utf8('KABOOM'))
    expect(r.timestamp).toBe(101)
    const h = r.headers as unknown as H
    // exactly Kafka's six headers, in Kafka's order: no source headers are copied
    expect(Object.keys(h)).toEqual([
      '__streams.errors.exception',
      '__streams.errors.message',
      '__streams.errors.stacktrace',
      '__streams.errors.topic',
      '__streams.errors.partition',
      '__streams.errors.offset',
    ])
    // e.toString(): "java.lang.RuntimeException: KABOOM" in Java, the error's name in JS
    expect(h['__streams.errors.exception']).toEqual(utf8('Error: KABOOM'))
    expect(h['__streams.errors.message']).toEqual(utf8('KABOOM'))
    expect(h['__streams.errors.stacktrace']!.toString('utf8')).toMatch(/^Error: KABOOM\n\s+at /)
    expect(h['__streams.errors.topic']).toEqual(utf8('inputTopic'))
    // String.valueOf(partition) and String.valueOf(offset): ASCII digits, not binary ints
    expect(h['__streams.errors.partition']).toEqual(Buffer.from([0x30]))
    expect(h['__streams.errors.offset']).toEqual(Buffer.from([0x31]))
  })

  it('shouldSendToDlqAndFailFromDsl: the record reaches the DLQ and the task fails', async () => {
    driver = new TopologyTestDriver(dslTopology(), { processingExceptionHandler: 'logAndFail', deadLetterQueueTopic: 'dlqTopic' })
    await expect(driver.createInputTopic('inputTopic', S, S).pipeKeyValueList(data, 100, 1)).rejects.toThrow('KABOOM')
    expect(driver.createOutputTopic('outputTopic', S, S).readValuesToList()).toEqual(['value-1'])
    const [r] = driver.producedRecords('dlqTopic')
    expect(r!.key).toEqual(utf8('key'))
    expect(r!.value).toEqual(utf8('KABOOM'))
  })

  it('shouldSendToDlqAndContinueFromProcessorAPI', async () => {
    const b = new StreamsBuilder()
    b.stream('inputTopic', Consumed.with(S, S))
      .process(() => {
        let ctx!: ProcessorContext<string, string>
        return {
          init(c: ProcessorContext<string, string>) {
            ctx = c
          },
          process(record: Record<string, string>) {
            if (record.value === 'KABOOM') throw new Error('KABOOM')
            ctx.forward(record)
          },
        }
      })
      .to('outputTopic', Produced.with(S, S))
    driver = new TopologyTestDriver(b.build(), { processingExceptionHandler: 'logAndContinue', deadLetterQueueTopic: 'dlqTopic' })
    await driver.createInputTopic('inputTopic', S, S).pipeKeyValueList(data)
    expect(driver.createOutputTopic('outputTopic', S, S).readValuesToList()).toEqual(['value-1', 'value-2'])
    const out = driver.createOutputTopic('dlqTopic', S, S).readRecord()
    expect([out.key, out.value]).toEqual(['key', 'KABOOM'])
  })

  it('deadLetterQueueTopic alone keeps the default handler: DLQ, then fail', async () => {
    driver = new TopologyTestDriver(dslTopology(), { deadLetterQueueTopic: 'dlqTopic' })
    await expect(driver.createInputTopic('inputTopic', S, S).pipeKeyValueList(data)).rejects.toThrow('KABOOM')
    expect(driver.producedRecords('dlqTopic')).toHaveLength(1)
  })

  it('shouldSendToDlqAndContinueFromDeserializationError: the raw bytes that did not deserialize', async () => {
    const b = new StreamsBuilder()
    b.stream('inputTopic', Consumed.with(S, Serdes.Long()))
      .mapValues(v => String(v))
      .to('outputTopic', Produced.with(S, S))
    driver = new TopologyTestDriver(b.build(), { deserializationHandler: () => 'CONTINUE', deadLetterQueueTopic: 'dlqTopic' })
    const input = driver.createInputTopic('inputTopic', S, B)
    const long = (n: number) => {
      const buf = Buffer.alloc(8)
      buf.writeBigInt64BE(BigInt(n))
      return buf
    }
    await input.pipeKeyValueList([KeyValue.pair('key', long(1)), KeyValue.pair('key', utf8('value')), KeyValue.pair('key', long(3))])
    expect(driver.createOutputTopic('outputTopic', S, S).readValuesToList()).toEqual(['1', '3'])
    const [r] = driver.producedRecords('dlqTopic')
    expect(r!.key).toEqual(utf8('key'))
    expect(r!.value).toEqual(utf8('value'))
    const h = r!.headers as unknown as H
    expect(h['__streams.errors.exception']!.toString()).toMatch(/^DeserializationError: /)
    expect(h['__streams.errors.topic']).toEqual(utf8('inputTopic'))
    expect(h['__streams.errors.partition']).toEqual(utf8('0'))
    expect(h['__streams.errors.offset']).toEqual(utf8('1'))
  })

  const unserializable = {
    serialize(): Buffer {
      throw new Error('cannot serialize')
    },
    deserialize: (): { v: string | null } => ({ v: null }),
  }

  it("a record a sink cannot serialize goes there as its source record's bytes (production handler 'continue')", async () => {
    const b = new StreamsBuilder()
    b.stream('in', Consumed.with(S, S))
      .mapValues(v => ({ v }))
      .to('out', Produced.with(S, unserializable))
    driver = new TopologyTestDriver(b.build(), { productionExceptionHandler: 'continue', deadLetterQueueTopic: 'dlq' })
    await driver.createInputTopic('in', S, S).pipeInput('k', 'v', 3)
    const [r] = driver.producedRecords('dlq')
    expect(r!.key).toEqual(utf8('k'))
    expect(r!.value).toEqual(utf8('v'))
    expect(r!.timestamp).toBe(3)
    expect((r!.headers as unknown as H)['__streams.errors.exception']!.toString()).toMatch(/^SerializationError: Sink /)
    expect((r!.headers as unknown as H)['__streams.errors.topic']).toEqual(utf8('in'))
  })

  it('a punctuation failure writes a DLQ record with null key, value and topic header (Kafka: context.topic() is null)', async () => {
    const b = new StreamsBuilder()
    b.stream('in', Consumed.with(S, S)).process(() => ({
      init(ctx: ProcessorContext<never, never>) {
        ctx.schedule(10, 'WALL_CLOCK_TIME', () => {
          throw new Error('tick')
        })
      },
      process() {},
    }))
    driver = new TopologyTestDriver(b.build(), { initialWallClockTimeMs: 0, processingExceptionHandler: 'logAndContinue', deadLetterQueueTopic: 'dlq' })
    await driver.advanceWallClockTime(10)
    const [r] = driver.producedRecords('dlq')
    expect(r!.key).toBeNull()
    expect(r!.value).toBeNull()
    expect(r!.timestamp).toBe(10)
    const h = r!.headers as unknown as H
    expect(h['__streams.errors.topic']).toBeUndefined()
    expect('__streams.errors.topic' in h).toBe(true)
    expect(h['__streams.errors.partition']).toEqual(utf8('-1'))
    expect(h['__streams.errors.offset']).toEqual(utf8('-1'))
  })
})
