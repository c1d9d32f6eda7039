import { describe, expect, it } from 'vitest'
import { encodeRecordBatch, encodeEndTxnMarkerBatch } from '../../../../protocol/records/index.js'
import { decodePartition } from '../../../../lib/clients/lean/consumer/fetch-decode.js'
import { CorruptResponseError } from '../../../../lib/clients/lean/errors.js'
import { classifyClientError } from '../../../../lib/clients/errors.js'

const batch = (baseOffset: number, values: string[], extra: object = {}) =>
  encodeRecordBatch({ baseOffset, records: values.map(v => ({ key: null, value: Buffer.from(v), timestamp: 5, headers: { h: 'x' } })), ...extra })

const partition = (records: Buffer, abortedTransactions: { producerId: number; firstOffset: number }[] | null = null) =>
  ({ partitionIndex: 3, errorCode: 0, highWatermark: 100, lastStableOffset: 100, logStartOffset: 0, preferredReadReplica: -1, abortedTransactions, records })

describe('decodePartition', () => {
  it('hands over records from the fetch offset on, as views of the response', () => {
    const buf = Buffer.concat([batch(10, ['a', 'b', 'c']), batch(13, ['d'])])
    const { records, nextOffset } = decodePartition(partition(buf), 't', 11, 'b:1')
    expect(records.map(r => [r.offset, r.value!.toString(), r.headers.h!.toString()])).toEqual([[11, 'b', 'x'], [12, 'c', 'x'], [13, 'd', 'x']])
    expect(nextOffset).toBe(14)
    expect(records[0]!.value!.buffer).toBe(buf.buffer)
  })

  it('leaves out aborted transactions and control batches but moves past them', () => {
    const txn = { producerId: 7, producerEpoch: 0, baseSequence: 0, isTransactional: true }
    const buf = Buffer.concat([
      batch(0, ['kept'], { producerId: 9, producerEpoch: 0, baseSequence: 0, isTransactional: true }),
      batch(1, ['aborted-1', 'aborted-2'], txn),
      encodeEndTxnMarkerBatch({ baseOffset: 3, producerId: 7, producerEpoch: 0, commit: false, coordinatorEpoch: 0, timestamp: 5 }),
      encodeEndTxnMarkerBatch({ baseOffset: 4, producerId: 9, producerEpoch: 0, commit: true, coordinatorEpoch: 0, timestamp: 5 }),
    ])
    const { records, nextOffset } = decodePartition(partition(buf, [{ producerId: 7, firstOffset: 1 }]), 't', 0, 'b:1')
    expect(records.map(r => r.value!.toString())).toEqual(['kept'])
    expect(nextOffset).toBe(5)
  })

  it('turns a CRC mismatch into a retriable error naming the broker and partition', () => {
    const buf = batch(0, ['a'])
    buf[buf.length - 1] ^= 0xff
    let err: unknown
    try {
      decodePartition(partition(buf), 'topic-x', 0, 'broker-1:9092')
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(CorruptResponseError)
    expect((err as Error).message).toContain('broker broker-1:9092')
    expect((err as Error).message).toContain('topic-x-3')
    expect(classifyClientError(err)).toBe('retriable')
  })
})
