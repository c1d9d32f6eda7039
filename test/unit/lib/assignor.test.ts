import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { assignTasks, computeGroupAssignment, taskIdOf, type ClientState } from '../../../lib/assignment/index.js'

const client = (processId: string, extra: Partial<ClientState> = {}): ClientState => ({
  processId, prevActive: [], prevStandby: [], taskOffsets: {}, ...extra,
})
const tasks = (n: number, sub = 0) => Array.from({ length: n }, (_, p) => taskIdOf(sub, p))

describe('assignTasks', () => {
  it('assigns every task exactly once, balanced within one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 7 }), (nTasks, nClients) => {
        const clients = Array.from({ length: nClients }, (_, i) => client(`p${i}`))
        const out = assignTasks(tasks(nTasks), clients, 0)
        const all = [...out.values()].flatMap(a => a.active).sort()
        expect(all).toEqual(tasks(nTasks).sort())
        const counts = [...out.values()].map(a => a.active.length)
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1)
      }),
    )
  })

  it('is sticky: a rebalance with the same members moves nothing', () => {
    const first = assignTasks(tasks(8), [client('a'), client('b'), client('c')], 0)
    // Reverse the previous owners' order to show stickiness does not come from sorting.
    const again = assignTasks(tasks(8), [
      client('c', { prevActive: first.get('c')!.active }),
      client('b', { prevActive: first.get('b')!.active }),
      client('a', { prevActive: first.get('a')!.active }),
    ], 0)
    expect(again).toEqual(first)
  })

  it('scaling out moves only what balance requires', () => {
    const one = assignTasks(tasks(6), [client('a')], 0)
    const three = assignTasks(tasks(6), [client('a', { prevActive: one.get('a')!.active }), client('b'), client('c')], 0)
    expect(three.get('a')!.active).toHaveLength(2)
    expect(three.get('b')!.active).toHaveLength(2)
    expect(three.get('c')!.active).toHaveLength(2)
    // a keeps two of its own tasks rather than swapping everything
    for (const t of three.get('a')!.active) expect(one.get('a')!.active).toContain(t)
  })

  it('prefers the client that holds the state of a moving task, most caught up first', () => {
    const out = assignTasks(['0_0', '0_1'], [
      client('a', { taskOffsets: { '0_1': 10 } }),
      client('b', { taskOffsets: { '0_1': 500 } }),
    ], 0)
    expect(out.get('b')!.active).toEqual(['0_1'])
    expect(out.get('a')!.active).toEqual(['0_0'])
  })

  it('places standbys away from their active and prefers clients with the state', () => {
    const clients = [client('a'), client('b'), client('c', { prevStandby: ['0_0'] })]
    const out = assignTasks(tasks(3), clients, 1)
    const activeOf = new Map<string, string>()
    for (const [id, a] of out) for (const t of a.active) activeOf.set(t, id)
    for (const [id, a] of out) for (const t of a.standby) expect(activeOf.get(t)).not.toBe(id)
    expect([...out.values()].flatMap(a => a.standby).sort()).toEqual(tasks(3))
    if (activeOf.get('0_0') !== 'c') expect(out.get('c')!.standby).toContain('0_0')
  })

  it('gives no standby when no other client exists', () => {
    const out = assignTasks(tasks(2), [client('a')], 2)
    expect(out.get('a')).toEqual({ active: ['0_0', '0_1'], standby: [] })
  })
})

describe('computeGroupAssignment', () => {
  const info = (processId: string, host: string | null = null) => ({
    version: 1 as const, processId, host, prevActive: [], prevStandby: [], taskOffsets: {},
  })

  it('maps tasks to the topic partitions of every source topic and builds the host map', () => {
    const out = computeGroupAssignment({
      members: [{ memberId: 'm1', info: info('p1', 'h1:1') }, { memberId: 'm2', info: info('p2', 'h2:2') }],
      subtopologies: [{ id: 0, sourceTopics: ['in'] }, { id: 1, sourceTopics: ['app-rep-repartition', 'table'] }],
      partitionCounts: new Map([['in', 2], ['app-rep-repartition', 2], ['table', 2]]),
      numStandbyReplicas: 0,
    })
    const allPartitions = out.flatMap(r => Object.entries(r.partitions).flatMap(([t, ps]) => ps.map(p => `${t}:${p}`))).sort()
    expect(allPartitions).toEqual(['app-rep-repartition:0', 'app-rep-repartition:1', 'in:0', 'in:1', 'table:0', 'table:1'])
    const m1 = out.find(r => r.memberId === 'm1')!
    // a task's topic partitions always travel together
    for (const t of m1.info.active) {
      if (t.startsWith('1_')) {
        const p = Number(t.split('_')[1])
        expect(m1.partitions['table']).toContain(p)
        expect(m1.partitions['app-rep-repartition']).toContain(p)
      }
    }
    expect(Object.keys(m1.info.hostMap).sort()).toEqual(['h1:1', 'h2:2'])
    expect(m1.info.hostMap['h1:1']!.active).toEqual(m1.info.active)
  })

  it('reports missing source topics to every member', () => {
    const out = computeGroupAssignment({
      members: [{ memberId: 'm1', info: info('p1') }],
      subtopologies: [{ id: 0, sourceTopics: ['present', 'absent'] }],
      partitionCounts: new Map([['present', 1]]),
      numStandbyReplicas: 0,
    })
    expect(out[0]!.info.error).toContain('absent')
    expect(out[0]!.partitions).toEqual({})
  })
})

describe('assignTasks across sub-topologies', () => {
  it('gives every client a share of every sub-topology, even when one client held everything', () => {
    const all = [...tasks(2, 0), ...tasks(2, 1)]
    const out = assignTasks(all, [client('a', { prevActive: all }), client('b')], 0)
    expect(out.get('a')!.active.map(t => t[0]).sort()).toEqual(['0', '1'])
    expect(out.get('b')!.active.map(t => t[0]).sort()).toEqual(['0', '1'])
  })
})
