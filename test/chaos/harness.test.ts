// The chaos harness's own pure parts: a seed replays the same faults; ranges summarise positions.
import { describe, expect, it } from 'vitest'
import { apisFor, FAULT_KINDS, faultSchedule, RETRIABLE_ERRORS } from './fault-schedule.js'
import { amountOf, keyOf, seqOf } from './input-producer.js'
import { offsetRanges } from './ranges.js'

describe('chaos harness', () => {
  it('a seed replays the same schedule; another seed gives another', () => {
    const a = faultSchedule(42, 30, FAULT_KINDS, 6000, apisFor('exactly_once_v2'))
    expect(faultSchedule(42, 30, FAULT_KINDS, 6000, apisFor('exactly_once_v2'))).toEqual(a)
    expect(faultSchedule(43, 30, FAULT_KINDS, 6000, apisFor('exactly_once_v2'))).not.toEqual(a)
  })

  it('every kind comes once before any repeats, and at_least_once gets no transaction API faults', () => {
    const s = faultSchedule(7, FAULT_KINDS.length + 40, FAULT_KINDS, 6000, apisFor('at_least_once'))
    expect(new Set(s.slice(0, FAULT_KINDS.length).map(f => f.kind))).toEqual(new Set(FAULT_KINDS))
    for (const f of s) {
      if (f.kind !== 'fail-api' && f.kind !== 'fail-during-rebalance') continue
      expect(['AddPartitionsToTxn', 'AddOffsetsToTxn', 'TxnOffsetCommit', 'EndTxn']).not.toContain(f.api)
      expect(RETRIABLE_ERRORS[f.api]).toContain(f.errorCode)
    }
  })

  it('an aggregate one update short names the missing record by its amount', () => {
    const seq = 161 + 1000 * 57
    expect(seqOf(keyOf(seq), amountOf(seq))).toBe(seq)
  })

  it('summarises positions as per-partition offset ranges', () => {
    const at = (partition: number, offsets: number[]) => offsets.map(offset => ({ partition, offset }))
    expect(offsetRanges([...at(1, [500, 10, 11, 12]), ...at(0, [7])])).toEqual(['p0@7 (1)', 'p1@10-12 (3)', 'p1@500 (1)'])
  })
})
