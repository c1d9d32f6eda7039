// Topic ids (KIP-516): a random UUID given to a topic when it is created, so a topic deleted and
// created again under the same name gets a new id and requests naming the old one fail.
import { createHash, randomBytes } from 'node:crypto'

/** A new random topic id in the RFC 4122 version 4 layout, never all zeros, as Kafka's Uuid.randomUuid. */
export function newTopicId(): Buffer {
  const id = randomBytes(16)
  id[6] = (id[6]! & 0x0f) | 0x40
  id[8] = (id[8]! & 0x3f) | 0x80
  return id
}

/** The id of a topic stored by a broker version that did not record ids: derived from the name, stable across restarts. */
export function legacyTopicId(name: string): Buffer {
  const id = createHash('sha256').update('topic:' + name).digest().subarray(0, 16)
  id[6] = (id[6]! & 0x0f) | 0x40
  id[8] = (id[8]! & 0x3f) | 0x80
  return id
}
