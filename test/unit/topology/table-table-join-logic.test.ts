import { describe, expect, it } from 'vitest'
import { joinTableChange, type TableJoinKind } from '../../../topology/joins/table-table-join-logic.js'

type Update = ['L' | 'R', number, string | null, number]

/** Replays updates of two tables through the join logic, as both join processors would see them. */
function run(kind: TableJoinKind, updates: Update[], sendOldValues = true): string[] {
  const tables = { L: new Map<number, { value: string; timestamp: number }>(), R: new Map<number, { value: string; timestamp: number }>() }
  const out: string[] = []
  for (const [side, key, value, ts] of updates) {
    const own = tables[side]
    const old = own.get(key)?.value ?? null
    if (value === null) own.delete(key)
    else own.set(key, { value, timestamp: ts })
    const other = (side === 'L' ? tables.R : tables.L).get(key) ?? null
    const r = joinTableChange(kind, side === 'L' ? 'left' : 'right', { newValue: value, oldValue: old }, other, ts, (l: string | null, rv: string | null) => `${l}+${rv}`, sendOldValues)
    if (r !== null) out.push(`${key}:${r.change.newValue}/${r.change.oldValue}@${r.timestamp}`)
  }
  return out
}

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

describe('table-table join results on updates and deletes', () => {
  it('inner join: results only while both sides exist; a delete retracts with a tombstone', () => {
    expect(run('inner', updates)).toEqual(['0:X0+Y0/null@10', '0:X0b+Y0/X0+Y0@10', '1:X1+Y1/null@6', '0:null/X0b+Y0@12'])
  })

  it('left join: every left row has a result; right updates replace the null side', () => {
    expect(run('left', updates)).toEqual([
      '0:X0+null/null@5',
      '1:X1+null/null@6',
      '0:X0+Y0/X0+null@10',
      '0:X0b+Y0/X0+Y0@10',
      '1:X1+Y1/X1+null@6',
      '0:null/X0b+Y0@12',
    ])
  })

  it('outer join: a result while either side exists; deleting the last side emits a tombstone', () => {
    expect(run('outer', updates)).toEqual([
      '0:X0+null/null@5',
      '1:X1+null/null@6',
      '0:X0+Y0/X0+null@10',
      '0:X0b+Y0/X0+Y0@10',
      '1:X1+Y1/X1+null@6',
      '0:null+Y0/X0b+Y0@12',
      '0:null/null+Y0@13',
      '2:null+Y2/null@1',
    ])
  })

  it('without sendOldValues no old result is computed', () => {
    expect(run('inner', updates, false)).toEqual(['0:X0+Y0/null@10', '0:X0b+Y0/null@10', '1:X1+Y1/null@6', '0:null/null@12'])
  })
})
