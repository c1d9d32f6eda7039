import { describe, expect, it } from 'vitest'
import {
  Compression, CompressionUnavailableError, CorruptRecordBatchError, TimestampType, UnsupportedMagicError, completeBatchesLength, encodeRecordBatch,
  prepareRecordBatch, readRecordBatch, readRecordBatches, readRecordSpans, recordBatchSize, writePreparedRecordBatch, writeRecordBatch,
  type RecordBatchInput,
} from '../../../../protocol/records/index.js'
import { kafkajsBatch, kafkajsDecode } from './kafkajs-batches.js'

const T = 1_700_000_000_000
const b = (s: string) => Buffer.from(s)

function sample(): RecordBatchInput {
  return {
    baseOffset: 0,
    records: [
      { key: b('k1'), value: b('v1'), timestamp: T },
      { key: null, value: b('no key'), timestamp: T + 5, headers: { h1: 'x', h2: b('yy'), skip: undefined } },
      { key: b('tomb'), value: null, timestamp: T - 3, headers: [{ key: 'a', value: null }, { key: 'a', value: 'é' }] },
      { key: Buffer.alloc(0), value: Buffer.alloc(300, 7), timestamp: T + 10_000_000_000 },
    ],
  }
}

describe('record batch v2 round trip', () => {
  it('reads back keys, values, headers, absolute offsets and timestamps', () => {
    const input = { ...sample(), baseOffset: 2 ** 40 + 5, producerId: 77, producerEpoch: 3, baseSequence: 9, partitionLeaderEpoch: 4 }
    const buf = encodeRecordBatch(input)
    expect(buf.length).toBe(recordBatchSize(input))
    const [batch] = readRecordBatches(buf)
    expect(batch).toMatchObject({
      baseOffset: 2 ** 40 + 5, lastOffset: 2 ** 40 + 8, lastOffsetDelta: 3, recordCount: 4, magic: 2, producerId: 77, producerEpoch: 3,
      baseSequence: 9, partitionLeaderEpoch: 4, firstTimestamp: T, maxTimestamp: T + 10_000_000_000, isTransactional: false,
      isControl: false, compression: Compression.NONE, timestampType: TimestampType.CREATE_TIME, batchLength: buf.length - 12,
    })
    const r = batch.records
    expect(r.map((x) => x.offset)).toEqual([0, 1, 2, 3].map((i) => 2 ** 40 + 5 + i))
    expect(r.map((x) => x.timestamp)).toEqual([T, T + 5, T - 3, T + 10_000_000_000])
    expect(r[0].key).toEqual(b('k1'))
    expect(r[1].key).toBeNull()
    expect(r[1].headers).toEqual([{ key: 'h1', value: b('x') }, { key: 'h2', value: b('yy') }])
    expect(r[2].value).toBeNull()
    expect(r[2].headers).toEqual([{ key: 'a', value: null }, { key: 'a', value: b('é') }])
    expect(r[3].key).toEqual(Buffer.alloc(0))
    expect(r[3].value).toEqual(Buffer.alloc(300, 7))
    expect(r[0].headers).toEqual([])
  })

  it('returns keys and values as subarrays of the fetched bytes (no copy)', () => {
    const buf = encodeRecordBatch(sample())
    const [batch] = readRecordBatches(buf)
    expect(batch.records[0].value!.buffer).toBe(buf.buffer)
    buf[buf.indexOf('v1') + 1] = 0x39 // changes the decoded view too
    expect(batch.records[0].value!.toString()).toBe('v9')
  })

  it('writes transactional, control and LogAppendTime attributes; LogAppendTime records take maxTimestamp', () => {
    const buf = encodeRecordBatch({ ...sample(), isTransactional: true, timestampType: TimestampType.LOG_APPEND_TIME, maxTimestamp: T + 99 })
    const [batch] = readRecordBatches(buf)
    expect(batch.attributes).toBe(0x18)
    expect(batch.isTransactional).toBe(true)
    expect(batch.timestampType).toBe(TimestampType.LOG_APPEND_TIME)
    expect(batch.records.map((r) => r.timestamp)).toEqual([T + 99, T + 99, T + 99, T + 99])
  })

  it('writes several batches into one caller buffer at offsets, as a Produce request needs', () => {
    const a = prepareRecordBatch(sample())
    const c = prepareRecordBatch({ records: [{ key: null, value: b('second'), timestamp: T }], baseOffset: 4 })
    const buf = Buffer.alloc(7 + a.size + c.size)
    const mid = writePreparedRecordBatch(a, buf, 7)
    expect(mid).toBe(7 + a.size)
    expect(writePreparedRecordBatch(c, buf, mid)).toBe(buf.length)
    expect(buf.subarray(7, mid)).toEqual(encodeRecordBatch(sample()))
    const batches = readRecordBatches(buf.subarray(7))
    expect(batches.map((x) => x.records.map((r) => r.offset))).toEqual([[0, 1, 2, 3], [4]])
    expect(() => writeRecordBatch(Buffer.alloc(10), 0, sample())).toThrow(/does not fit/)
  })

  it('stops at a partial trailing batch, wherever it is cut', () => {
    const one = encodeRecordBatch(sample())
    const two = encodeRecordBatch({ ...sample(), baseOffset: 4 })
    const both = Buffer.concat([one, two])
    for (const cut of [1, 11, 12, 30, 61, two.length - 1]) {
      const fetched = both.subarray(0, one.length + cut)
      const batches = readRecordBatches(fetched)
      expect(batches.map((x) => x.baseOffset)).toEqual([0])
      expect(completeBatchesLength(fetched)).toBe(one.length)
    }
    expect(readRecordBatches(both).map((x) => x.baseOffset)).toEqual([0, 4])
    expect(readRecordBatches(Buffer.alloc(0))).toEqual([])
    expect(readRecordBatches(null)).toEqual([])
    expect(() => readRecordBatch(both.subarray(0, 40))).toThrow(CorruptRecordBatchError)
  })

  it('throws on a CRC mismatch, naming the topic-partition and the batch offset', () => {
    const buf = encodeRecordBatch({ ...sample(), baseOffset: 100 })
    buf[buf.length - 5] ^= 1
    expect(() => readRecordBatches(buf, { topic: 'orders', partition: 3 })).toThrow(CorruptRecordBatchError)
    expect(() => readRecordBatches(buf, { topic: 'orders', partition: 3 }))
      .toThrow(/^orders-3 record batch at offset 100: CRC-32C mismatch/)
    expect(readRecordBatches(buf, { verifyCrc: false })).toHaveLength(1)
  })

  it('rejects records that run past the batch even when the CRC is right', () => {
    const input: RecordBatchInput = { records: [{ key: b('k'), value: b('a longer value'), timestamp: T }] }
    const buf = encodeRecordBatch(input)
    buf.writeInt32BE(2, 57) // claims two records
    expect(() => readRecordBatches(buf, { verifyCrc: false })).toThrow(/record 1: varint runs past the end of the batch/)
    for (const count of [-1, 2 ** 31 - 1]) {
      buf.writeInt32BE(count, 57)
      expect(() => readRecordBatches(buf, { verifyCrc: false })).toThrow(`record count ${count} does not fit the 22-byte records region`)
      expect(() => readRecordSpans(buf)).toThrow(CorruptRecordBatchError)
    }
    const extra = encodeRecordBatch({ records: [input.records[0], input.records[0]] })
    extra.writeInt32BE(1, 57)
    expect(() => readRecordBatches(extra, { verifyCrc: false })).toThrow(/bytes left after the 1 records/)
  })

  it('rejects a batch length too small for a batch header', () => {
    const buf = encodeRecordBatch(sample())
    for (const length of [-3, 0, 4, 48]) {
      buf.writeInt32BE(length, 8)
      expect(() => readRecordBatches(buf, { topic: 't', partition: 0 }), String(length)).toThrow(CorruptRecordBatchError)
    }
  })

  it('rejects older message formats with a clear error', () => {
    const buf = encodeRecordBatch(sample())
    buf[16] = 1
    expect(() => readRecordBatches(buf, { topic: 't', partition: 0 })).toThrow(UnsupportedMagicError)
    expect(() => readRecordBatches(buf, { topic: 't', partition: 0 })).toThrow(/t-0 record batch at offset 0 has magic 1; only record batch v2/)
  })
})

