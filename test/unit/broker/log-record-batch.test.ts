import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { crc32c } from '../../../protocol/records/crc32c.js'
import {
  baseOffsetOf, buildControlBatch, controlMarkerOf, crcOf, isTransactional, lastOffsetDeltaOf, maxTimestampOf, producerEpochOf,
  producerIdOf, baseSequenceOf, recordCountOf, setBaseOffset, setLogAppendTime, splitBatches, compressionOf, baseTimestampOf,
} from '../../../broker/log/record-batch.js'
import { decodeRecords } from '../../../broker/log/records-codec.js'
import { ErrorCode } from '../../../protocol/errors.js'
import { batch, decodeBatches } from './log-test-batches.js'

const require = createRequire(import.meta.url)
const kafkajsCrc32C = require('kafkajs/src/protocol/recordBatch/crc32C/index.js') as (b: Buffer) => number

describe('crc32c', () => {
  it('matches kafkajs on buffers of every length up to 300 and on a known vector', () => {
    for (let n = 0; n < 300; n++) {
      const b = Buffer.alloc(n)
      for (let i = 0; i < n; i++) b[i] = (i * 131 + n * 7) & 0xff
      expect(crc32c(b)).toBe(kafkajsCrc32C(b))
    }
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283)
  })
})

describe('record batch v2 header', () => {
  it('reads the fields kafkajs wrote', async () => {
    const b = await batch({
      records: [{ key: 'a', value: '1', timestamp: 1000 }, { key: 'b', value: '2', timestamp: 1500 }, { key: 'c', value: '3', timestamp: 1200 }],
      producerId: 42, producerEpoch: 3, firstSequence: 7, transactional: true,
    })
    expect(baseOffsetOf(b)).toBe(0)
    expect(lastOffsetDeltaOf(b)).toBe(2)
    expect(recordCountOf(b)).toBe(3)
    expect(baseTimestampOf(b)).toBe(1000)
    expect(maxTimestampOf(b)).toBe(1500)
    expect(producerIdOf(b)).toBe(42n)
    expect(producerEpochOf(b)).toBe(3)
    expect(baseSequenceOf(b)).toBe(7)
    expect(isTransactional(b)).toBe(true)
    expect(compressionOf(b)).toBe(0)
    expect(splitBatches(b).errorCode).toBe(0)
  })

  it('rewrites baseOffset without invalidating the CRC', async () => {
    const b = await batch({ records: [{ key: 'k', value: 'v' }] })
    const crc = crcOf(b)
    setBaseOffset(b, 0, 2 ** 40 + 5)
    expect(baseOffsetOf(b)).toBe(2 ** 40 + 5)
    expect(crcOf(b)).toBe(crc)
    expect(splitBatches(b).errorCode).toBe(0)
    const [decoded] = await decodeBatches(b)
    expect(decoded.records[0].offset).toBe(String(2 ** 40 + 5))
  })

  it('sets LogAppendTime with a recomputed CRC that clients read as log-append time', async () => {
    const b = await batch({ records: [{ key: 'k', value: 'v', timestamp: 10 }] })
    setLogAppendTime(b, 0, b.length, 99_999)
    expect(splitBatches(b).errorCode).toBe(0)
    const [decoded] = await decodeBatches(b)
    expect(decoded.timestampType).toBe(1)
    expect(decoded.maxTimestamp).toBe('99999')
  })

  it('splits several batches and rejects corrupt, truncated and non-v2 input with Kafka codes', async () => {
    const a = await batch({ records: [{ key: 'a', value: '1' }] })
    const b = await batch({ records: [{ key: 'b', value: '2' }, { key: 'c', value: '3' }] })
    const both = Buffer.concat([a, b])
    expect(splitBatches(both).spans).toEqual([{ start: 0, end: a.length }, { start: a.length, end: a.length + b.length }])

    const corrupt = Buffer.from(a)
    corrupt[corrupt.length - 1] ^= 0xff
    expect(splitBatches(corrupt).errorCode).toBe(ErrorCode.CORRUPT_MESSAGE)
    expect(splitBatches(both.subarray(0, both.length - 3)).errorCode).toBe(ErrorCode.CORRUPT_MESSAGE)
    const oldMagic = Buffer.from(a)
    oldMagic[16] = 1
    const r = splitBatches(oldMagic)
    expect(r.errorCode).toBe(ErrorCode.INVALID_RECORD)
    expect(r.errorMessage).toMatch(/magic 1/)
    expect(splitBatches(Buffer.alloc(0)).errorCode).toBe(ErrorCode.INVALID_RECORD)
  })
})

describe('control batches', () => {
  it('are read by kafkajs as transactional control records and carry the marker type', async () => {
    for (const commit of [true, false]) {
      const b = buildControlBatch({ baseOffset: 17, producerId: 5n, producerEpoch: 2, commit, coordinatorEpoch: 9, timestamp: 1234 })
      expect(splitBatches(b).errorCode).toBe(0)
      expect(controlMarkerOf(b)).toBe(commit)
      const [decoded] = await decodeBatches(b)
      expect(decoded.isControlBatch).toBe(true)
      expect(decoded.inTransaction).toBe(true)
      expect(decoded.producerId).toBe('5')
      expect(decoded.records).toHaveLength(1)
      expect(decoded.records[0].isControlRecord).toBe(true)
      expect(decoded.records[0].offset).toBe('17')
      const d = decodeRecords(b)!
      expect(d.data.readInt32BE(d.records[0].valueStart + 2)).toBe(9)
    }
  })
})

describe('record decoding', () => {
  it('reads keys, tombstones, timestamps and offsets of uncompressed and gzip batches', async () => {
    for (const compression of [0, 1] as const) {
      const b = await batch({ compression, records: [{ key: 'x', value: 'one', timestamp: 5000 }, { key: 'y', value: null, timestamp: 5003 }, { key: null, value: 'z', timestamp: 4999 }] })
      const d = decodeRecords(b)!
      expect(d.records.map((r) => r.offsetDelta)).toEqual([0, 1, 2])
      expect(d.records.map((r) => r.timestampDelta)).toEqual([1, 4, 0])
      expect(d.data.toString('utf8', d.records[0].keyStart, d.records[0].keyStart + d.records[0].keyLength)).toBe('x')
      expect(d.records[1].valueLength).toBe(-1)
      expect(d.records[2].keyLength).toBe(-1)
    }
  })
})
