import { describe, expect, it } from 'vitest'
import { consoleLogger } from '../../../lib/config/logger.js'
import { closeOnSignals } from '../../../lib/lifecycle/signals.js'

describe('closeOnSignals', () => {
  it('installs one handler per signal and returns a function that removes them', () => {
    const before = { int: process.listenerCount('SIGINT'), term: process.listenerCount('SIGTERM'), hup: process.listenerCount('SIGHUP') }
    const undo = closeOnSignals(async () => true, consoleLogger('silent'))
    expect(process.listenerCount('SIGINT')).toBe(before.int + 1)
    expect(process.listenerCount('SIGTERM')).toBe(before.term + 1)
    undo()
    expect(process.listenerCount('SIGINT')).toBe(before.int)
    expect(process.listenerCount('SIGTERM')).toBe(before.term)
    const undoHup = closeOnSignals(async () => true, consoleLogger('silent'), { signals: ['SIGHUP'] })
    expect(process.listenerCount('SIGHUP')).toBe(before.hup + 1)
    expect(process.listenerCount('SIGTERM')).toBe(before.term)
    undoHup()
    expect(process.listenerCount('SIGHUP')).toBe(before.hup)
  })

  it('on a signal closes with the timeout and, with exit: false, removes its handlers once closed', async () => {
    const calls: { timeoutMs: number }[] = []
    let closed!: () => void
    const done = new Promise<void>(r => (closed = r))
    const before = process.listenerCount('SIGUSR2')
    closeOnSignals(
      async opts => {
        calls.push(opts)
        closed()
        return true
      },
      consoleLogger('silent'),
      { signals: ['SIGUSR2'], timeoutMs: 1234, exit: false },
    )
    process.emit('SIGUSR2', 'SIGUSR2')
    await done
    await new Promise(r => setImmediate(r))
    expect(calls).toEqual([{ timeoutMs: 1234 }])
    expect(process.listenerCount('SIGUSR2')).toBe(before)
  })
})
