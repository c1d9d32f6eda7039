import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import * as zlib from 'node:zlib'
import { describe, expect, it } from 'vitest'
import {
  Compression, CompressionUnavailableError, CorruptRecordBatchError, crc32c, encodeRecordBatch, prepareRecordBatchAsync,
  readRecordBatches, readRecordBatchesAsync, writePreparedRecordBatch, type CompressionCodec, type RecordBatchInput,
} from '../../../../protocol/records/index.js'
import { XERIAL_HEADER, loadOptional } from '../../../../protocol/records/compression.js'
import { kafkajsBatch, kafkajsDecode } from './kafkajs-batches.js'

const require = createRequire(import.meta.url)
const snappy = require('snappy') as { compressSync(b: Buffer): Buffer }
const T = 1_700_000_000_000

function input(n: number, compression: CompressionCodec): RecordBatchInput {
  return {
    compression, baseOffset: 10, producerId: 3, producerEpoch: 0, baseSequence: 0,
    records: Array.from({ length: n }, (_, i) => ({
      key: Buffer.from(`key-${i}`), value: Buffer.from(`value ${i} `.repeat(20)), timestamp: T + i, headers: { n: String(i) },
    })),
  }
}

function expectSameRecords(buf: Buffer, n: number): void {
  const [batch] = readRecordBatches(buf)
  expect(batch.recordCount).toBe(n)
  expect(batch.records.map((r) => [r.offset, r.timestamp, r.key!.toString(), r.value!.toString(), r.headers[0].value!.toString()]))
    .toEqual(input(n, 0).records.map((r, i) => [10 + i, T + i, r.key!.toString(), r.value!.toString(), String(i)]))
}

/** The batch `plain` with its records region replaced by `region` and its codec set, re-signed. */
function withRegion(plain: Buffer, codec: number, region: Buffer): Buffer {
  const out = Buffer.concat([plain.subarray(0, 61), region])
  out.writeInt32BE(out.length - 12, 8)
  out.writeInt16BE((out.readInt16BE(21) & ~7) | codec, 21)
  out.writeUInt32BE(crc32c(out, 21, out.length), 17)
  return out
}

// xxHash32 (seed 0) of a few bytes, to check LZ4 frame descriptor checksums (the "HC" byte of KIP-57).
function xxh32(data: Buffer): number {
  const P1 = 2654435761, P2 = 2246822519, P3 = 3266489917, P4 = 668265263, P5 = 374761393
  let h = (P5 + data.length) >>> 0
  let i = 0
  for (; i + 4 <= data.length; i += 4) {
    h = Math.imul(rotl((h + Math.imul(data.readUInt32LE(i), P3)) >>> 0, 17), P4) >>> 0
  }
  for (; i < data.length; i++) h = Math.imul(rotl((h + Math.imul(data[i], P5)) >>> 0, 11), P1) >>> 0
  h = Math.imul(h ^ (h >>> 15), P2) >>> 0
  h = Math.imul(h ^ (h >>> 13), P3) >>> 0
  return (h ^ (h >>> 16)) >>> 0
}
const rotl = (x: number, r: number) => ((x << r) | (x >>> (32 - r))) >>> 0

