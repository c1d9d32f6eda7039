import { describe, expect, it } from 'vitest'
import { PartitionLog } from '../../../broker/log/partition-log.js'
import { topicSettings } from '../../../broker/log/topic-config.js'
import { ErrorCode } from '../../../protocol/errors.js'
import { writeCrc } from '../../../broker/log/record-batch.js'
import { batch, decodeBatches, readable } from './log-test-batches.js'

const log = (configs: Record<string, string> = {}) => new PartitionLog('t', 0, topicSettings(configs))
const recs = (n: number, prefix = 'k', ts = 1000) => Array.from({ length: n }, (_, i) => ({ key: `${prefix}${i}`, value: `v${i}`, timestamp: ts + i }))

describe('PartitionLog append and read', () => {
  it('assigns consecutive offsets per batch and reads them back as clients decode them', async () => {
    const l = log()
    expect(l.append(await batch({ records: recs(3) }), 1).baseOffset).toBe(0)
    expect(l.append(await batch({ records: recs(2, 'j') }), 1).baseOffset).toBe(3)
    expect(l.logEndOffset).toBe(5)
    expect(l.lastStableOffset).toBe(5)
    const r = l.read(0, 1 << 20, 0)
    expect(r.errorCode).toBe(0)
    expect(r.highWatermark).toBe(5)
    expect(r.abortedTransactions).toBeNull()
    expect(await readable(r.records)).toEqual([[0, 'k0', 'v0'], [1, 'k1', 'v1'], [2, 'k2', 'v2'], [3, 'j0', 'v0'], [4, 'j1', 'v1']])
  })

  it('stores several batches of one request at consecutive offsets', async () => {
    const l = log()
    const req = Buffer.concat([await batch({ records: recs(2) }), await batch({ records: recs(3, 'x') })])
    expect(l.append(req, 1)).toMatchObject({ errorCode: 0, baseOffset: 0, logAppendTime: -1 })
    expect((await readable(l.read(0, 1 << 20, 0).records)).map((r) => r[0])).toEqual([0, 1, 2, 3, 4])
  })

  it('returns whole batches from the one holding fetchOffset, up to maxBytes but at least one', async () => {
    const l = log()
    const sizes: number[] = []
    for (let i = 0; i < 4; i++) {
      const b = await batch({ records: recs(10, `b${i}-`) })
      sizes.push(b.length)
      l.append(b, 1)
    }
    const mid = l.read(15, sizes[1] + sizes[2], 0)
    const batches = await decodeBatches(mid.records)
    expect(batches.map((b) => b.firstOffset)).toEqual(['10', '20'])
    const tiny = l.read(35, 1, 0)
    expect((await decodeBatches(tiny.records)).map((b) => b.firstOffset)).toEqual(['30'])
    const atEnd = l.read(40, 1000, 0)
    expect(atEnd.errorCode).toBe(0)
    expect(atEnd.records!.length).toBe(0)
    expect(l.read(41, 1000, 0).errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE)
  })

  it('rejects corrupt batches, control batches from clients and oversize batches, appending nothing', async () => {
    const l = log({ 'max.message.bytes': '200' })
    const good = await batch({ records: recs(1) })
    const bad = Buffer.from(good)
    bad[bad.length - 2] ^= 1
    expect(l.append(bad, 1).errorCode).toBe(ErrorCode.CORRUPT_MESSAGE)
    const control = Buffer.from(good)
    control.writeInt16BE(0x20, 21)
    expect(l.append(control, 1).errorCode).toBe(ErrorCode.CORRUPT_MESSAGE) // attributes are CRC-covered
    writeCrc(control, 0, control.length)
    expect(l.append(control, 1)).toMatchObject({ errorCode: ErrorCode.INVALID_RECORD, errorMessage: expect.stringMatching(/control/) })
    expect(l.append(await batch({ records: recs(20) }), 1).errorCode).toBe(ErrorCode.MESSAGE_TOO_LARGE)
    expect(l.logEndOffset).toBe(0)
  })

  it('rejects records without a key on compacted topics', async () => {
    const l = log({ 'cleanup.policy': 'compact' })
    const r = l.append(await batch({ records: [{ key: null, value: 'x' }] }), 1)
    expect(r.errorCode).toBe(ErrorCode.INVALID_RECORD)
    expect(r.errorMessage).toMatch(/without a key/)
  })

  it('stamps LogAppendTime topics with the append time', async () => {
    const l = log({ 'message.timestamp.type': 'LogAppendTime' })
    const r = l.append(await batch({ records: recs(2, 'k', 5) }), 777)
    expect(r.logAppendTime).toBe(777)
    const [b] = await decodeBatches(l.read(0, 1000, 0).records)
    expect(b.timestampType).toBe(1)
    expect(b.maxTimestamp).toBe('777')
  })
})

