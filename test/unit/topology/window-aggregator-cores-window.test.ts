import { describe, expect, it } from 'vitest'
import { TimeWindows } from '../../../topology/windows/time-windows.js'
import { SlidingWindows } from '../../../topology/windows/sliding-windows.js'
import { SessionWindows } from '../../../topology/windows/session-windows.js'
import { TimeWindowAggregator } from '../../../topology/windows/time-window-aggregator.js'
import { SlidingWindowAggregator } from '../../../topology/windows/sliding-window-aggregator.js'
import { SessionWindowAggregator } from '../../../topology/windows/session-window-aggregator.js'
import type { LateRecordInfo, WindowAggregateOutput } from '../../../topology/windows/aggregate-output.js'
import type { ValueAndTimestamp } from '../../../stores/key-value.js'
import { typedSessionStore, typedWindowStore } from './window-test-stores.js'

function recorder<VA>() {
  const out: string[] = []
  const late: LateRecordInfo[] = []
  const sink: WindowAggregateOutput<string, VA> = {
    forward: (k, n, o, ts) => {
      out.push(`${k.key}@[${k.window.start},${k.window.end}]=${JSON.stringify(n)}/${JSON.stringify(o)}@${ts}`)
    },
    late: (info) => {
      late.push(info)
    },
  }
  return { out, late, sink }
}

describe('TimeWindowAggregator (hopping windows with grace)', () => {
  it('updates every open window, stores the max timestamp, drops closed windows as late', async () => {
    const windows = TimeWindows.ofSizeAndGrace(10, 5).advanceBy(5)
    const store = await typedWindowStore<ValueAndTimestamp<string>>(15, 10)
    const { out, late, sink } = recorder<string>()
    const agg = new TimeWindowAggregator<string, string, string>(windows, store, () => '0', (_k, v, a) => `${a}+${v}`, sink)
    const input: [string, string, number][] = [
      ['A', '1', 0],
      ['A', '2', 7],
      ['B', '3', 12],
      ['A', '4', 3], // out of order, window [0,10) still open (stream time 12, grace 5)
      ['A', '5', 21],
      ['A', '6', 9], // [0,10) and [5,15) closed at stream time 21 - 5 = 16: dropped
      ['A', '7', 11], // [5,15) closed, [10,20) open
    ]
    for (const [k, v, t] of input) await agg.process(k, v, t)
    expect(out).toEqual([
      'A@[0,10]="0+1"/null@0',
      'A@[0,10]="0+1+2"/"0+1"@7',
      'A@[5,15]="0+2"/null@7',
      'B@[5,15]="0+3"/null@12',
      'B@[10,20]="0+3"/null@12',
      'A@[0,10]="0+1+2+4"/"0+1+2"@7',
      'A@[15,25]="0+5"/null@21',
      'A@[20,30]="0+5"/null@21',
      'A@[10,20]="0+7"/null@11',
    ])
    expect(late.map((l) => [l.timestamp, l.streamTime, l.closedWindows])).toEqual([
      [9, 21, [{ start: 0, end: 10 }, { start: 5, end: 15 }]],
      [11, 21, [{ start: 5, end: 15 }]],
    ])
    // Retention is size + grace: the window [0,10) has expired from the store by now.
    expect(store.fetch('A', 0)).toBeNull()
    expect(store.fetch('A', 10)).toEqual({ value: '0+7', timestamp: 11 })
  })
})

