import { createHash } from 'node:crypto'

const cache = new Map<string, Buffer>()

/** A stable, non-zero topic UUID derived from the name (so it survives restarts without storage). */
export function topicId(name: string): Buffer {
  let id = cache.get(name)
  if (!id) {
    id = createHash('sha256').update('topic:' + name).digest().subarray(0, 16)
    id[6] = (id[6]! & 0x0f) | 0x40 // RFC 4122 version 4 layout, like Kafka's random ids
    id[8] = (id[8]! & 0x3f) | 0x80
    cache.set(name, id)
  }
  return id
}
