import { describe, expect, it } from 'vitest'
import { TimeWindows } from '../../../topology/windows/time-windows.js'
import { SlidingWindows } from '../../../topology/windows/sliding-windows.js'
import { SessionWindows } from '../../../topology/windows/session-windows.js'
import { JoinWindows } from '../../../topology/windows/join-windows.js'

describe('TimeWindows', () => {
  it('tumbling windows: exactly one window, aligned to the epoch', () => {
    const w = TimeWindows.ofSizeWithNoGrace(10)
    expect(w.windowsFor(0)).toEqual([{ start: 0, end: 10 }])
    expect(w.windowsFor(9)).toEqual([{ start: 0, end: 10 }])
    expect(w.windowsFor(10)).toEqual([{ start: 10, end: 20 }])
    expect(w.windowsFor(1234)).toEqual([{ start: 1230, end: 1240 }])
    expect(w.gracePeriodMs()).toBe(0)
  })

  it('hopping windows: every window containing the timestamp, ascending, none before 0', () => {
    const w = TimeWindows.ofSizeAndGrace(10, 5).advanceBy(5)
    expect(w.windowsFor(21)).toEqual([{ start: 15, end: 25 }, { start: 20, end: 30 }])
    expect(w.windowsFor(20)).toEqual([{ start: 15, end: 25 }, { start: 20, end: 30 }])
    expect(w.windowsFor(3)).toEqual([{ start: 0, end: 10 }])
    expect(w.gracePeriodMs()).toBe(5)
    const thirds = TimeWindows.ofSizeWithNoGrace(9).advanceBy(3)
    expect(thirds.windowsFor(10).map((x) => x.start)).toEqual([3, 6, 9])
  })

  it('rejects bad sizes, grace and advance with the offending field named', () => {
    expect(() => TimeWindows.ofSizeWithNoGrace(0)).toThrow(/TimeWindows size/)
    expect(() => TimeWindows.ofSizeAndGrace(10, -1)).toThrow(/grace period/)
    expect(() => TimeWindows.ofSizeWithNoGrace(10).advanceBy(11)).toThrow(/advance/)
    expect(() => TimeWindows.ofSizeWithNoGrace(10).advanceBy(0)).toThrow(/advance/)
    expect(() => TimeWindows.ofSizeWithNoGrace(1.5)).toThrow(/integer/)
  })
})

describe('SlidingWindows, SessionWindows, JoinWindows', () => {
  it('keep their parameters and validate them', () => {
    const s = SlidingWindows.ofTimeDifferenceAndGrace(10, 3)
    expect([s.timeDifferenceMs, s.gracePeriodMs()]).toEqual([10, 3])
    expect(SlidingWindows.ofTimeDifferenceWithNoGrace(7).gracePeriodMs()).toBe(0)
    expect(() => SlidingWindows.ofTimeDifferenceWithNoGrace(-1)).toThrow(/time difference/)

    const g = SessionWindows.ofInactivityGapAndGrace(5, 2)
    expect([g.inactivityGap(), g.gracePeriodMs()]).toEqual([5, 2])
    expect(() => SessionWindows.ofInactivityGapWithNoGrace(0)).toThrow(/inactivity gap/)

    const j = JoinWindows.ofTimeDifferenceAndGrace(100, 20)
    expect([j.beforeMs, j.afterMs, j.gracePeriodMs(), j.size()]).toEqual([100, 100, 20, 200])
    const asym = JoinWindows.ofTimeDifferenceWithNoGrace(10).before(0).after(30)
    expect([asym.beforeMs, asym.afterMs, asym.size()]).toEqual([0, 30, 30])
    expect(() => JoinWindows.ofTimeDifferenceWithNoGrace(10).before(-11)).toThrow(/before \+ after/)
    expect(() => JoinWindows.ofTimeDifferenceWithNoGrace(-1)).toThrow(/time difference/)
  })
})
