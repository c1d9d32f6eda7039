import { afterEach, describe, expect, it } from 'vitest'
import {
  Branched,
  Consumed,
  KeyValue,
  Produced,
  Serdes,
  StreamsBuilder,
  TopologyTestDriver,
  type Processor,
  type ProcessorContext,
  type Record,
} from '../../../topology/index.js'

const S = Serdes.String()
const L = Serdes.Long()
let driver: TopologyTestDriver | null = null
afterEach(async () => {
  await driver?.close()
  driver = null
})

function start(b: StreamsBuilder) {
  driver = new TopologyTestDriver(b.build(), { initialWallClockTimeMs: 1000 })
  return driver
}

describe('stateless KStream operators', () => {
  it('filter, filterNot, mapValues keep timestamps and order', async () => {
    const b = new StreamsBuilder()
    const src = b.stream('in', Consumed.with(S, L))
    src.filter((_k, v) => v! % 2 === 0).mapValues((v, k) => `${k}=${v! * 10}`).to('even', Produced.with(S, S))
    src.filterNot((_k, v) => v! % 2 === 0).to('odd', Produced.with(S, L))
    const d = start(b)
    const input = d.createInputTopic('in', S, L)
    await input.pipeInput('a', 1, 10)
    await input.pipeInput('b', 2, 20)
    await input.pipeInput('c', 4, 5)
    expect(d.createOutputTopic('even', S, S).readRecordsToList()).toEqual([
      { key: 'b', value: 'b=20', timestamp: 20, headers: {} },
      { key: 'c', value: 'c=40', timestamp: 5, headers: {} },
    ])
    expect(d.createOutputTopic('odd', S, L).readKeyValuesToList()).toEqual([KeyValue.pair('a', 1)])
  })

  it('map, selectKey, flatMap and flatMapValues', async () => {
    const b = new StreamsBuilder()
    const src = b.stream('in', Consumed.with(S, S))
    src.map((k, v) => KeyValue.pair(v, k)).to('swapped', Produced.with(S, S))
    src.selectKey((_k, v) => v!.length).to('by-length', Produced.with(Serdes.Integer(), S))
    src.flatMap((k, v) => v!.split(',').map((part, i) => KeyValue.pair(`${k}${i}`, part))).to('parts', Produced.with(S, S))
    src.flatMapValues((v) => (v === 'none' ? [] : v!.split(','))).to('values', Produced.with(S, S))
    const d = start(b)
    const input = d.createInputTopic('in', S, S)
    await input.pipeInput('k', 'x,y', 7)
    await input.pipeInput('n', 'none', 8)
    expect(d.createOutputTopic('swapped', S, S).readKeyValuesToList()).toEqual([KeyValue.pair('x,y', 'k'), KeyValue.pair('none', 'n')])
    expect(d.createOutputTopic('by-length', Serdes.Integer(), S).readKeyValuesToList()).toEqual([KeyValue.pair(3, 'x,y'), KeyValue.pair(4, 'none')])
    expect(d.createOutputTopic('parts', S, S).readRecordsToList().map((r) => [r.key, r.value, r.timestamp])).toEqual([
      ['k0', 'x', 7],
      ['k1', 'y', 7],
      ['n0', 'none', 8],
    ])
    expect(d.createOutputTopic('values', S, S).readValuesToList()).toEqual(['x', 'y'])
  })

  it('peek sees every record and passes it on; foreach is terminal', async () => {
    const seen: string[] = []
    const all: string[] = []
    const b = new StreamsBuilder()
    const src = b.stream('in', Consumed.with(S, S))
    src.peek((k, v) => seen.push(`${k}:${v}`)).to('out', Produced.with(S, S))
    src.foreach((k) => all.push(k))
    const d = start(b)
    const input = d.createInputTopic('in', S, S)
    await input.pipeKeyValueList([KeyValue.pair('a', '1'), KeyValue.pair('b', '2')])
    expect(seen).toEqual(['a:1', 'b:2'])
    expect(all).toEqual(['a', 'b'])
    expect(d.createOutputTopic('out', S, S).readValuesToList()).toEqual(['1', '2'])
  })

  it('merge forwards records of both streams in processing order', async () => {
    const b = new StreamsBuilder()
    b.stream('a', Consumed.with(S, S)).merge(b.stream('b', Consumed.with(S, S))).to('out', Produced.with(S, S))
    const d = start(b)
    const a = d.createInputTopic('a', S, S)
    const bt = d.createInputTopic('b', S, S)
    await a.pipeInput('1', 'a1', 1)
    await bt.pipeInput('2', 'b1', 2)
    await a.pipeInput('3', 'a2', 3)
    expect(d.createOutputTopic('out', S, S).readValuesToList()).toEqual(['a1', 'b1', 'a2'])
  })

  it('split sends each record to the first matching branch, else the default one', async () => {
    const b = new StreamsBuilder()
    const branches = b
      .stream('in', Consumed.with(S, L))
      .split()
      .branch((_k, v) => v! < 0, Branched.as('neg'))
      .branch((_k, v) => v! < 10, Branched.withFunction((s) => s.mapValues((v) => v! * 100)))
      .branch((_k, v) => v! < 20, Branched.withConsumer((s) => s.to('teens', Produced.with(S, L))))
      .defaultBranch(Branched.as('big'))
    expect([...branches.keys()]).toEqual(['KSTREAM-BRANCH-0000000001neg', 'KSTREAM-BRANCH-00000000012', 'KSTREAM-BRANCH-0000000001big'])
    branches.get('KSTREAM-BRANCH-0000000001neg')!.to('neg', Produced.with(S, L))
    branches.get('KSTREAM-BRANCH-00000000012')!.to('small', Produced.with(S, L))
    branches.get('KSTREAM-BRANCH-0000000001big')!.to('big', Produced.with(S, L))
    const d = start(b)
    const input = d.createInputTopic('in', S, L)
    for (const [k, v] of [['a', -1], ['b', 3], ['c', 15], ['d', 99], ['e', -5]] as const) await input.pipeInput(k, v, 1)
    expect(d.createOutputTopic('neg', S, L).readKeyValuesToList()).toEqual([KeyValue.pair('a', -1), KeyValue.pair('e', -5)])
    expect(d.createOutputTopic('small', S, L).readKeyValuesToList()).toEqual([KeyValue.pair('b', 300)])
    expect(d.createOutputTopic('teens', S, L).readKeyValuesToList()).toEqual([KeyValue.pair('c', 15)])
    expect(d.createOutputTopic('big', S, L).readKeyValuesToList()).toEqual([KeyValue.pair('d', 99)])
  })

  it('to() with a topic extractor routes per record and a stream partitioner picks partitions', async () => {
    const b = new StreamsBuilder()
    b.stream('in', Consumed.with(S, S)).to((k) => `out-${k}`, Produced.with(S, S).withStreamPartitioner(() => 0))
    const d = start(b)
    const input = d.createInputTopic('in', S, S)
    await input.pipeInput('x', '1', 1)
    await input.pipeInput('y', '2', 2)
    expect(d.createOutputTopic('out-x', S, S).readValuesToList()).toEqual(['1'])
    expect(d.createOutputTopic('out-y', S, S).readValuesToList()).toEqual(['2'])
    expect(d.producedRecords('out-x')[0].partition).toBe(0)
  })

  it('repartition() goes through <applicationId>-<name>-repartition and keeps the records', async () => {
    const b = new StreamsBuilder()
    b.stream('in', Consumed.with(S, S)).selectKey((_k, v) => v).repartition().to('out', Produced.with(S, S))
    const d = start(b)
    await d.createInputTopic('in', S, S).pipeInput('k', 'v', 3)
    expect(d.producedRecords('test-driver-KSTREAM-REPARTITION-0000000002-repartition').map((r) => r.key?.toString())).toHaveLength(1)
    expect(d.createOutputTopic('out', S, S).readRecordsToList()).toEqual([{ key: 'v', value: 'v', timestamp: 3, headers: {} }])
  })

  it('process() runs a Processor API node with a store, forwarding to the returned stream', async () => {
    const { Stores } = await import('../../../stores/index.js')
    const b = new StreamsBuilder()
    b.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('seen'), S, L))
    class Dedupe implements Processor<string, string, string, string> {
      private ctx!: ProcessorContext<string, string>
      private store!: import('../../../stores/index.js').KeyValueStore<string, number>
      init(ctx: ProcessorContext<string, string>) {
        this.ctx = ctx
        this.store = ctx.getStateStore('seen')
      }
      async process(record: Record<string, string>) {
        if ((await this.store.get(record.value)) !== null) return
        await this.store.put(record.value, record.timestamp)
        this.ctx.forward({ ...record, value: record.value.toUpperCase() })
      }
    }
    b.stream('in', Consumed.with(S, S))
      .process(() => new Dedupe(), 'seen')
      .to('out', Produced.with(S, S))
    const d = start(b)
    const input = d.createInputTopic('in', S, S)
    for (const v of ['a', 'b', 'a', 'c', 'b']) await input.pipeInput('k', v, 1)
    expect(d.createOutputTopic('out', S, S).readValuesToList()).toEqual(['A', 'B', 'C'])
    expect(await d.getKeyValueStore<string, number>('seen').get('c')).toBe(1)
  })

  it('a sink without serdes names itself and suggests Produced.with', async () => {
    const b = new StreamsBuilder()
    b.stream('in', Consumed.with(S, S)).mapValues((v) => v!.length).to('out')
    const d = start(b)
    await expect(d.createInputTopic('in', S, S).pipeInput('k', 'abc')).rejects.toThrow(
      /Sink KSTREAM-SINK-0000000002 could not serialize a record for topic "out": .*Produced\.with\(keySerde, valueSerde\)/,
    )
  })

  it('a processor reading a store it is not connected to gets an error naming both', async () => {
    const { Stores } = await import('../../../stores/index.js')
    const b = new StreamsBuilder()
    b.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('s'), S, S))
    b.stream('in', Consumed.with(S, S)).process(() => ({
      init(ctx: ProcessorContext) {
        ctx.getStateStore('s')
      },
      process() {},
    }))
    const d = start(b)
    await expect(d.createInputTopic('in', S, S).pipeInput('k', 'v')).rejects.toThrow(/KSTREAM-PROCESSOR-0000000001 has no access to StateStore s/)
  })
})
