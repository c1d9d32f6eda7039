import { requestHeaderVersion } from '../../../../protocol/headers.js'
import { Api } from '../net/apis.js'

/** One partition's part of a Produce request: its index and its encoded RecordBatch. */
export interface PartitionBatch {
  partition: number
  batch: Buffer
}

/**
 * A Produce request (v3-v12, topics by name) as chunks for one socket write: the fields are
 * written into small buffers around the record batches, which go out as they are. The bytes equal
 * the generated codec's (checked by test/unit/clients/lean/produce-frame.test.ts).
 */
export function produceFrame(
  version: number, correlationId: number, clientId: string,
  transactionalId: string | null, acks: number, timeoutMs: number,
  topics: ReadonlyMap<string, readonly PartitionBatch[]>,
): Buffer[] {
  const flexible = version >= 9
  const chunks: Buffer[] = []
  let total = 0
  // Each small buffer holds at most one topic name and fixed-size fields around it.
  let maxName = 0
  for (const name of topics.keys()) maxName = Math.max(maxName, Buffer.byteLength(name))
  const room = 48 + maxName
  const head = new FieldWriter(room + 32 + Buffer.byteLength(clientId) + (transactionalId === null ? 0 : Buffer.byteLength(transactionalId)))
  head.int32(0) // size, set below
  head.int16(Api.Produce)
  head.int16(version)
  head.int32(correlationId)
  head.string(clientId) // the header's client id keeps its int16 length in every version
  if (requestHeaderVersion(Api.Produce, version) >= 2) head.uvarint(0)
  head.nullableString(transactionalId, flexible)
  head.int16(acks)
  head.int32(timeoutMs)
  head.arrayLength(topics.size, flexible)
  let current = head
  for (const [name, partitions] of topics) {
    current.string(name, flexible)
    current.arrayLength(partitions.length, flexible)
    for (const p of partitions) {
      current.int32(p.partition)
      current.bytesLength(p.batch.length, flexible)
      chunks.push(current.done())
      total += current.pos
      chunks.push(p.batch)
      total += p.batch.length
      current = new FieldWriter(room)
      if (flexible) current.uvarint(0) // partition tagged fields
    }
    if (flexible) current.uvarint(0) // topic tagged fields
  }
  if (flexible) current.uvarint(0) // request tagged fields
  chunks.push(current.done())
  total += current.pos
  chunks[0]!.writeInt32BE(total - 4, 0)
  return chunks
}

/** Just what produceFrame writes, into a buffer sized up front. */
class FieldWriter {
  private readonly buf: Buffer
  pos = 0
  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size)
  }
  done(): Buffer {
    return this.buf.subarray(0, this.pos)
  }
  int16(v: number): void {
    this.pos = this.buf.writeInt16BE(v, this.pos)
  }
  int32(v: number): void {
    this.pos = this.buf.writeInt32BE(v, this.pos)
  }
  uvarint(v: number): void {
    while (v >= 0x80) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80
      v >>>= 7
    }
    this.buf[this.pos++] = v
  }
  string(s: string, compact = false): void {
    const len = Buffer.byteLength(s)
    if (compact) this.uvarint(len + 1)
    else this.int16(len)
    this.pos += this.buf.write(s, this.pos, 'utf8')
  }
  nullableString(s: string | null, compact: boolean): void {
    if (s !== null) return this.string(s, compact)
    if (compact) this.uvarint(0)
    else this.int16(-1)
  }
  arrayLength(n: number, compact: boolean): void {
    if (compact) this.uvarint(n + 1)
    else this.int32(n)
  }
  bytesLength(n: number, compact: boolean): void {
    if (compact) this.uvarint(n + 1)
    else this.int32(n)
  }
}
