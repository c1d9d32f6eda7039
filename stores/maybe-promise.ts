/** A value that may already be in memory (cache hit, in-memory store) or still on its way. */
export type MaybePromise<T> = T | Promise<T>

export function isPromise<T>(value: MaybePromise<T>): value is Promise<T> {
  return value instanceof Promise
}

/** Applies `fn` without a promise hop when the value is already available. */
export function mapMaybe<T, R>(value: MaybePromise<T>, fn: (v: T) => R): MaybePromise<R> {
  return value instanceof Promise ? value.then(fn) : fn(value)
}
