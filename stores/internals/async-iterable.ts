/**
 * An async iterable over values already in memory. It is also a plain Iterable, so layers that
 * know they sit on an in-memory source (merging caches, typed views) iterate without promises.
 */
export class SyncAsyncIterable<T> implements AsyncIterable<T>, Iterable<T> {
  constructor(private readonly source: () => Iterator<T>) {}

  [Symbol.iterator](): Iterator<T> {
    return this.source()
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    const it = this.source()
    return {
      next: () => Promise.resolve(it.next()),
      return: (value?: unknown) => Promise.resolve(it.return?.(value) ?? { done: true, value: undefined }),
    } as AsyncIterator<T>
  }
}

export function isSyncIterable<T>(it: AsyncIterable<T>): it is AsyncIterable<T> & Iterable<T> {
  return typeof (it as Partial<Iterable<T>>)[Symbol.iterator] === 'function'
}

/** Maps every element, staying synchronous when the source is. */
export function mapIterable<T, R>(source: AsyncIterable<T>, fn: (t: T) => R): AsyncIterable<R> {
  if (isSyncIterable(source)) {
    return new SyncAsyncIterable(function* () {
      for (const t of source as Iterable<T>) yield fn(t)
    })
  }
  return {
    async *[Symbol.asyncIterator]() {
      for await (const t of source) yield fn(t)
    },
  }
}

/** Keeps the elements `fn` accepts, staying synchronous when the source is. */
export function filterIterable<T>(source: AsyncIterable<T>, fn: (t: T) => boolean): AsyncIterable<T> {
  if (isSyncIterable(source)) {
    return new SyncAsyncIterable(function* () {
      for (const t of source as Iterable<T>) if (fn(t)) yield t
    })
  }
  return {
    async *[Symbol.asyncIterator]() {
      for await (const t of source) if (fn(t)) yield t
    },
  }
}

export const EMPTY_ITERABLE: AsyncIterable<never> = new SyncAsyncIterable<never>(() => [][Symbol.iterator]())

/** Reads an iterable to an array (tests, interactive queries). */
export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const t of it) out.push(t)
  return out
}
