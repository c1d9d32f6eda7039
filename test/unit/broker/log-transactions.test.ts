import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { PartitionLog } from '../../../broker/log/partition-log.js'
import { topicSettings } from '../../../broker/log/topic-config.js'
import { ErrorCode } from '../../../protocol/errors.js'
import { batch, decodeBatches, readable } from './log-test-batches.js'

const log = (verifier?: (pid: bigint, epoch: number) => number) =>
  new PartitionLog('t', 0, topicSettings({}), verifier ? { verifier: (pid, epoch) => verifier(pid, epoch) } : {})
const txnBatch = (pid: number, seq: number, keys: string[], epoch = 0) =>
  batch({ records: keys.map((k) => ({ key: k, value: k })), producerId: pid, producerEpoch: epoch, firstSequence: seq, transactional: true })
const plain = (keys: string[]) => batch({ records: keys.map((k) => ({ key: k, value: k })) })

describe('transactions in a partition log', () => {
  it('holds the last stable offset at the first offset of the earliest open transaction', async () => {
    const l = log()
    l.append(await plain(['a']), 1) // 0
    l.append(await txnBatch(1, 0, ['t1a', 't1b']), 1) // 1-2
    l.append(await plain(['b']), 1) // 3
    l.append(await txnBatch(2, 0, ['t2a']), 1) // 4
    expect(l.lastStableOffset).toBe(1)
    expect(l.highWatermark).toBe(5)

    const committed = l.read(0, 1 << 20, 1)
    expect(committed.lastStableOffset).toBe(1)
    expect(await readable(committed.records)).toEqual([[0, 'a', 'a']])
    expect(await readable(l.read(0, 1 << 20, 0).records)).toHaveLength(5)

    l.writeMarker(1n, 0, true, 0, 10) // 5
    expect(l.lastStableOffset).toBe(4)
    l.writeMarker(2n, 0, false, 0, 11) // 6
    expect(l.lastStableOffset).toBe(7)
    expect(l.logEndOffset).toBe(7)

    const all = l.read(0, 1 << 20, 1)
    expect(all.abortedTransactions).toEqual([{ producerId: 2n, firstOffset: 4n }])
    const batches = await decodeBatches(all.records)
    const markers = batches.filter((b) => b.isControlBatch)
    expect(markers.map((b) => [b.firstOffset, b.producerId])).toEqual([['5', '1'], ['6', '2']])
  })

  it('lists only aborted transactions overlapping the fetched range', async () => {
    const l = log()
    l.append(await txnBatch(1, 0, ['x']), 1) // 0
    l.writeMarker(1n, 0, false, 0, 1) // 1
    l.append(await plain(['p', 'q']), 1) // 2-3
    l.append(await txnBatch(1, 1, ['y'], 0), 1) // 4
    l.writeMarker(1n, 0, false, 0, 1) // 5
    expect(l.read(0, 1 << 20, 1).abortedTransactions).toEqual([{ producerId: 1n, firstOffset: 0n }, { producerId: 1n, firstOffset: 4n }])
    expect(l.read(2, 1 << 20, 1).abortedTransactions).toEqual([{ producerId: 1n, firstOffset: 4n }])
    // a fetch ending before offset 4 does not report the later abort
    const firstOnly = l.read(0, 1, 1)
    expect((await decodeBatches(firstOnly.records)).map((b) => b.firstOffset)).toEqual(['0'])
    expect(firstOnly.abortedTransactions).toEqual([{ producerId: 1n, firstOffset: 0n }])
  })

  it('rejects non-transactional writes while the producer has a transaction open', async () => {
    const l = log()
    l.append(await txnBatch(3, 0, ['a']), 1)
    const r = l.append(await batch({ records: [{ key: 'b', value: 'b' }], producerId: 3, firstSequence: 1 }), 1)
    expect(r.errorCode).toBe(ErrorCode.INVALID_TXN_STATE)
  })

  it('asks the coordinator before the first transactional batch of a transaction only', async () => {
    const asked: bigint[] = []
    let answer: number = ErrorCode.INVALID_TXN_STATE
    const l = log((pid) => { asked.push(pid); return answer })
    const refused = l.append(await txnBatch(8, 0, ['a']), 1)
    expect(refused.errorCode).toBe(ErrorCode.INVALID_TXN_STATE)
    expect(l.logEndOffset).toBe(0)
    answer = 0
    expect(l.append(await txnBatch(8, 0, ['a']), 1).errorCode).toBe(0)
    expect(l.append(await txnBatch(8, 1, ['b']), 1).errorCode).toBe(0)
    expect(asked).toEqual([8n, 8n])
  })

  it('fences the old epoch once a marker with a bumped epoch is written', async () => {
    const l = log()
    l.append(await txnBatch(4, 0, ['a'], 0), 1)
    l.writeMarker(4n, 1, false, 0, 5) // coordinator fenced epoch 0 and aborted with epoch 1
    expect(l.append(await txnBatch(4, 1, ['b'], 0), 1).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH)
    expect(l.append(await txnBatch(4, 0, ['c'], 1), 1).errorCode).toBe(0)
    expect(l.lastStableOffset).toBe(2)
  })

  it('lets a read_committed reader that filters with the aborted list see exactly the committed data (property)', async () => {
    type Op = { kind: 'plain' } | { kind: 'write' | 'commit' | 'abort'; pid: number }
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.constant<Op>({ kind: 'plain' }),
      fc.record({ kind: fc.constantFrom('write', 'commit', 'abort'), pid: fc.integer({ min: 1, max: 3 }) }) as fc.Arbitrary<Op>,
    )
    await fc.assert(fc.asyncProperty(fc.array(op, { maxLength: 30 }), fc.integer({ min: 1, max: 400 }), async (ops, maxBytes) => {
      const l = log()
      const seq = new Map<number, number>()
      const pending = new Map<number, string[]>()
      const committed = new Set<string>()
      const offsetOf = new Map<string, number>()
      let n = 0
      for (const o of ops) {
        if (o.kind === 'plain') {
          const v = `p${n++}`
          offsetOf.set(v, l.append(await plain([v]), 1).baseOffset)
          committed.add(v)
        } else if (o.kind === 'write') {
          const v = `t${o.pid}-${n++}`
          const s = seq.get(o.pid) ?? 0
          const r = l.append(await txnBatch(o.pid, s, [v]), 1)
          expect(r.errorCode).toBe(0)
          offsetOf.set(v, r.baseOffset)
          seq.set(o.pid, s + 1)
          pending.set(o.pid, [...(pending.get(o.pid) ?? []), v])
        } else if (pending.has(o.pid)) {
          l.writeMarker(BigInt(o.pid), 0, o.kind === 'commit', 0, 1)
          if (o.kind === 'commit') for (const v of pending.get(o.pid)!) committed.add(v)
          pending.delete(o.pid)
        }
      }
      // Read like a Java consumer: fetch from the position in pieces, track aborted producers by offset.
      const seen: string[] = []
      let position = 0
      const abortedPids = new Set<string>()
      while (position < l.lastStableOffset) {
        const r = l.read(position, maxBytes, 1)
        const aborted = [...r.abortedTransactions!].sort((a, b) => Number(a.firstOffset - b.firstOffset))
        for (const b of await decodeBatches(r.records)) {
          const base = Number(b.firstOffset)
          const last = base + b.lastOffsetDelta
          if (last < position) continue
          while (aborted.length && Number(aborted[0].firstOffset) <= last) abortedPids.add(String(aborted.shift()!.producerId))
          if (b.isControlBatch) abortedPids.delete(b.producerId)
          else if (!(b.inTransaction && abortedPids.has(b.producerId))) {
            for (const rec of b.records) if (Number(rec.offset) >= position) seen.push(rec.value!.toString())
          }
          position = last + 1
        }
      }
      // committed data below the LSO; data after an open transaction's first offset waits for it
      const stable = [...committed].filter((v) => offsetOf.get(v)! < l.lastStableOffset)
      expect(seen.sort()).toEqual(stable.sort())
    }), { numRuns: 80 })
  })
})
