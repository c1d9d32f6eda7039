// Micro-benchmark of RecordBatch v2 encoding and decoding in protocol/records (records, and the
// broker log's record spans). Batches of 500 records, 10-byte keys, 100-byte values, no headers.
// Whole clients are compared through their public APIs in B9 (bench/client.ts).
// Run: npx tsx bench/records-codec.ts [--gzip]
import { decodeRecords } from '../broker/log/records-codec.js'
import { Compression, encodeRecordBatch, readRecordBatches, type RecordInput } from '../protocol/records/index.js'

const PER_BATCH = 500
const TOTAL = 500_000
const compression = process.argv.includes('--gzip') ? Compression.GZIP : Compression.NONE
const T = Date.now()
const records: RecordInput[] = Array.from({ length: PER_BATCH }, (_, i) => ({
  key: Buffer.from(`key-${String(i).padStart(6, '0')}`), value: Buffer.alloc(100, i & 0xff), timestamp: T + i,
}))

async function measure(name: string, fn: () => unknown | Promise<unknown>): Promise<void> {
  const rounds = TOTAL / PER_BATCH
  for (let i = 0; i < rounds / 5; i++) await fn() // warm-up
  const best: number[] = []
  for (let rep = 0; rep < 3; rep++) {
    const start = process.hrtime.bigint()
    for (let i = 0; i < rounds; i++) await fn()
    best.push(Number(process.hrtime.bigint() - start) / 1000 / TOTAL)
  }
  console.log(`${name.padEnd(44)} ${Math.min(...best).toFixed(3)} µs/record (best of 3, ${TOTAL} records)`)
}

const input = { records, compression }
const batch = encodeRecordBatch(input)
let sink = 0
await measure('encode: protocol/records encodeRecordBatch', () => { sink += encodeRecordBatch(input).length })
await measure('decode: protocol/records readRecordBatches', () => {
  const [b] = readRecordBatches(batch)
  for (const r of b.records) sink += r.value!.length
})
if (compression === Compression.NONE || compression === Compression.GZIP) {
  await measure('decode: readRecordSpans (broker log; no objects)', () => {
    const d = decodeRecords(batch)!
    for (const r of d.records) sink += r.valueLength
  })
}
if (sink === 0) console.log('unreachable')
