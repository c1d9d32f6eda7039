// The public API contract (API.md), written the way users write it: every name imported from the
// package root, every factory and method called with the documented shapes. A renamed or reshaped
// export fails here (and in `npm run typecheck`) before it reaches users.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  Branched,
  Consumed,
  Grouped,
  Joined,
  JoinWindows,
  KafkaStreams,
  KeyValue,
  Materialized,
  Produced,
  Repartitioned,
  Serdes,
  SessionWindows,
  SlidingWindows,
  StreamJoined,
  Stores,
  StreamsBuilder,
  Suppressed,
  TimeWindows,
  TopologyTestDriver,
  type KStream,
  type KTable,
  type Processor,
  type ProcessorContext,
  type Record,
  type Serde,
  type Windowed,
} from '../../lib/index.js'
import { EmbeddedKafka, EmbeddedSchemaRegistry } from '../../broker/index.js'

const dirs: string[] = []
function stateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kstreams-api-'))
  dirs.push(dir)
  return dir
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

describe('API.md: records and serdes', () => {
  it('KeyValue.pair and the primitive serdes, byte-compatible with Java', () => {
    expect(KeyValue.pair('k', 1)).toEqual({ key: 'k', value: 1 })
    const long: Serde<number> = Serdes.Long()
    expect(long.serialize('t', 1)).toEqual(Buffer.from([0, 0, 0, 0, 0, 0, 0, 1]))
    expect(long.deserialize('t', Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe]))).toBe(-2)
    expect(Serdes.Integer().serialize('t', 258)).toEqual(Buffer.from([0, 0, 1, 2]))
    expect(Serdes.Double().deserialize('t', Serdes.Double().serialize('t', 1.5))).toBe(1.5)
    expect(Serdes.String().serialize('t', 'é')).toEqual(Buffer.from('é', 'utf8'))
    expect(Serdes.Bytes().serialize('t', Buffer.from([7]))).toEqual(Buffer.from([7]))
    expect(Serdes.JSON<{ a: number }>().deserialize('t', Buffer.from('{"a":1}'))).toEqual({ a: 1 })
    for (const serde of [Serdes.String(), Serdes.Long(), Serdes.Integer(), Serdes.Double(), Serdes.Bytes(), Serdes.JSON()]) {
      expect(serde.serialize('t', null)).toBeNull()
      expect(serde.deserialize('t', null)).toBeNull()
    }
  })

  it('Serdes.Avro round-trips through a schema registry in the Confluent wire format', async () => {
    const registry = await EmbeddedSchemaRegistry.start({ port: 0 })
    try {
      const schema = { type: 'record', name: 'Payment', namespace: 'api.contract', fields: [{ name: 'amount', type: 'long' }] }
      const serde = Serdes.Avro<{ amount: number }>({ schema, registryUrl: registry.url })
      const bytes = (await serde.serialize('payments', { amount: 42 })) as Buffer
      expect(bytes[0]).toBe(0) // Confluent magic byte, then a 4-byte schema id
      expect(await serde.deserialize('payments', bytes)).toEqual({ amount: 42 })
    } finally {
      await registry.stop()
    }
  })
})

