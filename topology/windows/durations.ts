// Validation shared by every window definition: all times are integer milliseconds.

export function requireMillis(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new TypeError(`${what} must be an integer number of milliseconds, got ${String(value)}`)
  }
  return value
}

export function requireNonNegativeMillis(value: unknown, what: string): number {
  const ms = requireMillis(value, what)
  if (ms < 0) throw new RangeError(`${what} must not be negative, got ${ms}`)
  return ms
}

export function requirePositiveMillis(value: unknown, what: string): number {
  const ms = requireMillis(value, what)
  if (ms <= 0) throw new RangeError(`${what} must be larger than zero, got ${ms}`)
  return ms
}
