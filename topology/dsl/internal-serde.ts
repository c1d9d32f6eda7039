import { deserialize, serialize } from 'node:v8'
import type { Serde } from '../../stores/serde.js'
import { SerializationError } from '../serdes/serde-errors.js'

/**
 * The serde of internal topics and stores when the application names none: V8's structured
 * clone format round-trips any plain JS value (strings, numbers, objects, Buffers, Maps, Dates).
 * These bytes are only read back by kstreams itself.
 */
export class StructuredCloneSerde<T> implements Serde<T> {
  serialize(topic: string, data: T | null): Buffer | null {
    if (data === null || data === undefined) return null
    try {
      return serialize(data)
    } catch (err) {
      throw new SerializationError(`cannot serialize a value for internal topic or store "${topic}": ${(err as Error).message}; name serdes explicitly`, topic, { cause: err })
    }
  }
  deserialize(topic: string, data: Buffer | null): T | null {
    if (data === null || data === undefined) return null
    try {
      return deserialize(data) as T
    } catch (err) {
      throw new SerializationError(`cannot read internal topic or store "${topic}" as structured-clone data: ${(err as Error).message}`, topic, { cause: err })
    }
  }
}

export const INTERNAL_SERDE: Serde<any> = new StructuredCloneSerde<unknown>()
