import type { Serde } from '../../stores/serde.js'

export type { Serde }

/**
 * A serde whose (de)serialization may need I/O, such as a schema-registry lookup.
 * Implementations answer synchronously once warmed up; the executor awaits only when
 * it actually receives a promise, so the common path costs no promise hop.
 */
export interface AsyncSerde<T> {
  serialize(topic: string, data: T | null): Buffer | null | Promise<Buffer | null>
  deserialize(topic: string, data: Buffer | null): T | null | Promise<T | null>
}

/** Either kind of serde; every place in the topology layer that takes a serde accepts this. */
export type AnySerde<T> = Serde<T> | AsyncSerde<T>

export function isPromise<T>(value: unknown): value is Promise<T> {
  return value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function'
}
