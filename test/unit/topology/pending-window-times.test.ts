// The multiset of window times emit-on-window-close has not read yet, against a plain array model.
import { describe, expect, it } from 'vitest'
import { PendingWindowTimes } from '../../../topology/windows/pending-window-times.js'

describe('PendingWindowTimes', () => {
  it('keeps the smallest live time through adds (in and out of order), removals and reads', () => {
    const pending = new PendingWindowTimes()
    let model: number[] = []
    let seed = 7
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n)
    let upper = -1
    for (let i = 0; i < 20_000; i++) {
      const op = random(10)
      if (op < 6) {
        // mostly near the end, sometimes earlier (out-of-order records), never at or below a read
        const t = upper + 1 + (op < 5 ? 50 + random(20) + Math.floor(i / 100) : random(60))
        pending.add(t)
        model.push(t)
      } else if (op < 9 && model.length > 0) {
        const t = model[random(model.length)]!
        pending.remove(t)
        model.splice(model.indexOf(t), 1)
        pending.remove(upper + 1_000_000) // unknown: ignored
      } else {
        upper += random(8)
        pending.dropThrough(upper)
        model = model.filter((t) => t > upper)
      }
      expect(pending.min()).toBe(model.length === 0 ? Infinity : Math.min(...model))
      expect(pending.size).toBe(new Set(model).size)
      const probe = model.length === 0 ? upper + 1 : model[random(model.length)]!
      expect(pending.countOf(probe)).toBe(model.filter((t) => t === probe).length)
    }
  })
})