describe('API.md: building a topology and testing it without a broker', () => {
  it('word count with every documented driver call', async () => {
    const builder = new StreamsBuilder()
    const lines: KStream<string, string> = builder.stream<string, string>('lines', Consumed.with(Serdes.String(), Serdes.String()))
    lines
      .flatMapValues((line) => line!.split(' '))
      .groupBy((_k, word) => word, Grouped.with(Serdes.String(), Serdes.String()))
      .count(Materialized.as('counts'))
      .toStream()
      .to('counts-out', Produced.with(Serdes.String(), Serdes.Long()))
    const topology = builder.build()
    expect(topology.describe().toString()).toContain('Sub-topology: 1')

    const driver = new TopologyTestDriver(topology, { applicationId: 'api-wc', stateDir: stateDir(), initialWallClockTimeMs: 0 })
    try {
      const input = driver.createInputTopic('lines', Serdes.String(), Serdes.String())
      const output = driver.createOutputTopic('counts-out', Serdes.String(), Serdes.Long())
      await input.pipeInput('a', 'x y x', 10)
      await input.pipeKeyValueList([KeyValue.pair('b', 'y')])
      expect(output.readKeyValue()).toEqual({ key: 'x', value: 1 })
      const record = output.readRecord()
      expect(record).toMatchObject({ key: 'y', value: 1, timestamp: 10 })
      expect(record.headers).toBeDefined()
      expect(output.readKeyValuesToList()).toEqual([KeyValue.pair('x', 2), KeyValue.pair('y', 2)])
      expect(output.isEmpty()).toBe(true)
      await input.pipeInput('c', 'z')
      expect(output.readKeyValuesToMap()).toEqual(new Map([['z', 1]]))
      await input.pipeInput('d', 'z')
      expect(output.readValuesToList()).toEqual([2])
      expect(await driver.getKeyValueStore<string, number>('counts').get('x')).toBe(2)
      await driver.advanceWallClockTime(1000)
    } finally {
      await driver.close()
    }
  })

  it('options factories and windows exist with the documented names', () => {
    expect(Consumed.with(Serdes.String(), Serdes.String()).withTimestampExtractor(() => 0).withOffsetResetPolicy('earliest')).toBeDefined()
    expect(Produced.with(Serdes.String(), Serdes.String()).withStreamPartitioner(() => 0)).toBeDefined()
    expect(Grouped.as('g')).toBeDefined()
    expect(
      Materialized.as('m').withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()).withCachingDisabled().withLoggingDisabled().withRetention(1000),
    ).toBeDefined()
    expect(Materialized.with(Serdes.String(), Serdes.Long())).toBeDefined()
    expect(Joined.with(Serdes.String(), Serdes.String(), Serdes.String())).toBeDefined()
    expect(StreamJoined.with(Serdes.String(), Serdes.String(), Serdes.String())).toBeDefined()
    expect(Branched.as('b')).toBeDefined()
    expect(TimeWindows.ofSizeWithNoGrace(10)).toBeDefined()
    expect(TimeWindows.ofSizeAndGrace(10, 5).advanceBy(5)).toBeDefined()
    expect(SlidingWindows.ofTimeDifferenceWithNoGrace(10)).toBeDefined()
    expect(SlidingWindows.ofTimeDifferenceAndGrace(10, 5)).toBeDefined()
    expect(SessionWindows.ofInactivityGapWithNoGrace(10)).toBeDefined()
    expect(SessionWindows.ofInactivityGapAndGrace(10, 5)).toBeDefined()
    expect(JoinWindows.ofTimeDifferenceWithNoGrace(10)).toBeDefined()
    expect(JoinWindows.ofTimeDifferenceAndGrace(10, 5)).toBeDefined()
    expect(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded())).toBeDefined()
  })

  it('windowed count with suppress emits one final result per window', async () => {
    const builder = new StreamsBuilder()
    builder
      .stream<string, string>('clicks', Consumed.with(Serdes.String(), Serdes.String()))
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeWithNoGrace(100))
      .count()
      .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()))
      .toStream()
      .foreach((k: Windowed<string>, v: number | null) => seen.push(`${k.key}@${k.window.start}-${k.window.end}=${v}`))
    const seen: string[] = []
    const driver = new TopologyTestDriver(builder.build(), { stateDir: stateDir() })
    try {
      const input = driver.createInputTopic('clicks', Serdes.String(), Serdes.String())
      await input.pipeInput('u', 'a', 10)
      await input.pipeInput('u', 'b', 50)
      expect(seen).toEqual([])
      await input.pipeInput('u', 'c', 250) // stream time passes the first window's end
      expect(seen).toEqual(['u@0-100=2'])
    } finally {
      await driver.close()
    }
  })

  it('split/branch returns a Map of named branches, and the Processor API with a store and punctuation', async () => {
    const builder = new StreamsBuilder()
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('seen'), Serdes.String(), Serdes.Long()))
    const branches = builder
      .stream<string, number>('nums', Consumed.with(Serdes.String(), Serdes.Long()))
      .split()
      .branch((_k, v) => v! % 2 === 0, Branched.as('even'))
      .defaultBranch()
    expect(branches).toBeInstanceOf(Map)
    const evenName = [...branches.keys()].find((name) => name.endsWith('even'))
    expect(evenName).toBeDefined()
    let punctuations = 0
    branches.get(evenName!)!
      .process(
        (): Processor<string, number, string, number> => {
          let ctx: ProcessorContext<string, number>
          return {
            init(context) {
              ctx = context
              ctx.schedule(1000, 'WALL_CLOCK_TIME', () => {
                punctuations++
              })
            },
            async process(record: Record<string, number>) {
              const store = ctx.getStateStore<any>('seen')
              const before = ((await store.get(record.key)) as number | null) ?? 0
              await store.put(record.key, before + 1)
              ctx.forward({ ...record, value: before + 1 })
            },
          }
        },
        'seen',
      )
      .to('evens-seen', Produced.with(Serdes.String(), Serdes.Long()))
    const driver = new TopologyTestDriver(builder.build(), { stateDir: stateDir() })
    try {
      const input = driver.createInputTopic('nums', Serdes.String(), Serdes.Long())
      const output = driver.createOutputTopic('evens-seen', Serdes.String(), Serdes.Long())
      await input.pipeKeyValueList([KeyValue.pair('a', 2), KeyValue.pair('a', 3), KeyValue.pair('a', 4)])
      expect(output.readKeyValuesToList()).toEqual([KeyValue.pair('a', 1), KeyValue.pair('a', 2)])
      // Like Kafka Streams, one advance fires a due schedule once (missed intervals are skipped).
      await driver.advanceWallClockTime(2500)
      expect(punctuations).toBe(1)
      await driver.advanceWallClockTime(1000)
      expect(punctuations).toBe(2)
    } finally {
      await driver.close()
    }
  })

  it('piping to a topic the topology does not read is a clear error', async () => {
    const builder = new StreamsBuilder()
    builder.stream('in').to('out')
    const driver = new TopologyTestDriver(builder.build(), { stateDir: stateDir() })
    try {
      const wrong = driver.createInputTopic('typo', Serdes.String(), Serdes.String())
      await expect(async () => wrong.pipeInput('k', 'v')).rejects.toThrow(/typo/)
    } finally {
      await driver.close()
    }
  })
})

