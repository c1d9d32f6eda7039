import type { Headers } from '../../stores/state-store.js'

export type { Headers }

/** A record flowing through the processor graph (the Processor API's `Record`). */
export interface Record<K, V> {
  key: K
  value: V
  timestamp: number
  headers: Headers
}

export const EMPTY_HEADERS: Headers = Object.freeze({}) as Headers
