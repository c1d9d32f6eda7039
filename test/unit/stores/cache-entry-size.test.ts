import { describe, expect, it } from 'vitest'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { ThreadCache, cacheEntrySize } from '../../../stores/cache/thread-cache.js'
import type { RecordContext } from '../../../stores/state-store.js'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

function heapBytes(): number {
  gc()
  const m = process.memoryUsage()
  return m.heapUsed + m.arrayBuffers
}

describe('the record cache budget', () => {
  it('counts about what an entry really takes in memory, so a 10 MiB cache holds about 10 MiB', () => {
    const n = 50_000
    const cache = new ThreadCache(1 << 30)
    const named = cache.namedCache('counts', () => {})
    const before = heapBytes()
    for (let i = 0; i < n; i++) {
      // as the runtime writes a count: its own record context per input record, an 8-byte value
      const context: RecordContext = { topic: 'words', partition: 0, offset: i, timestamp: i, headers: {} }
      named.put(Buffer.from(`word-${String(i).padStart(6, "0")}`), Buffer.allocUnsafe(8), context)
    }
    const measured = (heapBytes() - before) / n
    const counted = cache.sizeBytes() / n
    expect(named.size).toBe(n)
    expect(counted).toBe(cacheEntrySize(Buffer.from("word-025000"), Buffer.alloc(8)))
    // an undercount lets the heap outgrow the budget many times over (it counted 84 bytes of ~580)
    expect(measured / counted).toBeGreaterThan(0.75)
    expect(measured / counted).toBeLessThan(1.25)
  })
})