describe('API.md: running an application', () => {
  it('validates config at construction, naming the key at fault', () => {
    const topology = new StreamsBuilder().build()
    expect(() => new KafkaStreams(topology, { brokers: ['127.0.0.1:9092'] } as never)).toThrow(/applicationId/)
    expect(
      () => new KafkaStreams(topology, { applicationId: 'a', brokers: ['127.0.0.1:9092'], comitIntervalMs: 5 } as never),
    ).toThrow(/comitIntervalMs/)
  })

  it('runs word count on the embedded broker: states, interactive query, close', async () => {
    const kafka = await EmbeddedKafka.start({ port: 0 })
    expect(kafka.brokers[0]).toMatch(/^127\.0\.0\.1:\d+$/)
    const builder = new StreamsBuilder()
    builder
      .stream<string, string>('api-lines', Consumed.with(Serdes.String(), Serdes.String()))
      .flatMapValues((line) => line!.split(' '))
      .groupBy((_k, w) => w, Grouped.with(Serdes.String(), Serdes.String()))
      .count(Materialized.as('api-counts'))
    const app = new KafkaStreams(builder.build(), {
      applicationId: 'api-contract-wc',
      brokers: kafka.brokers,
      processingGuarantee: 'exactly_once_v2',
      stateDir: stateDir(),
      commitIntervalMs: 100,
      numStandbyReplicas: 0,
      kafka: { logLevel: 0 },
    })
    const transitions: string[] = []
    app.on('stateChange', (next: string, prev: string) => transitions.push(`${prev}->${next}`))
    try {
      await kafka.createTopic('api-lines', 1)
      await app.start()
      const { Kafka } = await import('kafkajs')
      const producer = new Kafka({ brokers: kafka.brokers, logLevel: 0 }).producer()
      await producer.connect()
      await producer.send({ topic: 'api-lines', messages: [{ value: 'to be or not to be' }] })
      await producer.disconnect()
      const deadline = Date.now() + 30_000
      let be: unknown = null
      while (Date.now() < deadline) {
        if (app.state === 'RUNNING') {
          const store = (await app.store('api-counts')) as { get(k: string): unknown }
          be = await store.get('be')
          if (be === 2) break
        }
        await new Promise((r) => setTimeout(r, 100))
      }
      expect(be).toBe(2)
      expect(transitions).toContain('CREATED->REBALANCING')
      expect(transitions).toContain('REBALANCING->RUNNING')
    } finally {
      await app.close()
      await kafka.stop()
    }
    expect(app.state).toBe('NOT_RUNNING')
  })
})

