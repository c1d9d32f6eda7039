import { afterEach, describe, expect, it } from 'vitest'
import { Consumed, Joined, Materialized, Produced, Serdes, StreamJoined, StreamsBuilder, TopologyTestDriver } from '../../../topology/index.js'
import { JoinWindows } from '../../../topology/windows/join-windows.js'
import { Stores } from '../../../stores/stores.js'
import { KeyValue } from '../../../topology/index.js'

const S = Serdes.String()
const I = Serdes.Integer()
let driver: TopologyTestDriver | null = null
afterEach(async () => {
  await driver?.close()
  driver = null
})

const show = (v: string | null) => String(v)
function out(topic: string) {
  return driver!.createOutputTopic(topic, I, S).readRecordsToList().map((r) => `${r.key}:${r.value}@${r.timestamp}`)
}

describe('stream-stream joins', () => {
  function build(kind: 'join' | 'leftJoin' | 'outerJoin') {
    const b = new StreamsBuilder()
    const left = b.stream('left', Consumed.with(I, S))
    const right = b.stream('right', Consumed.with(I, S))
    const joined = (left as any)[kind](right, (l: string | null, r: string | null) => `${show(l)}+${show(r)}`, JoinWindows.ofTimeDifferenceWithNoGrace(10), StreamJoined.with(I, S, S))
    joined.to('out', Produced.with(I, S))
    driver = new TopologyTestDriver(b.build())
    return { l: driver.createInputTopic('left', I, S), r: driver.createInputTopic('right', I, S), topology: b }
  }

  it('inner join: every pair within the window, at the larger timestamp', async () => {
    const { l, r } = build('join')
    await l.pipeInput(0, 'A0', 0)
    await l.pipeInput(1, 'A1', 0)
    await r.pipeInput(0, 'a0', 0)
    await r.pipeInput(1, 'a1', 5)
    await l.pipeInput(0, 'B0', 10)
    await l.pipeInput(0, 'C0', 11) // a0@0 is 11 ms away: outside
    await r.pipeInput(0, 'b0', 20)
    await r.pipeInput(1, 'a1b', 5) // duplicates are kept and joined
    expect(out('out')).toEqual(['0:A0+a0@0', '1:A1+a1@5', '0:B0+a0@10', '0:B0+b0@20', '0:C0+b0@20', '1:A1+a1b@5'])
  })

  it('left join: unmatched results only after the window closes, never a spurious one', async () => {
    const { l, r } = build('leftJoin')
    await l.pipeInput(0, 'A0', 0)
    await r.pipeInput(1, 'x', 3)
    await l.pipeInput(0, 'A1', 5)
    expect(out('out')).toEqual([])
    await r.pipeInput(0, 'a0', 12) // closes A0's window (0 + 10 < 12); A1 finds its match
    await l.pipeInput(0, 'A2', 30)
    await l.pipeInput(2, 'B', 50)
    await l.pipeInput(3, 'C', 1) // out of order and its window long closed: answered at once
    expect(out('out')).toEqual(['0:A0+null@0', '0:A1+a0@12', '0:A2+null@30', '3:C+null@1'])
  })

  it('outer join: unmatched records of both sides, in time order once closed', async () => {
    const { l, r } = build('outerJoin')
    await l.pipeInput(0, 'A0', 0)
    await r.pipeInput(1, 'x', 3)
    await l.pipeInput(0, 'A1', 5)
    await r.pipeInput(0, 'a0', 12)
    await l.pipeInput(0, 'A2', 30)
    await l.pipeInput(2, 'B', 50)
    expect(out('out')).toEqual(['0:A0+null@0', '0:A1+a0@12', '1:null+x@3', '0:A2+null@30'])
  })

  it('records the join inputs as co-partitioned and names nodes as Kafka Streams', () => {
    const b = new StreamsBuilder()
    b.stream('left', Consumed.with(I, S))
      .leftJoin(b.stream('right', Consumed.with(I, S)), (l, r) => `${l}${r}`, JoinWindows.ofTimeDifferenceWithNoGrace(5), StreamJoined.with(I, S, S))
      .to('out', Produced.with(I, S))
    const topology = b.build()
    const text = topology.describe().toString()
    expect(text).toContain('KSTREAM-WINDOWED-0000000002')
    expect(text).toContain('KSTREAM-JOINTHIS-0000000004')
    expect(text).toContain('KSTREAM-OUTEROTHER-0000000005')
    expect(text).toContain('KSTREAM-MERGE-0000000006')
    expect(text).toContain('KSTREAM-OUTERSHARED-0000000004-store')
    expect(topology.metadata('app').copartitionGroups).toEqual([['left', 'right']])
  })
})

