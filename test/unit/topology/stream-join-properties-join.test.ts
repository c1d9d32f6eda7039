import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { Consumed, JoinWindows, Produced, Serdes, StreamJoined, StreamsBuilder, TopologyTestDriver } from '../../../topology/index.js'

const S = Serdes.String()

// In-order input (non-decreasing timestamps), so no record is dropped by store retention.
const events = fc
  .array(fc.record({ side: fc.constantFrom('L' as const, 'R' as const), key: fc.constantFrom('a', 'b'), gap: fc.integer({ min: 0, max: 8 }) }), { maxLength: 25 })
  .map((es) => {
    let t = 0
    return es.map((e, i) => ({ ...e, ts: (t += e.gap), id: `${e.side}${i}` }))
  })

async function run(kind: 'join' | 'leftJoin', input: { side: 'L' | 'R'; key: string; ts: number; id: string }[], d: number) {
  const b = new StreamsBuilder()
  const left = b.stream('l', Consumed.with(S, S))
  const right = b.stream('r', Consumed.with(S, S))
  ;(left as any)[kind](right, (l: string, r: string | null) => `${l}+${r}`, JoinWindows.ofTimeDifferenceWithNoGrace(d), StreamJoined.with(S, S, S)).to('out', Produced.with(S, S))
  const driver = new TopologyTestDriver(b.build())
  try {
    const l = driver.createInputTopic('l', S, S)
    const r = driver.createInputTopic('r', S, S)
    for (const e of input) await (e.side === 'L' ? l : r).pipeInput(e.key, e.id, e.ts)
    // A far-future record closes every window, flushing unmatched left records.
    const end = (input.at(-1)?.ts ?? 0) + d + 1
    await l.pipeInput('sentinel', 'S', end)
    return driver.createOutputTopic('out', S, S).readValuesToList().sort()
  } finally {
    await driver.close()
  }
}

describe('stream-stream join properties', () => {
  it('inner join emits exactly the pairs of equal keys within the time difference', async () => {
    await fc.assert(
      fc.asyncProperty(events, fc.integer({ min: 0, max: 10 }), async (input, d) => {
        const expected: string[] = []
        for (const x of input) for (const y of input) {
          if (x.side === 'L' && y.side === 'R' && x.key === y.key && Math.abs(x.ts - y.ts) <= d) expected.push(`${x.id}+${y.id}`)
        }
        expect(await run('join', input, d)).toEqual(expected.sort())
      }),
      // Equal timestamps with no time difference and no grace must still join.
      { numRuns: 25, examples: [[[{ side: 'R', key: 'a', gap: 0, ts: 0, id: 'R0' }, { side: 'L', key: 'a', gap: 0, ts: 0, id: 'L1' }], 0]] },
    )
  })

  it('left join adds exactly one null result per unmatched left record, none for matched ones', async () => {
    await fc.assert(
      fc.asyncProperty(events, fc.integer({ min: 0, max: 10 }), async (input, d) => {
        const expected: string[] = []
        for (const x of input) {
          if (x.side !== 'L') continue
          const matches = input.filter((y) => y.side === 'R' && y.key === x.key && Math.abs(x.ts - y.ts) <= d)
          if (matches.length === 0) expected.push(`${x.id}+null`)
          for (const y of matches) expected.push(`${x.id}+${y.id}`)
        }
        expect(await run('leftJoin', input, d)).toEqual(expected.sort())
      }),
      { numRuns: 25 },
    )
  })
})