describe('API.md: every documented overload and shape of the DSL', () => {
  const S = Serdes.String()
  const L = Serdes.Long()

  it('builder.stream takes a topic, a topic list or a RegExp; to takes a topic or a (k, v) => topic extractor', async () => {
    const builder = new StreamsBuilder()
    const one: KStream<string, string> = builder.stream<string, string>('t1', Consumed.with(S, S))
    const list = builder.stream<string, string>(['t2', 't3'], Consumed.with(S, S))
    const pattern = builder.stream<string, string>(/^p-.*/, Consumed.with(S, S))
    one.merge(list).to((k: string, _v: string | null) => `out-${k}`, Produced.with(S, S))
    pattern.to('out-pattern', Produced.with(S, S))
    const driver = new TopologyTestDriver(builder.build(), { stateDir: stateDir() })
    try {
      await driver.createInputTopic('t1', S, S).pipeInput('a', '1')
      await driver.createInputTopic('t3', S, S).pipeInput('b', '2')
      await driver.createInputTopic('p-x', S, S).pipeInput('c', '3')
      expect(driver.createOutputTopic('out-a', S, S).readValuesToList()).toEqual(['1'])
      expect(driver.createOutputTopic('out-b', S, S).readValuesToList()).toEqual(['2'])
      expect(driver.createOutputTopic('out-pattern', S, S).readKeyValuesToList()).toEqual([KeyValue.pair('c', '3')])
    } finally {
      await driver.close()
    }
  })

  it('the stateless KStream operators, repartition and toTable', async () => {
    const builder = new StreamsBuilder()
    const s = builder.stream<string, number>('nums', Consumed.with(S, L))
    const peeked: string[] = []
    s.filterNot((_k, v) => v! < 0)
      .map((k, v) => KeyValue.pair(k.toUpperCase(), v))
      .selectKey((k, _v) => `${k}!`)
      .flatMap((k, v) => [KeyValue.pair(k, v), KeyValue.pair(k, v! + 1)])
      .peek((k, v) => peeked.push(`${k}=${v}`))
      .repartition(Repartitioned.with(S, L))
      .toTable(Materialized.as<string, number>('latest').withKeySerde(S).withValueSerde(L))
      .toStream()
      .to('latest-out', Produced.with(S, L))
    const driver = new TopologyTestDriver(builder.build(), { stateDir: stateDir() })
    try {
      await driver.createInputTopic('nums', S, L).pipeKeyValueList([KeyValue.pair('a', 1), KeyValue.pair('b', -1)])
      expect(peeked).toEqual(['A!=1', 'A!=2'])
      expect(driver.createOutputTopic('latest-out', S, L).readKeyValuesToList()).toEqual([KeyValue.pair('A!', 1), KeyValue.pair('A!', 2)])
      expect(await driver.getKeyValueStore<string, number>('latest').get('A!')).toBe(2)
    } finally {
      await driver.close()
    }
  })

  it('KGroupedStream: reduce((agg, v) => V) and aggregate(() => VA, (k, v, agg) => VA, materialized)', async () => {
    const builder = new StreamsBuilder()
    const grouped = builder.stream<string, number>('amounts', Consumed.with(S, L)).groupByKey(Grouped.with(S, L))
    grouped.reduce((agg: number, v: number) => agg + v, Materialized.as('sum'))
    grouped.aggregate(
      (): string => '',
      (k: string, v: number, agg: string) => `${agg}${k}${v};`,
      Materialized.as<string, string>('trail').withValueSerde(S),
    )
    const driver = new TopologyTestDriver(builder.build(), { stateDir: stateDir() })
    try {
      await driver.createInputTopic('amounts', S, L).pipeKeyValueList([KeyValue.pair('a', 1), KeyValue.pair('a', 5)])
      expect(await driver.getKeyValueStore<string, number>('sum').get('a')).toBe(6)
      expect(await driver.getKeyValueStore<string, string>('trail').get('a')).toBe('a1;a5;')
    } finally {
      await driver.close()
    }
  })

  it('KGroupedTable: count, reduce(adder, subtractor) and aggregate(init, adder, subtractor) follow updates', async () => {
    const builder = new StreamsBuilder()
    const grouped = builder
      .table<string, number>('balances', Consumed.with(S, L))
      .groupBy((_user: string, balance: number) => KeyValue.pair(balance >= 0 ? 'credit' : 'debt', balance), Grouped.with(S, L))
    grouped.count(Materialized.as('n'))
    grouped.reduce((agg: number, v: number) => agg + v, (agg: number, v: number) => agg - v, Materialized.as('total'))
    grouped.aggregate(
      () => 0,
      (_k: string, v: number, agg: number) => Math.max(agg, Math.abs(v)),
      (_k: string, _v: number, agg: number) => agg,
      Materialized.as<string, number>('peak').withValueSerde(L),
    )
    const driver = new TopologyTestDriver(builder.build(), { stateDir: stateDir() })
    try {
      const input = driver.createInputTopic('balances', S, L)
      await input.pipeInput('u1', 10)
      await input.pipeInput('u2', 5)
      await input.pipeInput('u1', -3) // moves u1 from credit to debt
      expect(await driver.getKeyValueStore('n').get('credit')).toBe(1)
      expect(await driver.getKeyValueStore('total').get('credit')).toBe(5)
      expect(await driver.getKeyValueStore('total').get('debt')).toBe(-3)
      expect(await driver.getKeyValueStore('peak').get('credit')).toBe(10)
    } finally {
      await driver.close()
    }
  })

  it('joins: stream-stream, stream-table, stream-globalTable ((k, v) => GK, (v, gv, k) => VR) and table-table', async () => {
    const builder = new StreamsBuilder()
    const orders = builder.stream<string, string>('orders', Consumed.with(S, S))
    const payments = builder.stream<string, string>('payments', Consumed.with(S, S))
    const users = builder.table<string, string>('users', Consumed.with(S, S))
    const tiers = builder.table<string, string>('tiers', Consumed.with(S, S))
    const countries = builder.globalTable<string, string>('countries', Consumed.with(S, S))
    orders
      .join(payments, (o: string, p: string, k: string) => `${k}:${o}+${p}`, JoinWindows.ofTimeDifferenceWithNoGrace(100), StreamJoined.with(S, S, S))
      .to('paid', Produced.with(S, S))
    orders.leftJoin(users, (o: string, u: string | null, _k: string) => `${o}@${u}`, Joined.with(S, S, S)).to('by-user', Produced.with(S, S))
    orders
      .join(countries, (_k: string, o: string) => o.slice(0, 2), (o: string, c: string, _k: string) => `${o} in ${c}`)
      .to('by-country', Produced.with(S, S))
    orders
      .leftJoin(countries, (_k: string, o: string) => o.slice(0, 2), (o: string, c: string | null) => `${o} in ${c}`)
      .to('by-country-left', Produced.with(S, S))
    users.join(tiers, (u: string, t: string) => `${u}/${t}`).toStream().to('user-tier', Produced.with(S, S))
    users.leftJoin(tiers, (u: string, t: string | null) => `${u}/${t}`).toStream().to('user-tier-left', Produced.with(S, S))
    users.outerJoin(tiers, (u: string | null, t: string | null) => `${u}/${t}`).toStream().to('user-tier-outer', Produced.with(S, S))
    const driver = new TopologyTestDriver(builder.build(), { stateDir: stateDir() })
    try {
      await driver.createInputTopic('countries', S, S).pipeInput('fr', 'France', 1)
      await driver.createInputTopic('users', S, S).pipeInput('k', 'ann', 1)
      await driver.createInputTopic('tiers', S, S).pipeInput('k', 'gold', 2)
      await driver.createInputTopic('orders', S, S).pipeInput('k', 'fr-1', 10)
      await driver.createInputTopic('payments', S, S).pipeInput('k', 'card', 20)
      expect(driver.createOutputTopic('paid', S, S).readValuesToList()).toEqual(['k:fr-1+card'])
      expect(driver.createOutputTopic('by-user', S, S).readValuesToList()).toEqual(['fr-1@ann'])
      expect(driver.createOutputTopic('by-country', S, S).readValuesToList()).toEqual(['fr-1 in France'])
      expect(driver.createOutputTopic('by-country-left', S, S).readValuesToList()).toEqual(['fr-1 in France'])
      expect(driver.createOutputTopic('user-tier', S, S).readValuesToList()).toEqual(['ann/gold'])
      expect(driver.createOutputTopic('user-tier-left', S, S).readValuesToList()).toEqual(['ann/null', 'ann/gold'])
      expect(driver.createOutputTopic('user-tier-outer', S, S).readValuesToList()).toEqual(['ann/null', 'ann/gold'])
    } finally {
      await driver.close()
    }
  })

  it('session aggregate(init, aggregator, merger, materialized); getWindowStore and getSessionStore answer at once', async () => {
    const builder = new StreamsBuilder()
    const grouped = builder.stream<string, string>('clicks', Consumed.with(S, S)).groupByKey()
    const perWindow = grouped.windowedBy(TimeWindows.ofSizeAndGrace(100, 1000)).count(Materialized.as('per-100'))
    const sessions = grouped
      .windowedBy(SessionWindows.ofInactivityGapAndGrace(50, 1000))
      .aggregate(
        () => 0,
        (_k: string, _v: string, agg: number) => agg + 1,
        (_k: string, a: number, b: number) => a + b,
        Materialized.as<string, number>('sessions').withValueSerde(L),
      )
    // Windowed aggregations return KTable<Windowed<K>, VA>.
    const typed: [KTable<Windowed<string>, number>, KTable<Windowed<string>, number>] = [perWindow, sessions]
    expect(typed).toHaveLength(2)
    const driver = new TopologyTestDriver(builder.build(), { stateDir: stateDir() })
    try {
      const windows = driver.getWindowStore<string, number>('per-100')
      const sessionStore = driver.getSessionStore<string, number>('sessions')
      const input = driver.createInputTopic('clicks', S, S)
      await input.pipeInput('u', 'a', 10)
      await input.pipeInput('u', 'b', 40)
      expect(await windows.fetch('u', 0)).toBe(2)
      expect(await sessionStore.fetchSession('u', 10, 40)).toBe(2)
    } finally {
      await driver.close()
    }
  })

  it("a processor's store scans are async iterables; ctx.schedule(interval, 'STREAM_TIME', punctuator) fires on stream time", async () => {
    const builder = new StreamsBuilder()
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore('last'), S, L))
    const fired: number[] = []
    builder
      .stream<string, number>('readings', Consumed.with(S, L))
      .process((): Processor<string, number, string, string> => {
        let ctx!: ProcessorContext<string, string>
        return {
          init(c) {
            ctx = c
            ctx.schedule(100, 'STREAM_TIME', (t) => {
              fired.push(t)
            })
          },
          async process(record: Record<string, number>) {
            const store = ctx.getStateStore<import('../../lib/index.js').KeyValueStore<string, number>>('last')
            await store.put(record.key, record.value)
            const all: string[] = []
            for await (const kv of store.all()) all.push(`${kv.key}=${kv.value}`)
            const range: string[] = []
            for await (const kv of store.range('a', 'b')) range.push(kv.key)
            ctx.forward({ key: record.key, value: `${all.join(',')}|${range.join(',')}`, timestamp: record.timestamp, headers: record.headers })
          },
        }
      }, 'last')
      .to('scans', Produced.with(S, S))
    const driver = new TopologyTestDriver(builder.build(), { stateDir: stateDir() })
    try {
      const input = driver.createInputTopic('readings', S, L)
      await input.pipeInput('b', 2, 50)
      await input.pipeInput('c', 3, 120)
      expect(driver.createOutputTopic('scans', S, S).readValuesToList()).toEqual(['b=2|b', 'b=2,c=3|b'])
      // Aligned to 0, as Kafka Streams: due at once for the first record, then at 100.
      expect(fired).toEqual([50, 120])
    } finally {
      await driver.close()
    }
  })
})