describe('SlidingWindowAggregator (Kafka Streams algorithm)', () => {
  const count = () => ({ init: () => 0, add: (_k: string, _v: string, a: number) => a + 1 })

  it('creates left and right windows, including for out-of-order records', async () => {
    const store = await typedWindowStore<ValueAndTimestamp<number>>(1000, 10)
    const { out, late, sink } = recorder<number>()
    const c = count()
    const agg = new SlidingWindowAggregator(SlidingWindows.ofTimeDifferenceAndGrace(10, 100), store, c.init, c.add, sink)
    await agg.process('A', 'a', 10)
    await agg.process('A', 'b', 15)
    await agg.process('A', 'c', 12)
    expect(out).toEqual([
      'A@[0,10]=1/null@10',
      // 15: the right window of 10 now holds 15; 15's left window holds 10 and 15
      'A@[11,21]=1/null@15',
      'A@[5,15]=2/null@15',
      // 12 (out of order): joins [11,21] then [5,15] (latest window first, as Kafka Streams),
      // gets its left window [2,12] and right window [13,23]
      'A@[11,21]=2/1@15',
      'A@[5,15]=3/2@15',
      'A@[2,12]=2/null@12',
      'A@[13,23]=1/null@15',
    ])
    expect(late).toEqual([])
    const windows = (await store.all()).map((w) => `${w.start}:${w.value.value}`)
    expect(windows.sort()).toEqual(['0:1', '11:2', '13:1', '2:2', '5:3'].sort())
  })

  it('puts records before the time difference into the shared window [0, d]', async () => {
    const store = await typedWindowStore<ValueAndTimestamp<number>>(1000, 10)
    const { out, sink } = recorder<number>()
    const c = count()
    const agg = new SlidingWindowAggregator(SlidingWindows.ofTimeDifferenceAndGrace(10, 100), store, c.init, c.add, sink)
    await agg.process('B', 'x', 2)
    await agg.process('B', 'y', 5)
    await agg.process('B', 'z', 3)
    expect(out).toEqual([
      'B@[0,10]=1/null@2',
      'B@[3,13]=1/null@5',
      'B@[0,10]=2/1@5',
      'B@[3,13]=2/1@5',
      'B@[4,14]=1/null@5',
      'B@[0,10]=3/2@5',
    ])
  })

  it('drops records whose windows closed, and skips closed windows of a partly late record', async () => {
    const store = await typedWindowStore<ValueAndTimestamp<number>>(1000, 10)
    const { out, late, sink } = recorder<number>()
    const c = count()
    const agg = new SlidingWindowAggregator(SlidingWindows.ofTimeDifferenceWithNoGrace(10), store, c.init, c.add, sink)
    await agg.process('C', 'a', 100)
    await agg.process('C', 'b', 50) // window [40,50] ended before stream time 100
    await agg.process('C', 'c', 95) // [90,100] still open (inclusive end); its own left window [85,95] is closed
    expect(out).toEqual(['C@[90,100]=1/null@100', 'C@[90,100]=2/1@100', 'C@[96,106]=1/null@100'])
    expect(late.map((l) => [l.timestamp, l.closedWindows])).toEqual([
      [50, [{ start: 50, end: 60 }]],
      [95, [{ start: 85, end: 95 }]],
    ])
  })
})

describe('SessionWindowAggregator', () => {
  it('merges sessions a record bridges, forwarding tombstones for the merged ones', async () => {
    const store = await typedSessionStore<number>(1000)
    const { out, late, sink } = recorder<number>()
    const agg = new SessionWindowAggregator<string, string, number>(
      SessionWindows.ofInactivityGapAndGrace(5, 10),
      store,
      () => 0,
      (_k, _v, a) => a + 1,
      (_k, a, b) => a + b,
      sink,
    )
    await agg.process('A', 'a', 0)
    await agg.process('A', 'b', 10)
    await agg.process('A', 'c', 4) // extends [0,0] to [0,4]
    await agg.process('A', 'd', 7) // bridges [0,4] and [10,10]
    await agg.process('B', 'e', 3)
    await agg.process('A', 'f', 30)
    await agg.process('A', 'g', 12) // would extend [0,10] to [0,12]: closed, as 12 < 30 - 10 - 5
    expect(out).toEqual([
      'A@[0,0]=1/null@0',
      'A@[10,10]=1/null@10',
      'A@[0,0]=null/1@0',
      'A@[0,4]=2/null@4',
      'A@[0,4]=null/2@4',
      'A@[10,10]=null/1@10',
      'A@[0,10]=4/null@10',
      'B@[3,3]=1/null@3',
      'A@[30,30]=1/null@30',
    ])
    expect(late.map((l) => [l.timestamp, l.streamTime, l.closedWindows])).toEqual([[12, 30, [{ start: 0, end: 12 }]]])
    expect(await store.sessions('A')).toEqual([
      { start: 0, end: 10, value: 4 },
      { start: 30, end: 30, value: 1 },
    ])
  })
})