describe('compressed record batches', () => {
  for (const [name, codec] of [['gzip', Compression.GZIP], ['snappy', Compression.SNAPPY], ['lz4', Compression.LZ4]] as const) {
    it(`round-trips ${name}, small and above 64 KiB`, () => {
      for (const n of [1, 50, 600]) {
        const buf = encodeRecordBatch(input(n, codec))
        expect(buf.readInt16BE(21) & 7).toBe(codec)
        expectSameRecords(buf, n)
      }
      expect(encodeRecordBatch(input(600, codec)).length).toBeLessThan(encodeRecordBatch(input(600, 0)).length / 4)
    })
  }

  it('reads keys and values from one decompressed buffer', () => {
    const [batch] = readRecordBatches(encodeRecordBatch(input(50, Compression.GZIP)))
    expect(batch.records[49].value!.buffer).toBe(batch.records[0].key!.buffer)
  })

  it('zstd works where node:zlib has it and otherwise names the codec and the Node version needed', async () => {
    const hasZstd = typeof (zlib as unknown as { zstdCompressSync?: unknown }).zstdCompressSync === 'function'
    if (hasZstd) {
      expectSameRecords(encodeRecordBatch(input(50, Compression.ZSTD)), 50)
      const p = await prepareRecordBatchAsync(input(50, Compression.ZSTD))
      const buf = Buffer.alloc(p.size)
      writePreparedRecordBatch(p, buf, 0)
      expect(await readRecordBatchesAsync(buf)).toEqual(readRecordBatches(buf))
    } else {
      await expect(prepareRecordBatchAsync(input(1, Compression.ZSTD))).rejects.toThrow(CompressionUnavailableError)
      expect(() => encodeRecordBatch(input(1, Compression.ZSTD))).toThrow(CompressionUnavailableError)
      expect(() => encodeRecordBatch(input(1, Compression.ZSTD))).toThrow(/codec zstd is not available: node:zlib has zstd from Node 22.15 and 23.8; this is Node v/)
      const plain = encodeRecordBatch(input(1, 0))
      expect(() => readRecordBatches(withRegion(plain, Compression.ZSTD, Buffer.from([0x28, 0xb5, 0x2f, 0xfd])))).toThrow(CompressionUnavailableError)
    }
  })

  it('names the package to install when an optional codec library is missing', () => {
    expect(() => loadOptional('snappy', 'snappy-not-installed')).toThrow(CompressionUnavailableError)
    expect(() => loadOptional('snappy', 'snappy-not-installed')).toThrow(/codec snappy is not available: install the optional package "snappy-not-installed"/)
  })

  it('rejects an unknown codec id and corrupt compressed data with errors naming the batch', () => {
    const plain = encodeRecordBatch(input(3, 0))
    expect(() => readRecordBatches(withRegion(plain, 5, plain.subarray(61)))).toThrow(/compression codec id 5 is not available/)
    expect(() => readRecordBatches(withRegion(plain, Compression.GZIP, Buffer.from('not gzip at all')), { topic: 't', partition: 1 }))
      .toThrow(CorruptRecordBatchError)
    expect(() => readRecordBatches(withRegion(plain, Compression.SNAPPY, Buffer.concat([XERIAL_HEADER, Buffer.from([0, 0, 0, 9, 1])])), { topic: 't', partition: 1 }))
      .toThrow(/^t-1 record batch at offset 10: snappy decompression failed/)
  })
})

describe('snappy framing', () => {
  it("writes xerial's framing: the 16-byte header, then 32 KiB blocks each prefixed with its length", () => {
    const plain = encodeRecordBatch(input(600, 0))
    const region = encodeRecordBatch(input(600, Compression.SNAPPY)).subarray(61)
    expect(region.subarray(0, 16)).toEqual(Buffer.from('82534e41505059000000000100000001', 'hex'))
    let pos = 16
    let blocks = 0
    while (pos < region.length) { pos += 4 + region.readInt32BE(pos); blocks++ }
    expect(pos).toBe(region.length)
    expect(blocks).toBe(Math.ceil((plain.length - 61) / 32768))
  })

  it('reads raw (unframed) snappy as well, as Kafka and librdkafka do', () => {
    const plain = encodeRecordBatch(input(50, 0))
    expectSameRecords(withRegion(plain, Compression.SNAPPY, snappy.compressSync(plain.subarray(61))), 50)
  })
})

describe('lz4 frames', () => {
  it('writes a frame Kafka reads: version 1, independent blocks, 64 KiB blocks, a correct descriptor checksum (KIP-57)', () => {
    const region = encodeRecordBatch(input(50, Compression.LZ4)).subarray(61)
    expect(region.readUInt32LE(0)).toBe(0x184d2204)
    const flg = region[4]
    expect(flg >> 6).toBe(1) // version
    expect(flg & 0x20).toBe(0x20) // block independence, which Kafka requires
    expect(region[5]).toBe(0x40) // 64 KiB maximum block size
    const descriptorEnd = 6 + ((flg & 0x08) ? 8 : 0)
    expect(region[descriptorEnd]).toBe((xxh32(region.subarray(4, descriptorEnd)) >>> 8) & 0xff)
  })

  it("reads a frame laid out as Kafka's Lz4BlockOutputStream writes it (here with one stored block)", () => {
    const plain = encodeRecordBatch(input(5, 0))
    const data = plain.subarray(61)
    const descriptor = Buffer.from([0x60, 0x40])
    const header = Buffer.alloc(7)
    header.writeUInt32LE(0x184d2204, 0)
    descriptor.copy(header, 4)
    header[6] = (xxh32(descriptor) >>> 8) & 0xff
    const blockSize = Buffer.alloc(4)
    blockSize.writeUInt32LE((data.length | 0x80000000) >>> 0, 0) // high bit: block stored uncompressed
    const frame = Buffer.concat([header, blockSize, data, Buffer.alloc(4)]) // end mark
    expectSameRecords(withRegion(plain, Compression.LZ4, frame), 5)
  })
})