describe('stream-stream join variants', () => {
  it('joins a stream with itself: every pair of records within the window, both ways', async () => {
    const b = new StreamsBuilder()
    const s = b.stream('in', Consumed.with(I, S))
    s.join(s, (x, y) => `${x}${y}`, JoinWindows.ofTimeDifferenceWithNoGrace(5), StreamJoined.with(I, S, S)).to('out', Produced.with(I, S))
    driver = new TopologyTestDriver(b.build())
    const input = driver.createInputTopic('in', I, S)
    await input.pipeInput(1, 'a', 0)
    await input.pipeInput(1, 'b', 3)
    await input.pipeInput(1, 'c', 20)
    expect(out('out')).toEqual(['1:aa@0', '1:ba@3', '1:ab@3', '1:bb@3', '1:cc@20'])
  })

  it('asymmetric windows: a left record at t joins right records in [t - before, t + after]', async () => {
    const b = new StreamsBuilder()
    b.stream('l', Consumed.with(I, S))
      .join(b.stream('r', Consumed.with(I, S)), (x, y) => `${x}+${y}`, JoinWindows.ofTimeDifferenceAndGrace(0, 100).after(10), StreamJoined.with(I, S, S))
      .to('out', Produced.with(I, S))
    driver = new TopologyTestDriver(b.build())
    const l = driver.createInputTopic('l', I, S)
    const r = driver.createInputTopic('r', I, S)
    await l.pipeInput(1, 'L10', 10)
    await r.pipeInput(1, 'R5', 5) // before L10: outside [10, 20]
    await r.pipeInput(1, 'R15', 15)
    await r.pipeInput(1, 'R21', 21)
    await l.pipeInput(1, 'L0', 0) // [0, 10] holds R5
    expect(out('out')).toEqual(['1:L10+R15@15', '1:L0+R5@5'])
  })

  it('uses given in-memory store suppliers, and rejects ones that do not fit the windows', async () => {
    const windows = JoinWindows.ofTimeDifferenceAndGrace(10, 5) // size 20, retention 25
    const b = new StreamsBuilder()
    b.stream('l', Consumed.with(I, S))
      .join(
        b.stream('r', Consumed.with(I, S)),
        (x, y) => `${x}${y}`,
        windows,
        StreamJoined.withStoreSuppliers<number, string, string>(Stores.inMemoryWindowStore('lbuf', 25, 20, true), Stores.inMemoryWindowStore('rbuf', 25, 20, true))
          .withKeySerde(I)
          .withValueSerde(S)
          .withOtherValueSerde(S),
      )
      .to('out', Produced.with(I, S))
    const topology = b.build()
    expect(topology.describe().toString()).toContain('stores: [lbuf]')
    driver = new TopologyTestDriver(topology)
    await driver.createInputTopic('l', I, S).pipeInput(7, 'x', 1)
    await driver.createInputTopic('r', I, S).pipeInput(7, 'y', 2)
    expect(out('out')).toEqual(['7:xy@2'])

    const b2 = new StreamsBuilder()
    expect(() =>
      b2
        .stream('l', Consumed.with(I, S))
        .join(b2.stream('r', Consumed.with(I, S)), (x, y) => x + y, windows, StreamJoined.withStoreSuppliers(Stores.inMemoryWindowStore('a', 25, 20, false), Stores.inMemoryWindowStore('b', 25, 20, true))),
    ).toThrow(/must retain duplicates/)
    expect(() =>
      b2
        .stream('l2', Consumed.with(I, S))
        .join(b2.stream('r2', Consumed.with(I, S)), (x, y) => x + y, windows, StreamJoined.withStoreSuppliers(Stores.inMemoryWindowStore('c', 99, 20, true), Stores.inMemoryWindowStore('d', 25, 20, true))),
    ).toThrow(/needs window size 20 and retention 25/)
  })

  it('repartitions a re-keyed stream before joining it with a table', async () => {
    const b = new StreamsBuilder()
    const table = b.table('tbl', Consumed.with(I, S))
    b.stream('s', Consumed.with(S, S))
      .map((_k, v) => KeyValue.pair(Number(v), v))
      .join(table, (v, tv) => `${v}=${tv}`, Joined.with(I, S, S, 'by-id'))
      .to('out', Produced.with(I, S))
    const topology = b.build()
    expect(topology.metadata('app').repartitionTopics.map((t) => t.name)).toEqual(['app-by-id-left-repartition'])
    driver = new TopologyTestDriver(topology)
    await driver.createInputTopic('tbl', I, S).pipeInput(42, 'answer', 0)
    await driver.createInputTopic('s', S, S).pipeInput('q', '42', 1)
    expect(out('out')).toEqual(['42:42=answer@1'])
  })
})

