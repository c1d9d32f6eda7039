import { describe, expect, it } from 'vitest'
import { buildControlBatch, controlMarkerOf } from '../../../../broker/log/record-batch.js'
import {
  ControlRecordType, controlRecordTypeOf, encodeControlRecordKey, encodeEndTxnMarkerBatch, encodeRecordBatch, filterAbortedBatches,
  nextFetchOffset, readEndTxnMarker, readRecordBatches, type AbortedTransaction,
} from '../../../../protocol/records/index.js'

const T = 1_700_000_000_000

describe('control records', () => {
  it('writes transaction markers byte for byte as the broker does', () => {
    for (const commit of [true, false]) {
      const ours = encodeEndTxnMarkerBatch({ baseOffset: 42, producerId: 9, producerEpoch: 2, commit, coordinatorEpoch: 5, timestamp: T, partitionLeaderEpoch: 3 })
      const broker = buildControlBatch({ baseOffset: 42, producerId: 9n, producerEpoch: 2, commit, coordinatorEpoch: 5, timestamp: T, partitionLeaderEpoch: 3 })
      expect(ours.toString('hex')).toBe(broker.toString('hex'))
      expect(controlMarkerOf(ours)).toBe(commit)
    }
  })

  it('reads markers back: type, coordinator epoch, batch flags', () => {
    const [batch] = readRecordBatches(encodeEndTxnMarkerBatch({ baseOffset: 7, producerId: 9, producerEpoch: 2, commit: false, coordinatorEpoch: 11, timestamp: T }))
    expect(batch).toMatchObject({ isControl: true, isTransactional: true, producerId: 9, producerEpoch: 2, baseSequence: -1, baseOffset: 7 })
    expect(controlRecordTypeOf(batch.records[0])).toBe(ControlRecordType.ABORT)
    expect(readEndTxnMarker(batch.records[0])).toEqual({ commit: false, coordinatorEpoch: 11 })
  })

  it('tells other control types and short keys apart from transaction markers', () => {
    expect(readEndTxnMarker({ key: encodeControlRecordKey(ControlRecordType.LEADER_CHANGE), value: Buffer.alloc(6) })).toBeNull()
    expect(controlRecordTypeOf({ key: Buffer.from([0]) })).toBe(-1)
    expect(readEndTxnMarker({ key: encodeControlRecordKey(ControlRecordType.COMMIT), value: null })).toBeNull()
  })
})

// Cases from Kafka's FetcherTest read_committed tests: transactional data batches and markers at the
// offsets those tests use, then the keys a read_committed consumer must return.
function txn(pid: number, baseOffset: number, ...keys: string[]): Buffer {
  return encodeRecordBatch({
    baseOffset, producerId: pid, producerEpoch: 0, baseSequence: 0, isTransactional: true,
    records: keys.map((k) => ({ key: Buffer.from(k), value: Buffer.from('value'), timestamp: T })),
  })
}
const abort = (pid: number, offset: number) => encodeEndTxnMarkerBatch({ baseOffset: offset, producerId: pid, producerEpoch: 0, commit: false, coordinatorEpoch: 0, timestamp: T })
const commit = (pid: number, offset: number) => encodeEndTxnMarkerBatch({ baseOffset: offset, producerId: pid, producerEpoch: 0, commit: true, coordinatorEpoch: 0, timestamp: T })

function committedKeys(parts: Buffer[], aborted: AbortedTransaction[]): string[] {
  const batches = readRecordBatches(Buffer.concat(parts))
  return filterAbortedBatches(batches, aborted).flatMap((b) => b.records.map((r) => r.key!.toString()))
}