describe('API.md: KTable operators', () => {
  it('filter, filterNot, mapValues((v, k) => VR) and toStream() with deletes as null values', async () => {
    const S = Serdes.String()
    const L = Serdes.Long()
    const builder = new StreamsBuilder()
    const prices = builder.table<string, number>('prices', Consumed.with(S, L), Materialized.as('prices-store'))
    prices
      .filter((_k, v) => v > 0)
      .mapValues((v: number, k: string) => `${k}:${v * 2}`)
      .toStream()
      .to('doubled', Produced.with(S, S))
    prices.filterNot((_k, v) => v > 0).toStream().to('non-positive', Produced.with(S, L))
    const driver = new TopologyTestDriver(builder.build(), { stateDir: stateDir() })
    try {
      const input = driver.createInputTopic('prices', S, L)
      await input.pipeInput('a', 3)
      await input.pipeInput('a', null)
      expect(driver.createOutputTopic('doubled', S, S).readKeyValuesToList()).toEqual([KeyValue.pair('a', 'a:6'), KeyValue.pair('a', null)])
      expect(driver.createOutputTopic('non-positive', S, L).readKeyValuesToList()).toEqual([KeyValue.pair('a', null), KeyValue.pair('a', null)])
      expect(await driver.getKeyValueStore('prices-store').get('a')).toBeNull()
    } finally {
      await driver.close()
    }
  })
})

