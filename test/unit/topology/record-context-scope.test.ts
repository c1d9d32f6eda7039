import { describe, expect, it } from 'vitest'
import type { RecordContext } from '../../../stores/state-store.js'
import { AsyncScope, contextForChild, NO_RECORD_CONTEXT, StackScope } from '../../../topology/internals/record-context-scope.js'

const rc = (offset: number, timestamp = offset): RecordContext => ({ topic: 't', partition: 0, offset, timestamp, headers: {} })
const tick = () => new Promise<void>((r) => setTimeout(r, 1))

describe('record context scopes', () => {
  it('StackScope: a nested async call keeps its context across its awaits and restores the caller’s when it settles', async () => {
    const scope = new StackScope()
    const seen: number[] = []
    const outer = async (): Promise<void> => {
      seen.push(scope.current().offset)
      await scope.run(rc(2), async () => {
        await tick()
        seen.push(scope.current().offset)
      }, undefined, undefined)
      seen.push(scope.current().offset)
    }
    scope.enter(rc(1))
    await scope.run(rc(1), outer, undefined, undefined)
    expect(seen).toEqual([1, 2, 1])
    expect(scope.current().offset).toBe(1)
  })

  it('StackScope: restores the caller’s context when the call throws or rejects', async () => {
    const scope = new StackScope()
    expect(() => scope.run(rc(5), () => { throw new Error('sync') }, undefined, undefined)).toThrow('sync')
    expect(scope.current()).toBe(NO_RECORD_CONTEXT)
    await expect(scope.run(rc(6), async () => { await tick(); throw new Error('async') }, undefined, undefined)).rejects.toThrow('async')
    expect(scope.current()).toBe(NO_RECORD_CONTEXT)
  })

  it('AsyncScope: two interleaved chains each see their own context after every await', async () => {
    const scope = new AsyncScope()
    const seen: string[] = []
    const chain = async (name: string) => {
      for (let i = 0; i < 3; i++) {
        await tick()
        seen.push(`${name}${scope.current().offset}`)
      }
    }
    await Promise.all([scope.run(rc(1), chain, 'a', undefined), scope.run(rc(2), chain, 'b', undefined)])
    expect(seen.filter((s) => s.startsWith('a'))).toEqual(['a1', 'a1', 'a1'])
    expect(seen.filter((s) => s.startsWith('b'))).toEqual(['b2', 'b2', 'b2'])
    expect(scope.current()).toBe(NO_RECORD_CONTEXT)
  })

  it('contextForChild reuses the parent context unless the forwarded record changes timestamp or headers', () => {
    const parent = rc(3, 100)
    expect(contextForChild(parent, { key: 'k', value: 'v', timestamp: 100, headers: parent.headers })).toBe(parent)
    expect(contextForChild(parent, { key: 'k', value: 'v', timestamp: 200, headers: parent.headers })).toEqual({ ...parent, timestamp: 200 })
  })
})
