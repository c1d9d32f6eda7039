/** Thrown when a store is used before init() or after close(). */
export class InvalidStateStoreError extends Error {
  constructor(storeName: string, what: string) {
    super(`State store "${storeName}" ${what}`)
    this.name = 'InvalidStateStoreError'
  }
}

export function requireKey(storeName: string, key: unknown): void {
  if (key === null || key === undefined) throw new TypeError(`State store "${storeName}": key must not be null`)
}

/** A store lacks an operation an operator needs (a store of your own, or a caching layer). */
export class UnsupportedStoreOperationError extends Error {
  constructor(storeName: string, operation: string, why: string) {
    super(`State store "${storeName}" does not support ${operation}: ${why}`)
    this.name = 'UnsupportedStoreOperationError'
  }
}

/** The store below, checked to read sessions of every key by end (emit-on-window-close needs it). */
export function missingFindSessionsByEnd<S extends { findSessionsByEnd?: unknown }>(inner: S, storeName: string): S {
  if (typeof inner.findSessionsByEnd !== 'function') {
    throw new UnsupportedStoreOperationError(storeName, 'findSessionsByEnd', 'emitStrategy(EmitStrategy.onWindowClose()) reads closed sessions of every key; use a built-in session store')
  }
  return inner
}