describe('API.md: approximate distinct counts', () => {
  it('approximateCountDistinct on grouped, time-windowed and session-windowed streams', async () => {
    const S = Serdes.String()
    const builder = new StreamsBuilder()
    const grouped = builder.stream<string, string>('visits', Consumed.with(S, S)).groupByKey()
    const perPage: KTable<string, number> = grouped.approximateCountDistinct((_page: string, user: string) => user, Materialized.as('uv'))
    const perDay: KTable<Windowed<string>, number> = grouped
      .windowedBy(TimeWindows.ofSizeWithNoGrace(86_400_000))
      .approximateCountDistinct((_page, user) => Buffer.from(user), Materialized.as('uv-daily'))
    const perSession: KTable<Windowed<string>, number> = grouped
      .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(1000))
      .approximateCountDistinct((_page, user) => user)
    void [perPage, perDay, perSession]
    const driver = new TopologyTestDriver(builder.build(), { stateDir: stateDir() })
    try {
      await driver.createInputTopic('visits', S, S).pipeKeyValueList([KeyValue.pair('home', 'ann'), KeyValue.pair('home', 'bob'), KeyValue.pair('home', 'ann')], 0, 1)
      expect(await driver.getKeyValueStore<string, number>('uv').get('home')).toBe(2)
      expect(await driver.getWindowStore<string, number>('uv-daily').fetch('home', 0)).toBe(2)
    } finally {
      await driver.close()
    }
  })
})