describe('PartitionLog offsets by time, DeleteRecords and retention', () => {
  it('finds the first offset with timestamp >= target, inside a batch too', async () => {
    const l = log()
    l.append(await batch({ records: [{ key: 'a', value: '1', timestamp: 100 }, { key: 'b', value: '2', timestamp: 300 }] }), 1)
    l.append(await batch({ records: [{ key: 'c', value: '3', timestamp: 200 }, { key: 'd', value: '4', timestamp: 500 }] }), 1)
    expect(l.offsetForTime(50)).toEqual({ offset: 0, timestamp: 100 })
    expect(l.offsetForTime(250)).toEqual({ offset: 1, timestamp: 300 })
    expect(l.offsetForTime(400)).toEqual({ offset: 3, timestamp: 500 })
    expect(l.offsetForTime(501)).toEqual({ offset: -1, timestamp: -1 })
    expect(l.offsetForTime(-1)).toEqual({ offset: 4, timestamp: -1 })
    expect(l.offsetForTime(-2)).toEqual({ offset: 0, timestamp: -1 })
    expect(l.offsetForTime(-3)).toEqual({ offset: 3, timestamp: 500 })
  })

  it('moves logStartOffset with DeleteRecords and refuses offsets past the high watermark', async () => {
    const l = log()
    l.append(await batch({ records: recs(5) }), 1)
    l.append(await batch({ records: recs(5) }), 1)
    expect(l.deleteRecordsBefore(7)).toEqual({ errorCode: 0, lowWatermark: 7 })
    expect(l.logStartOffset).toBe(7)
    expect(l.read(6, 1000, 0).errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE)
    const r = l.read(7, 1000, 0)
    expect(r.logStartOffset).toBe(7)
    expect((await decodeBatches(r.records))[0].firstOffset).toBe('5') // the batch holding offset 7
    expect(l.deleteRecordsBefore(11).errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE)
    expect(l.deleteRecordsBefore(3)).toEqual({ errorCode: 0, lowWatermark: 7 })
    expect(l.offsetForTime(-2).offset).toBe(7)
    expect(l.deleteRecordsBefore(-1)).toEqual({ errorCode: 0, lowWatermark: 10 })
  })

  it('drops whole batches past retention.ms and beyond retention.bytes', async () => {
    const l = log({ 'retention.ms': '1000' })
    l.append(await batch({ records: recs(2, 'a', 10_000) }), 1)
    l.append(await batch({ records: recs(2, 'b', 20_000) }), 1)
    l.maintain(11_500)
    expect(l.logStartOffset).toBe(2)
    expect(await readable(l.read(2, 1000, 0).records)).toEqual([[2, 'b0', 'v0'], [3, 'b1', 'v1']])
    l.maintain(30_000)
    expect(l.logStartOffset).toBe(4)
    expect(l.logEndOffset).toBe(4)
    expect(l.read(4, 1000, 0).records!.length).toBe(0)

    const bySize = log({ 'retention.bytes': '1' })
    for (let i = 0; i < 3; i++) bySize.append(await batch({ records: recs(1, `s${i}`, Date.now()) }), 1)
    bySize.maintain(Date.now())
    expect(bySize.logStartOffset).toBe(2) // keeps the newest batch: Kafka deletes only while the rest still reaches retention.bytes
  })

  it('leaves compact-only topics to compaction, not retention', async () => {
    const l = log({ 'cleanup.policy': 'compact', 'retention.ms': '1' })
    l.append(await batch({ records: recs(2, 'a', 10) }), 1)
    l.maintain(1_000_000)
    expect(l.logStartOffset).toBe(0)
  })
})
