import { isSyncIterable, SyncAsyncIterable } from '../internals/async-iterable.js'

/**
 * Merges a cache scan with the lower store's scan of the same range, both already in the same
 * order. On equal keys the cache wins; `fromCache` returning null (a pending delete) hides the
 * store's entry. Stays synchronous when the store's scan is.
 */
export function mergeSorted<C, S, R>(
  cache: () => Iterator<C>,
  store: AsyncIterable<S>,
  compare: (c: C, s: S) => number,
  fromCache: (c: C) => R | null,
  fromStore: (s: S) => R,
): AsyncIterable<R> {
  if (isSyncIterable(store)) {
    return new SyncAsyncIterable(function* () {
      const ci = cache()
      const si = (store as Iterable<S>)[Symbol.iterator]()
      let c = ci.next()
      let s = si.next()
      while (!c.done || !s.done) {
        const cmp = c.done ? 1 : s.done ? -1 : compare(c.value, s.value)
        if (cmp <= 0) {
          const r = fromCache(c.value as C)
          if (cmp === 0) s = si.next()
          c = ci.next()
          if (r !== null) yield r
        } else {
          const r = fromStore(s.value as S)
          s = si.next()
          yield r
        }
      }
    })
  }
  return {
    async *[Symbol.asyncIterator]() {
      const ci = cache()
      const si = store[Symbol.asyncIterator]()
      let c = ci.next()
      let s = await si.next()
      try {
        while (!c.done || !s.done) {
          const cmp = c.done ? 1 : s.done ? -1 : compare(c.value, s.value)
          if (cmp <= 0) {
            const r = fromCache(c.value as C)
            if (cmp === 0) s = await si.next()
            c = ci.next()
            if (r !== null) yield r
          } else {
            const r = fromStore(s.value as S)
            s = await si.next()
            yield r
          }
        }
      } finally {
        if (!s.done) await si.return?.()
      }
    },
  }
}
