import type { Serde } from '../serde.js'

/** Passes bytes through: the bytes layers use it for already-serialized prefixes. */
export const BYTES_SERDE: Serde<Buffer> = {
  serialize: (_topic, data) => data,
  deserialize: (_topic, data) => data,
}