describe('record batch v2 against kafkajs', () => {
  const cases: Array<{ name: string; records: Array<{ key: Buffer | null; value: Buffer | null; timestamp: number; headers?: Record<string, string> }> }> = [
    { name: 'one record', records: [{ key: b('a'), value: b('1'), timestamp: T }] },
    {
      name: 'nulls, headers, out-of-order and far timestamps',
      records: [
        { key: null, value: b('x'.repeat(200)), timestamp: T, headers: { trace: 'abc', 'ü': 'ß' } },
        { key: b('k'), value: null, timestamp: T - 1000 },
        { key: b('k2'), value: b(''), timestamp: T + 2 ** 33 },
      ],
    },
    {
      name: '200 records',
      records: Array.from({ length: 200 }, (_, i) => ({ key: b(`key-${i}`), value: Buffer.alloc(i, i), timestamp: T + i * 7 })),
    },
  ]
  for (const c of cases) {
    it(`writes the same bytes as kafkajs's encoder: ${c.name}`, async () => {
      const expected = await kafkajsBatch({ records: c.records, producerId: 5, producerEpoch: 1, firstSequence: 3, transactional: true, baseOffset: 0 })
      const actual = encodeRecordBatch({
        records: c.records, producerId: 5, producerEpoch: 1, baseSequence: 3, isTransactional: true, partitionLeaderEpoch: 0,
      })
      expect(actual.toString('hex')).toBe(expected.toString('hex'))
    })

    it(`reads what kafkajs wrote as kafkajs reads it: ${c.name}`, async () => {
      const buf = await kafkajsBatch({ records: c.records, baseOffset: 1000 })
      const [theirs] = await kafkajsDecode(buf)
      const [ours] = readRecordBatches(buf)
      expect(ours.records.map((r) => [r.offset, r.timestamp, r.key, r.value, Object.fromEntries(r.headers.map((h) => [h.key, h.value]))]))
        .toEqual(theirs.records.map((r) => [Number(r.offset), Number(r.timestamp), r.key, r.value, r.headers]))
    })
  }

  it('writes batches kafkajs decodes', async () => {
    const buf = encodeRecordBatch({ ...sample(), baseOffset: 50 })
    const [theirs] = await kafkajsDecode(buf)
    expect(theirs.records.map((r) => [Number(r.offset), Number(r.timestamp), r.key, r.value]))
      .toEqual(sample().records.map((r, i) => [50 + i, r.timestamp, r.key, r.value]))
  })
})