describe('stream-table and stream-globalTable joins', () => {
  it('only stream records trigger; inner drops misses, left join emits null for them', async () => {
    const b = new StreamsBuilder()
    const table = b.table('tbl', Consumed.with(I, S))
    const stream = b.stream('s', Consumed.with(I, S))
    stream.join(table, (v, tv) => `${v}*${tv}`).to('inner', Produced.with(I, S))
    stream.leftJoin(table, (v, tv) => `${v}*${show(tv)}`, Joined.with(I, S, S)).to('left', Produced.with(I, S))
    driver = new TopologyTestDriver(b.build())
    const t = driver.createInputTopic('tbl', I, S)
    const s = driver.createInputTopic('s', I, S)
    await s.pipeInput(1, 'early', 1)
    await t.pipeInput(1, 'T1', 2)
    await s.pipeInput(1, 'x', 3)
    await t.pipeInput(1, 'T1b', 4)
    await t.pipeInput(1, null, 5)
    await s.pipeInput(1, 'y', 6)
    expect(out('inner')).toEqual(['1:x*T1@3'])
    expect(out('left')).toEqual(['1:early*null@1', '1:x*T1@3', '1:y*null@6'])
    expect(b.build().metadata('app').copartitionGroups.some((g) => g.includes('tbl') && g.includes('s'))).toBe(true)
  })

  it('global table join maps each record to the table key', async () => {
    const b = new StreamsBuilder()
    const g = b.globalTable('g', Consumed.with(S, S))
    const stream = b.stream('s', Consumed.with(I, S))
    stream.join(g, (_k, v) => v, (v, gv) => `${v}->${gv}`).to('inner', Produced.with(I, S))
    stream.leftJoin(g, (_k, v) => v, (v, gv) => `${v}->${show(gv)}`).to('left', Produced.with(I, S))
    driver = new TopologyTestDriver(b.build())
    await driver.createInputTopic('g', S, S).pipeInput('red', 'FF0000', 0)
    const s = driver.createInputTopic('s', I, S)
    await s.pipeInput(1, 'red', 5)
    await s.pipeInput(2, 'blue', 6)
    expect(out('inner')).toEqual(['1:red->FF0000@5'])
    expect(out('left')).toEqual(['1:red->FF0000@5', '2:blue->null@6'])
  })
})

describe('table-table joins', () => {
  type Update = ['L' | 'R', number, string | null, number]
  const updates: Update[] = [
    ['L', 0, 'X0', 5],
    ['L', 1, 'X1', 6],
    ['R', 0, 'Y0', 10],
    ['L', 0, 'X0b', 7],
    ['R', 1, 'Y1', 3],
    ['L', 0, null, 12],
    ['R', 0, null, 13],
    ['R', 2, 'Y2', 1],
  ]
  async function run(kind: 'join' | 'leftJoin' | 'outerJoin', materialize: boolean) {
    const b = new StreamsBuilder()
    const lt = b.table('lt', Consumed.with(I, S))
    const rt = b.table('rt', Consumed.with(I, S))
    const mat = materialize ? Materialized.as<number, string>('joined').withValueSerde(S) : undefined
    ;(lt as any)[kind](rt, (l: string | null, r: string | null) => `${show(l)}+${show(r)}`, mat).toStream().to('out', Produced.with(I, S))
    driver = new TopologyTestDriver(b.build())
    const inputs = { L: driver.createInputTopic('lt', I, S), R: driver.createInputTopic('rt', I, S) }
    for (const [side, k, v, t] of updates) await inputs[side].pipeInput(k, v, t)
    return out('out')
  }

  it('inner join', async () => {
    expect(await run('join', false)).toEqual(['0:X0+Y0@10', '0:X0b+Y0@10', '1:X1+Y1@6', '0:null@12'])
  })

  it('left join', async () => {
    expect(await run('leftJoin', false)).toEqual(['0:X0+null@5', '1:X1+null@6', '0:X0+Y0@10', '0:X0b+Y0@10', '1:X1+Y1@6', '0:null@12'])
  })

  it('outer join, materialized: deleting the last side deletes the result', async () => {
    expect(await run('outerJoin', true)).toEqual([
      '0:X0+null@5',
      '1:X1+null@6',
      '0:X0+Y0@10',
      '0:X0b+Y0@10',
      '1:X1+Y1@6',
      '0:null+Y0@12',
      '0:null@13',
      '2:null+Y2@1',
    ])
    const store = driver!.getKeyValueStore<number, any>('joined')
    expect(await store.get(0)).toBeNull()
    expect(await store.get(1)).toBe('X1+Y1')
  })
})
