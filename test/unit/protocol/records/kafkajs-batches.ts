// kafkajs's own RecordBatch encoder and decoder, for byte-level cross-checks of protocol/records.
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js')
const Record = require('kafkajs/src/protocol/recordBatch/record/v0/index.js')
const RecordBatchDecoder = require('kafkajs/src/protocol/recordBatch/v0/decoder.js')
const Decoder = require('kafkajs/src/protocol/decoder.js')
const Long = require('kafkajs/src/utils/long.js')

export interface KjsRecord { key: Buffer | null; value: Buffer | null; timestamp: number; headers?: Record<string, string | Buffer> }

/** A batch as kafkajs's producer writes it (firstTimestamp = first record's, partitionLeaderEpoch 0). */
export async function kafkajsBatch(opts: {
  records: KjsRecord[]; compression?: number; producerId?: number; producerEpoch?: number; firstSequence?: number
  transactional?: boolean; baseOffset?: number
}): Promise<Buffer> {
  const first = opts.records[0].timestamp
  const records = opts.records.map((r, i) =>
    Record({ offsetDelta: i, timestampDelta: r.timestamp - first, key: r.key, value: r.value, headers: r.headers ?? {} }))
  const encoder = await RecordBatch({
    compression: opts.compression ?? 0,
    firstOffset: Long.fromValue(String(opts.baseOffset ?? 0)),
    firstTimestamp: first,
    maxTimestamp: Math.max(...opts.records.map((r) => r.timestamp)),
    lastOffsetDelta: records.length - 1,
    transactional: opts.transactional ?? false,
    producerId: Long.fromValue(String(opts.producerId ?? -1)),
    producerEpoch: opts.producerEpoch ?? 0,
    firstSequence: opts.firstSequence ?? 0,
    records,
  })
  return Buffer.from(encoder.buffer)
}

/** Decodes one or more whole batches as kafkajs's fetch path does. */
export async function kafkajsDecode(buf: Buffer): Promise<Array<{
  firstOffset: string; records: Array<{ offset: string; timestamp: string; key: Buffer | null; value: Buffer | null; headers: Record<string, Buffer> }>
}>> {
  const out = []
  const decoder = new Decoder(buf)
  while (decoder.canReadBytes(12)) out.push(await RecordBatchDecoder(decoder))
  return out
}
