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
