import { mkdtemp, mkdir, stat, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { KafkaStreams } from '../../../lib/kafka-streams.js'
import { IllegalStateTransitionError, StateMachine, type StreamsState } from '../../../lib/lifecycle/streams-state.js'
import { StreamsConfigError } from '../../../lib/config/index.js'
import { StreamsBuilder } from '../../../topology/dsl/streams-builder.js'
import type { Topology } from '../../../topology/topology.js'

function topology() {
  const b = new StreamsBuilder()
  b.stream('in').to('out')
  return b.build()
}

describe('StateMachine', () => {
  it("follows Kafka Streams' transition table", () => {
    const seen: [StreamsState, StreamsState][] = []
    const m = new StateMachine((n, p) => seen.push([n, p]))
    m.set('REBALANCING')
    m.set('RUNNING')
    m.set('REBALANCING')
    expect(m.set('REBALANCING')).toBe(false) // a repeat is a no-op
    m.set('RUNNING')
    m.set('PENDING_SHUTDOWN')
    expect(() => m.set('RUNNING')).toThrow(IllegalStateTransitionError)
    m.set('NOT_RUNNING')
    expect(seen.map(s => s[0])).toEqual(['REBALANCING', 'RUNNING', 'REBALANCING', 'RUNNING', 'PENDING_SHUTDOWN', 'NOT_RUNNING'])
    expect(m.trySet('ERROR')).toBe(false)
  })

  it('reaches ERROR only through PENDING_ERROR', () => {
    const m = new StateMachine(() => {})
    m.set('REBALANCING')
    expect(() => m.set('ERROR')).toThrow(/REBALANCING to ERROR/)
    m.set('PENDING_ERROR')
    m.set('ERROR')
    expect(m.state).toBe('ERROR')
  })
})

describe('KafkaStreams construction and close', () => {
  it('validates the config and the topology at construction', () => {
    expect(() => new KafkaStreams(topology(), { applicationId: 'a' } as never)).toThrow(StreamsConfigError)
    expect(() => new KafkaStreams({} as Topology, { applicationId: 'a', brokers: ['x:1'] })).toThrow(/Topology/)
  })

  it('closes idempotently before start, and cleans up local state', async () => {
    const stateDir = await mkdtemp(path.join(os.tmpdir(), 'kstreams-life-'))
    const app = new KafkaStreams(topology(), { applicationId: 'life', brokers: ['127.0.0.1:1'], stateDir })
    const states: StreamsState[] = []
    app.on('stateChange', n => states.push(n))
    await mkdir(path.join(stateDir, 'life', '0_0'), { recursive: true })
    await writeFile(path.join(stateDir, 'life', '0_0', 'x'), 'y')
    await app.cleanUp()
    await expect(stat(path.join(stateDir, 'life'))).rejects.toThrow()
    const first = app.close()
    expect(app.close()).toBe(first)
    await first
    expect(states).toEqual(['PENDING_SHUTDOWN', 'NOT_RUNNING'])
    await expect(app.start()).rejects.toThrow(/already started/)
  })
})
