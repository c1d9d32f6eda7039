// Builds v2 record batches with kafkajs's own encoder, so tests append exactly what clients send,
// and decodes fetched bytes with kafkajs's decoder, so tests read them as a client would.
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js')
const Record = require('kafkajs/src/protocol/recordBatch/record/v0/index.js')
const RecordBatchDecoder = require('kafkajs/src/protocol/recordBatch/v0/decoder.js')
const Decoder = require('kafkajs/src/protocol/decoder.js')
const Long = require('kafkajs/src/utils/long.js')

export interface TestRecord { key?: string | Buffer | null; value: string | Buffer | null; timestamp?: number; headers?: Record<string, string> }

export async function batch(opts: {
  records: TestRecord[]
  producerId?: number | bigint
  producerEpoch?: number
  firstSequence?: number
  transactional?: boolean
  compression?: 0 | 1
  timestamp?: number
}): Promise<Buffer> {
  const now = opts.timestamp ?? 1_700_000_000_000
  const ts = opts.records.map((r) => r.timestamp ?? now)
  const firstTimestamp = Math.min(...ts)
  const records = opts.records.map((r, i) =>
    Record({ offsetDelta: i, timestampDelta: ts[i] - firstTimestamp, key: r.key ?? null, value: r.value, headers: r.headers ?? {} }),
  )
  const encoder = await RecordBatch({
    compression: opts.compression ?? 0,
    firstTimestamp,
    maxTimestamp: Math.max(...ts),
    lastOffsetDelta: records.length - 1,
    transactional: opts.transactional ?? false,
    producerId: Long.fromValue(String(opts.producerId ?? -1)),
    producerEpoch: opts.producerEpoch ?? 0,
    firstSequence: opts.firstSequence ?? 0,
    records,
  })
  return Buffer.from(encoder.buffer)
}

export interface DecodedTestBatch {
  firstOffset: string
  lastOffsetDelta: number
  inTransaction: boolean
  isControlBatch: boolean
  producerId: string
  producerEpoch: number
  timestampType: number
  maxTimestamp: string
  records: { offset: string; key: Buffer | null; value: Buffer | null; timestamp: string; isControlRecord: boolean }[]
}

/** Decodes a records field (one or more whole batches) as kafkajs's fetch path does. */
export async function decodeBatches(records: Buffer | null): Promise<DecodedTestBatch[]> {
  const out: DecodedTestBatch[] = []
  if (!records || records.length === 0) return out
  const decoder = new Decoder(records)
  while (decoder.canReadBytes(12)) out.push(await RecordBatchDecoder(decoder))
  return out
}

/** (offset, key, value) of every data record, as strings, control records left out. */
export async function readable(records: Buffer | null): Promise<[number, string | null, string | null][]> {
  const out: [number, string | null, string | null][] = []
  for (const b of await decodeBatches(records)) {
    if (b.isControlBatch) continue
    for (const r of b.records) out.push([Number(r.offset), r.key ? r.key.toString() : null, r.value ? r.value.toString() : null])
  }
  return out
}