describe('API.md: Kafka Streams 4.x parity, versioned stores', () => {
  it('Stores.persistentVersionedKeyValueStore / inMemoryVersionedKeyValueStore, a versioned table, get(key) and get(key, asOf), a join with a grace period', async () => {
    const S = Serdes.String()
    const builder = new StreamsBuilder()
    const table = builder.table('prices', Consumed.with(S, S), Materialized.as(Stores.persistentVersionedKeyValueStore('t', 60_000)))
    builder.stream('orders', Consumed.with(S, S))
      .join(table, (v, tv) => `${v}@${tv}`, Joined.with(S, S, S).withGracePeriod(10))
      .to('out', Produced.with(S, S))
    expect(Stores.inMemoryVersionedKeyValueStore('m', 1_000).historyRetention).toBe(1_000)
    const driver = new TopologyTestDriver(builder.build(), { stateDir: stateDir() })
    try {
      const prices = driver.createInputTopic('prices', S, S)
      await prices.pipeInput('p', 'v1', 100)
      await prices.pipeInput('p', 'v2', 200)
      const orders = driver.createInputTopic('orders', S, S)
      await orders.pipeInput('p', 'o150', 150)
      await orders.pipeInput('p', 'tick', 300)
      expect(driver.createOutputTopic('out', S, S).readValuesToList()).toEqual(['o150@v1'])
      const store = await driver.getStateStore('t') as unknown as { get(k: string, asOf?: number): Promise<unknown> }
      expect(await store.get('p')).toEqual({ value: 'v2', timestamp: 200 })
      expect(await store.get('p', 150)).toEqual({ value: 'v1', timestamp: 100, validTo: 200 })
    } finally {
      await driver.close()
    }
    const plain = new StreamsBuilder()
    const notVersioned = plain.table('prices', Consumed.with(S, S))
    expect(() => plain.stream('orders', Consumed.with(S, S)).join(notVersioned, (v, tv) => v + tv, Joined.with(S, S, S).withGracePeriod(10)))
      .toThrow('KTable must be versioned to use a grace period in a stream table join.')
  })
})
