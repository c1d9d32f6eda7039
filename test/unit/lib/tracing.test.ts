import dc from 'node:diagnostics_channel'
import { describe, expect, it } from 'vitest'
import { TRACE_CHANNELS, traced } from '../../../lib/tracing/index.js'

describe('diagnostics_channel traces', () => {
  const channel = dc.tracingChannel<unknown, { op: string; result?: unknown; error?: unknown }>('kstreams:test-traced')

  it('builds no context and publishes nothing while nobody subscribes', async () => {
    let built = 0
    const r = await traced(channel, () => ({ op: String(++built) }), async ctx => (ctx === null ? 'plain' : 'traced'))
    expect(r).toBe('plain')
    expect(built).toBe(0)
  })

  it('publishes start, end and asyncEnd with the result, or error, on one context per operation', async () => {
    const events: [string, unknown][] = []
    const handlers = {
      start: (c: unknown) => events.push(['start', { ...(c as object) }]),
      end: () => events.push(['end', null]),
      asyncStart: () => {},
      asyncEnd: (c: unknown) => events.push(['asyncEnd', { ...(c as object) }]),
      error: (c: unknown) => events.push(['error', (c as { error: Error }).error.message]),
    }
    channel.subscribe(handlers)
    try {
      const r = await traced(channel, () => ({ op: 'a' }), async ctx => {
        ctx!.op = 'a, filled in'
        return 42
      })
      expect(r).toBe(42)
      await expect(traced(channel, () => ({ op: 'b' }), () => Promise.reject(new Error('refused')))).rejects.toThrow('refused')
    } finally {
      channel.unsubscribe(handlers)
    }
    expect(events).toEqual([
      ['start', { op: 'a' }],
      ['end', null],
      ['asyncEnd', { op: 'a, filled in', result: 42 }],
      ['start', { op: 'b' }],
      ['end', null],
      ['error', 'refused'],
      ['asyncEnd', { op: 'b', error: expect.any(Error) }],
    ])
  })

  it('names its channels kstreams:<operation>', () => {
    expect(TRACE_CHANNELS).toEqual({ produce: 'kstreams:produce', fetch: 'kstreams:fetch', commit: 'kstreams:commit', rebalance: 'kstreams:rebalance' })
  })
})
