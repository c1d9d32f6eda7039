import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { SlidingWindows } from '../../../topology/windows/sliding-windows.js'
import { SlidingWindowAggregator } from '../../../topology/windows/sliding-window-aggregator.js'
import type { ValueAndTimestamp } from '../../../stores/key-value.js'
import { typedWindowStore } from './window-test-stores.js'

describe('sliding window aggregation properties', () => {
  it('every window holds exactly the records in its inclusive range, and every record has its left window', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ key: fc.constantFrom('a', 'b'), ts: fc.integer({ min: 0, max: 80 }) }), { maxLength: 30 }),
        fc.integer({ min: 1, max: 20 }),
        async (input, d) => {
          const store = await typedWindowStore<ValueAndTimestamp<number[]>>(1_000_000, d)
          const agg = new SlidingWindowAggregator<string, number, number[]>(
            SlidingWindows.ofTimeDifferenceAndGrace(d, 1_000_000),
            store,
            () => [],
            (_k, v, a) => [...a, v],
            { forward: () => {}, late: () => {} },
          )
          for (const r of input) await agg.process(r.key, r.ts, r.ts)
          const windows = await store.all()
          for (const w of windows) {
            const inside = input.filter((r) => r.key === w.key && r.ts >= w.start && r.ts <= w.start + d).map((r) => r.ts)
            expect([...w.value.value].sort((x, y) => x - y)).toEqual(inside.sort((x, y) => x - y))
            expect(w.value.timestamp).toBe(Math.max(...inside))
          }
          for (const r of input) {
            const leftStart = Math.max(0, r.ts - d)
            expect(windows.some((w) => w.key === r.key && w.start === leftStart)).toBe(true)
          }
        },
      ),
      { numRuns: 200 },
    )
  })
})
