import { afterEach, describe, expect, it } from 'vitest'
import { isAliveState, isReadyState } from '../../../lib/lifecycle/health.js'
import type { StreamsState } from '../../../lib/lifecycle/streams-state.js'
import { startProbeServer, type ProbeServer } from '../../../lib/probes/index.js'

const STATES: StreamsState[] = ['CREATED', 'REBALANCING', 'RUNNING', 'PENDING_SHUTDOWN', 'NOT_RUNNING', 'PENDING_ERROR', 'ERROR']

describe('readiness and liveness', () => {
  it('ready only when RUNNING; alive unless failed or shut down', () => {
    expect(STATES.filter(isReadyState)).toEqual(['RUNNING'])
    expect(STATES.filter(isAliveState)).toEqual(['CREATED', 'REBALANCING', 'RUNNING', 'PENDING_SHUTDOWN'])
  })

  describe('startProbeServer', () => {
    let server: ProbeServer | null = null
    afterEach(async () => {
      await server?.close()
      server = null
    })

    it('answers /ready and /live with 200 or 503 and the state, 404 elsewhere', async () => {
      let state: StreamsState = 'REBALANCING'
      const app = { get state() { return state }, isReady: () => isReadyState(state), isAlive: () => isAliveState(state) }
      server = await startProbeServer(app, { port: 0, host: '127.0.0.1' })
      const get = async (path: string) => {
        const res = await fetch(`http://127.0.0.1:${server!.port}${path}`)
        return [res.status, await res.text()]
      }
      expect(await get('/ready')).toEqual([503, '{"state":"REBALANCING"}\n'])
      expect(await get('/live')).toEqual([200, '{"state":"REBALANCING"}\n'])
      state = 'RUNNING'
      expect(await get('/ready')).toEqual([200, '{"state":"RUNNING"}\n'])
      state = 'ERROR'
      expect(await get('/live')).toEqual([503, '{"state":"ERROR"}\n'])
      expect((await get('/metrics'))[0]).toBe(404)
    })
  })
})