describe('gzip against kafkajs', () => {
  it('reads batches kafkajs compressed with gzip and writes the same bytes', async () => {
    const records = input(40, 0).records.map((r) => ({ key: r.key, value: r.value, timestamp: r.timestamp!, headers: { n: (r.headers as Record<string, string>).n } }))
    const theirs = await kafkajsBatch({ records, compression: Compression.GZIP, baseOffset: 10, producerId: 3, producerEpoch: 0, firstSequence: 0 })
    expectSameRecords(theirs, 40)
    const ours = encodeRecordBatch({ ...input(40, Compression.GZIP), partitionLeaderEpoch: 0 })
    expect(ours.toString('hex')).toBe(theirs.toString('hex'))
    const [decoded] = await kafkajsDecode(ours)
    expect(decoded.records.map((r) => r.value!.toString())).toEqual(records.map((r) => r.value!.toString()))
  })
})

describe('optional codec packages', () => {
  it('load only when a batch uses their codec', () => {
    // A fresh process: this one may have loaded them for other tests already.
    const script = `
      import { createRequire } from 'node:module'
      const r = await import(process.argv[1])
      const cache = createRequire(import.meta.url).cache
      const loaded = () => [...new Set(Object.keys(cache).flatMap((k) => k.match(/node_modules\\/(snappy|lz4-napi)\\//)?.[1] ?? []))]
      const records = [{ key: null, value: Buffer.from('v'), timestamp: 1 }]
      r.readRecordBatches(r.encodeRecordBatch({ records, compression: 1 }))
      const gzip = loaded()
      r.readRecordBatches(r.encodeRecordBatch({ records, compression: 2 }))
      console.log(JSON.stringify({ gzip, snappy: loaded() }))`
    const entry = fileURLToPath(new URL('../../../../protocol/records/index.ts', import.meta.url))
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, entry], { encoding: 'utf8' })
    expect(run.stderr).toBe('')
    expect(JSON.parse(run.stdout)).toEqual({ gzip: [], snappy: ['snappy'] })
  })
})

describe('compression off the event loop', () => {
  for (const [name, codec] of [['none', Compression.NONE], ['gzip', Compression.GZIP], ['snappy', Compression.SNAPPY], ['lz4', Compression.LZ4]] as const) {
    it(`writes and reads ${name} batches the synchronous functions read and write`, async () => {
      for (const n of [1, 600]) {
        const p = await prepareRecordBatchAsync(input(n, codec))
        const buf = Buffer.alloc(p.size)
        writePreparedRecordBatch(p, buf, 0)
        expectSameRecords(buf, n)
        const sync = encodeRecordBatch(input(n, codec))
        const [a, b] = [await readRecordBatchesAsync(Buffer.concat([sync, buf])), readRecordBatches(Buffer.concat([sync, buf]))]
        expect(a).toEqual(b)
        expect(a).toHaveLength(2)
      }
    })
  }

  it('checks the CRC before decompressing and names the batch when decompression fails', async () => {
    const plain = encodeRecordBatch(input(3, 0))
    const notGzip = withRegion(plain, Compression.GZIP, Buffer.from('not gzip at all'))
    await expect(readRecordBatchesAsync(notGzip, { topic: 't', partition: 4 })).rejects.toThrow(/^t-4 record batch at offset 10: gzip decompression failed/)
    notGzip[notGzip.length - 1] ^= 1
    await expect(readRecordBatchesAsync(notGzip, { topic: 't', partition: 4 })).rejects.toThrow(/CRC-32C mismatch/)
    await expect(readRecordBatchesAsync(Buffer.concat([plain, plain.subarray(0, 30)]))).resolves.toHaveLength(1)
  })
})
