import { createHook } from 'node:async_hooks'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { Consumed, Produced, Serdes, StreamsBuilder, StreamTask } from '../../../topology/index.js'

/** Promises created while `fn` runs (async_hooks sees every native promise, awaits included). */
async function promisesCreatedBy(fn: () => Promise<unknown>): Promise<number> {
  let count = 0
  const hook = createHook({
    init(_id, type) {
      if (type === 'PROMISE') count++
    },
  })
  hook.enable()
  try {
    await fn()
  } finally {
    hook.disable()
  }
  return count
}

describe('the synchronous hot path', () => {
  it('filter → mapValues → to creates no promise per record', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'kstreams-hot-'))
    try {
      const b = new StreamsBuilder()
      b.stream('in', Consumed.with(Serdes.String(), Serdes.String()))
        .filter((_k, v) => v.length > 1)
        .mapValues((v) => v.toUpperCase())
        .to('out', Produced.with(Serdes.String(), Serdes.String()))
      let sent = 0
      const task = new StreamTask({ topology: b.build(), subtopologyId: 0, partition: 0, applicationId: 'a', stateDir, collector: { send: () => void sent++ }, cacheMaxBytes: 0 })
      await task.initialize()
      await task.start()
      const batch = (from: number, n: number) =>
        Array.from({ length: n }, (_, i) => ({ offset: from + i, timestamp: from + i, key: Buffer.from('k'), value: Buffer.from(i % 2 ? 'ab' : 'a') }))
      task.addRecords('in', 0, batch(0, 10))
      const small = await promisesCreatedBy(() => task.process(10))
      task.addRecords('in', 0, batch(10, 2000))
      const large = await promisesCreatedBy(() => task.process(2000))
      expect(sent).toBe(1005)
      expect(large).toBe(small)
      await task.close()
    } finally {
      rmSync(stateDir, { recursive: true, force: true })
    }
  })
})
