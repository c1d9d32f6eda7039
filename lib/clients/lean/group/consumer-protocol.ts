import { ConsumerProtocolAssignmentSchema, type ConsumerProtocolAssignment } from '../../../../protocol/messages/consumer-protocol-assignment.js'
import { ConsumerProtocolSubscriptionSchema, type ConsumerProtocolSubscription } from '../../../../protocol/messages/consumer-protocol-subscription.js'
import { readMessage, writeMessage, type MessageSchema } from '../../../../protocol/runtime/codec.js'
import { Reader } from '../../../../protocol/runtime/reader.js'
import { Writer } from '../../../../protocol/runtime/writer.js'

/** The consumer protocol's newest version this client reads; a newer member's extra fields are trailing and skipped. */
const MAX_VERSION = 3
/** Written at v0 (topics and user data), which every consumer protocol reader accepts. */
const WRITE_VERSION = 0

function encode(schema: MessageSchema, value: object): Buffer {
  const w = new Writer(64)
  w.int16(WRITE_VERSION)
  writeMessage(schema, w, value, WRITE_VERSION)
  return w.toBuffer()
}

function decode(schema: MessageSchema, buf: Buffer): Record<string, unknown> {
  const r = new Reader(buf)
  const version = r.int16()
  return readMessage(schema, r, Math.min(Math.max(version, 0), MAX_VERSION))
}

/** A JoinGroup protocol's metadata: the version prefix, then ConsumerProtocolSubscription. */
export function encodeSubscription(topics: readonly string[], userData: Buffer | null): Buffer {
  return encode(ConsumerProtocolSubscriptionSchema, { topics: [...topics], userData })
}

export function decodeSubscription(buf: Buffer): ConsumerProtocolSubscription {
  return decode(ConsumerProtocolSubscriptionSchema, buf) as unknown as ConsumerProtocolSubscription
}

/** A SyncGroup assignment: the version prefix, then ConsumerProtocolAssignment. */
export function encodeAssignment(partitions: readonly { topic: string; partitions: number[] }[], userData: Buffer | null): Buffer {
  return encode(ConsumerProtocolAssignmentSchema, { assignedPartitions: partitions.map(p => ({ topic: p.topic, partitions: p.partitions })), userData })
}

/** An empty assignment (no bytes) means no partitions. */
export function decodeAssignment(buf: Buffer): ConsumerProtocolAssignment {
  if (buf.length === 0) return { assignedPartitions: [], userData: null }
  return decode(ConsumerProtocolAssignmentSchema, buf) as unknown as ConsumerProtocolAssignment
}