describe('read_committed filtering', () => {
  it('skips an aborted transaction (testSkippingAbortedTransactions) and still moves the position past it', () => {
    const parts = [txn(1, 0, 'key', 'key'), abort(1, 2)]
    expect(committedKeys(parts, [{ producerId: 1, firstOffset: 0 }])).toEqual([])
    expect(nextFetchOffset(readRecordBatches(Buffer.concat(parts)), 0)).toBe(3)
  })

  it('returns committed transactions without control records (testReturnCommittedTransactions)', () => {
    expect(committedKeys([txn(1, 0, 'a', 'b'), commit(1, 2)], [])).toEqual(['a', 'b'])
  })

  it('interleaved committed and aborted transactions (testReadCommittedWithCommittedAndAbortedTransactions)', () => {
    const parts = [
      txn(1, 0, 'commit1-1', 'commit1-2'), txn(2, 2, 'abort2-1'), commit(1, 3), txn(2, 4, 'abort2-2'), abort(2, 5),
      txn(1, 6, 'abort1-1'), txn(2, 7, 'commit2-1'), txn(1, 8, 'abort1-2'), abort(1, 9), commit(2, 10),
    ]
    const aborted = [{ producerId: 2, firstOffset: 2 }, { producerId: 1, firstOffset: 6 }]
    expect(committedKeys(parts, aborted)).toEqual(['commit1-1', 'commit1-2', 'commit2-1'])
    // The list's order does not matter.
    expect(committedKeys(parts, [...aborted].reverse())).toEqual(['commit1-1', 'commit1-2', 'commit2-1'])
  })

  it('multiple abort markers for one transaction (testMultipleAbortMarkers)', () => {
    const parts = [txn(1, 0, 'abort1-1', 'abort1-2'), abort(1, 2), abort(1, 3), txn(1, 4, 'commit1-1', 'commit1-2'), commit(1, 6)]
    expect(committedKeys(parts, [{ producerId: 1, firstOffset: 0 }])).toEqual(['commit1-1', 'commit1-2'])
  })

  it('an abort marker with no data before it (testReadCommittedAbortMarkerWithNoData)', () => {
    const parts = [abort(1, 5), txn(1, 6, '6', '7', '8'), commit(1, 9)]
    const batches = filterAbortedBatches(readRecordBatches(Buffer.concat(parts)), [{ producerId: 1, firstOffset: 0 }])
    expect(batches.flatMap((b) => b.records.map((r) => r.offset))).toEqual([6, 7, 8])
  })

  it('a compacted topic where markers were cleaned away (testReadCommittedWithCompactedTopic)', () => {
    const parts = [
      txn(3, 3, '3', '4'), txn(2, 15, '15', '16', '17'), txn(1, 22, '22', '23'), abort(2, 28),
      txn(3, 30, '30', '31', '32'), commit(3, 35), txn(1, 39, '39', '40'),
    ]
    const batches = filterAbortedBatches(readRecordBatches(Buffer.concat(parts)), [{ producerId: 2, firstOffset: 6 }, { producerId: 1, firstOffset: 0 }])
    expect(batches.flatMap((b) => b.records.map((r) => r.offset))).toEqual([3, 4, 30, 31, 32])
  })

  it('keeps non-transactional batches of any producer and drops control batches even with no aborted list', () => {
    const plain = encodeRecordBatch({ baseOffset: 0, producerId: 1, producerEpoch: 0, baseSequence: 0, records: [{ key: Buffer.from('idem'), value: null, timestamp: T }] })
    const plainNoPid = encodeRecordBatch({ baseOffset: 2, records: [{ key: Buffer.from('plain'), value: null, timestamp: T }] })
    expect(committedKeys([plain, txn(1, 1, 'x'), plainNoPid, abort(1, 3)], [{ producerId: 1, firstOffset: 1 }])).toEqual(['idem', 'plain'])
    expect(committedKeys([txn(1, 0, 'y'), commit(1, 1)], undefined as unknown as AbortedTransaction[])).toEqual(['y'])
  })

  it('drops every aborted record when the broker lists aborted transactions in marker order, not start order', () => {
    // Producer 2 starts first (offset 0), producer 1 at 1; 1 aborts first, so the broker lists [1, 2].
    const parts = [txn(2, 0, 'b0'), txn(1, 1, 'a1'), txn(2, 2, 'b2'), abort(1, 3), txn(3, 4, 'c4'), abort(2, 5), txn(1, 6, 'a6'), commit(1, 7)]
    expect(committedKeys(parts, [{ producerId: 1, firstOffset: 1 }, { producerId: 2, firstOffset: 0 }])).toEqual(['c4', 'a6'])
  })

  it('registers aborted transactions that began before the fetch offset', () => {
    const parts = [txn(1, 10, 'a10'), txn(2, 11, 'b11'), abort(1, 12), abort(2, 13), txn(1, 14, 'a14')]
    expect(committedKeys(parts, [{ producerId: 1, firstOffset: 2 }, { producerId: 2, firstOffset: 5 }])).toEqual(['a14'])
  })
})