describe('record spans', () => {
  it('locate the same keys, values, offset and timestamp deltas the record decoder reads, compressed or not', () => {
    for (const compression of [Compression.NONE, Compression.GZIP, Compression.SNAPPY]) {
      const buf = encodeRecordBatch({ ...sample(), compression })
      const [batch] = readRecordBatches(buf)
      const { data, records } = readRecordSpans(buf)
      expect(records.map((r) => [
        batch.baseOffset + r.offsetDelta, batch.firstTimestamp + r.timestampDelta,
        r.keyLength < 0 ? null : data.subarray(r.keyStart, r.keyStart + r.keyLength),
        r.valueLength < 0 ? null : data.subarray(r.valueStart, r.valueStart + r.valueLength),
      ])).toEqual(batch.records.map((r) => [r.offset, r.timestamp, r.key, r.value]))
      expect(Buffer.concat(records.map((r) => data.subarray(r.start, r.end)))).toEqual(compression === 0 ? buf.subarray(61) : data)
    }
  })

  it('report a record running past the batch', () => {
    const buf = encodeRecordBatch(sample())
    buf.writeInt32BE(5, 57)
    expect(() => readRecordSpans(buf, { topic: 't', partition: 2 })).toThrow(/^t-2 record batch at offset 0: record 4: varint runs past/)
  })
})

describe('corrupt input', () => {
  it('fails only with the codec errors, whatever bytes are damaged or cut (fixed-seed fuzz)', () => {
    let seed = 1
    const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32
    const known = (e: unknown) => e instanceof CorruptRecordBatchError || e instanceof UnsupportedMagicError || e instanceof CompressionUnavailableError
    for (const compression of [Compression.NONE, Compression.GZIP, Compression.SNAPPY, Compression.LZ4]) {
      const base = encodeRecordBatch({ ...sample(), compression })
      for (let n = 0; n < 1500; n++) {
        const buf = Buffer.from(base)
        for (let f = Math.floor(rand() * 3); f >= 0; f--) buf[Math.floor(rand() * buf.length)] = Math.floor(rand() * 256)
        const cut = rand() < 0.2 ? buf.subarray(0, Math.floor(rand() * buf.length)) : buf
        for (const read of [() => readRecordBatches(cut, { verifyCrc: false }), () => readRecordBatches(cut), () => readRecordSpans(buf)]) {
          try { read() } catch (e) { if (!known(e)) throw e }
        }
      }
    }
  })
})
