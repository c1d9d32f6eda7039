import type { DistinctItem } from './hyperloglog.js'

/** What approximateCountDistinct counts for a record; null or undefined skips the record. */
export type DistinctItemMapper<K, V> = (key: K, value: V) => string | Buffer | null | undefined

/** The item of a record, or null to skip it; anything but a string or bytes is the mapper's mistake. */
export function itemOf<K, V>(mapper: DistinctItemMapper<K, V>, key: K, value: V): DistinctItem | null {
  const item = mapper(key, value)
  if (item === null || item === undefined) return null
  if (typeof item === 'string' || item instanceof Uint8Array) return item
  throw new TypeError(`approximateCountDistinct: the mapper must return a string or a Buffer (or null to skip the record), got ${typeof item}`)
}
