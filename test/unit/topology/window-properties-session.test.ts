import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { TimeWindows } from '../../../topology/windows/time-windows.js'
import { SessionWindows } from '../../../topology/windows/session-windows.js'
import { TimeWindowAggregator } from '../../../topology/windows/time-window-aggregator.js'
import { SessionWindowAggregator } from '../../../topology/windows/session-window-aggregator.js'
import type { ValueAndTimestamp } from '../../../stores/key-value.js'
import { typedSessionStore, typedWindowStore } from './window-test-stores.js'

const records = fc.array(fc.record({ key: fc.constantFrom('a', 'b', 'c'), ts: fc.integer({ min: 0, max: 200 }) }), { maxLength: 60 })

describe('windowed aggregation properties', () => {
  it('a windowed count equals the number of non-late records per key and window', async () => {
    await fc.assert(
      fc.asyncProperty(
        records,
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 0, max: 40 }),
        async (input, size, advanceRaw, grace) => {
          const advance = Math.min(size, advanceRaw)
          const windows = TimeWindows.ofSizeAndGrace(size, grace).advanceBy(advance)
          const store = await typedWindowStore<ValueAndTimestamp<number>>(1_000_000, size)
          let lateCount = 0
          const agg = new TimeWindowAggregator<string, number, number>(windows, store, () => 0, (_k, _v, a) => a + 1, {
            forward: () => {},
            late: () => {
              lateCount++
            },
          })
          // Model: record r counts in window [s, s + size) iff s <= r.ts < s + size and s + size > (max ts so far) - grace.
          const expected = new Map<string, number>()
          let streamTime = -1
          let expectedLate = 0
          for (const r of input) {
            streamTime = Math.max(streamTime, r.ts)
            let wasLate = false
            for (let s = 0; s <= r.ts; s += advance) {
              if (r.ts >= s + size) continue
              if (s + size > streamTime - grace) expected.set(`${r.key}@${s}`, (expected.get(`${r.key}@${s}`) ?? 0) + 1)
              else wasLate = true
            }
            if (wasLate) expectedLate++
            await agg.process(r.key, 1, r.ts)
          }
          const actual = new Map((await store.all()).map((w) => [`${w.key}@${w.start}`, w.value.value]))
          expect(actual).toEqual(expected)
          expect(lateCount).toBe(expectedLate)
        },
      ),
      { numRuns: 150 },
    )
  })

  it('session windows never overlap per key and hold every non-late record exactly once', async () => {
    await fc.assert(
      fc.asyncProperty(records, fc.integer({ min: 1, max: 25 }), fc.integer({ min: 0, max: 50 }), async (input, gap, grace) => {
        const store = await typedSessionStore<{ n: number; ts: number[] }>(1_000_000)
        const late: number[] = []
        const agg = new SessionWindowAggregator<string, number, { n: number; ts: number[] }>(
          SessionWindows.ofInactivityGapAndGrace(gap, grace),
          store,
          () => ({ n: 0, ts: [] }),
          (_k, v, a) => ({ n: a.n + 1, ts: [...a.ts, v] }),
          (_k, a, b) => ({ n: a.n + b.n, ts: [...a.ts, ...b.ts] }),
          { forward: () => {}, late: (i) => {
            late.push(i.timestamp)
          } },
        )
        for (const r of input) await agg.process(r.key, r.ts, r.ts)
        let total = 0
        for (const key of ['a', 'b', 'c']) {
          const sessions = await store.sessions(key)
          sessions.sort((x, y) => x.start - y.start)
          for (let i = 0; i < sessions.length; i++) {
            const s = sessions[i]!
            expect(s.start).toBeLessThanOrEqual(s.end)
            // Every record lies inside its session; the session is exactly the span of its records.
            expect(Math.min(...s.value.ts)).toBe(s.start)
            expect(Math.max(...s.value.ts)).toBe(s.end)
            if (i > 0) expect(s.start - sessions[i - 1]!.end).toBeGreaterThan(gap)
            total += s.value.n
          }
        }
        expect(total + late.length).toBe(input.length)
      }),
      { numRuns: 150 },
    )
  })
})
