import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { PartitionLog } from '../../../broker/log/partition-log.js'
import { topicSettings } from '../../../broker/log/topic-config.js'
import { splitBatches } from '../../../broker/log/record-batch.js'
import { batch, decodeBatches, readable, type TestRecord } from './log-test-batches.js'

// segment.bytes=1: every batch rolls a new segment, so all but the last batch are outside the active segment
const compacted = (extra: Record<string, string> = {}) =>
  new PartitionLog('changelog', 0, topicSettings({ 'cleanup.policy': 'compact', 'delete.retention.ms': '1000', 'segment.bytes': '1', ...extra }))
const kv = (pairs: [string, string | null][], ts = 1000): TestRecord[] => pairs.map(([key, value]) => ({ key, value, timestamp: ts }))
/** Appends a batch of an unrelated key so everything before it leaves the active segment. */
const roll = async (l: PartitionLog, ts = 1000) => l.append(await batch({ records: kv([['~roll', 'r']], ts) }), 1)
const data = async (records: Buffer | null) => (await readable(records)).filter((r) => r[1] !== '~roll')

describe('log compaction', () => {
  it('keeps the latest record per key at its original offset', async () => {
    for (const compression of [0, 1] as const) {
      const l = compacted()
      l.append(await batch({ compression, records: kv([['a', '1'], ['b', '1'], ['c', '1']]) }), 1) // 0-2
      l.append(await batch({ compression, records: kv([['a', '2'], ['b', '2']]) }), 1) // 3-4
      l.append(await batch({ compression, records: kv([['a', '3']]) }), 1) // 5
      l.compact(2000)
      // the last batch is the active segment: never cleaned, so a@3 is still the latest clean value of a
      expect(await data(l.read(0, 1 << 20, 0).records)).toEqual([[2, 'c', '1'], [3, 'a', '2'], [4, 'b', '2'], [5, 'a', '3']])
      await roll(l) // 6
      l.compact(2000)
      const r = l.read(0, 1 << 20, 0)
      expect(await data(r.records)).toEqual([[2, 'c', '1'], [4, 'b', '2'], [5, 'a', '3']])
      expect(splitBatches(r.records!).errorCode).toBe(0) // rebuilt batches carry valid CRCs
      expect(l.logEndOffset).toBe(7)
      // a fetch from a removed offset lands on the next batch that still exists
      expect((await data(l.read(3, 1 << 20, 0).records))[0]).toEqual([4, 'b', '2'])
    }
  })

  it('keeps lastOffsetDelta so a batch still spans its original offsets', async () => {
    const l = compacted()
    l.append(await batch({ records: kv([['x', '1'], ['y', '1'], ['x', '2']]) }), 1)
    await roll(l)
    l.compact(2000)
    const [b] = await decodeBatches(l.read(0, 1000, 0).records)
    expect(b.firstOffset).toBe('0')
    expect(b.lastOffsetDelta).toBe(2)
    expect(b.records.map((r) => r.offset)).toEqual(['1', '2'])
  })

  it('removes tombstones only after delete.retention.ms from the first cleaning', async () => {
    const l = compacted()
    l.append(await batch({ records: kv([['a', '1'], ['b', '1']]) }), 1)
    l.append(await batch({ records: kv([['a', null]]) }), 1)
    await roll(l)
    l.compact(10_000)
    expect(await data(l.read(0, 1 << 20, 0).records)).toEqual([[1, 'b', '1'], [2, 'a', null]])
    l.compact(10_500)
    expect(await data(l.read(0, 1 << 20, 0).records)).toEqual([[1, 'b', '1'], [2, 'a', null]])
    l.maintain(11_001) // the horizon passed: tick cleans again on its own
    expect(await data(l.read(0, 1 << 20, 0).records)).toEqual([[1, 'b', '1']])
    expect(l.logEndOffset).toBe(4)
  })

  it('never cleans past the last stable offset and drops aborted transactional data', async () => {
    const l = compacted()
    l.append(await batch({ records: kv([['k', 'old']]) }), 1) // 0
    l.append(await batch({ records: kv([['k', 'aborted']]), producerId: 1, transactional: true }), 1) // 1
    l.writeMarker(1n, 0, false, 0, 5) // 2
    l.append(await batch({ records: kv([['k', 'open']]), producerId: 2, transactional: true }), 1) // 3
    l.compact(2000)
    // offset 1 is aborted (removed), offset 3 is not yet stable, so 'old' is still the latest clean value
    expect(await readable(l.read(0, 1 << 20, 0).records)).toEqual([[0, 'k', 'old'], [3, 'k', 'open']])
    l.writeMarker(2n, 0, true, 0, 6) // 4
    l.compact(3000)
    const after = await decodeBatches(l.read(0, 1 << 20, 1).records)
    expect(after.filter((b) => !b.isControlBatch).flatMap((b) => b.records.map((r) => r.value!.toString()))).toEqual(['open'])
    expect(after.filter((b) => b.isControlBatch).map((b) => b.firstOffset)).toEqual(['2', '4']) // markers stay
  })

  it('rolls segments by segment.ms of record time and never cleans the active one', async () => {
    const l = new PartitionLog('c', 0, topicSettings({ 'cleanup.policy': 'compact', 'segment.ms': '1000' }))
    l.append(await batch({ records: kv([['a', '1']], 1000) }), 1)
    l.append(await batch({ records: kv([['a', '2']], 1500) }), 1)
    l.compact(10_000)
    expect((await readable(l.read(0, 1 << 20, 0).records)).length).toBe(2) // one segment, still active
    l.append(await batch({ records: kv([['b', '1']], 2100) }), 1) // 1100 ms after the segment's first record: rolls
    l.compact(10_000)
    expect(await readable(l.read(0, 1 << 20, 0).records)).toEqual([[1, 'a', '2'], [2, 'b', '1']])
  })

  it('respects min.compaction.lag.ms and cleans from tick once the dirty ratio is reached', async () => {
    const l = compacted({ 'min.compaction.lag.ms': '5000' })
    l.append(await batch({ records: kv([['a', '1']], 1000) }), 1)
    l.append(await batch({ records: kv([['a', '2']], 4000) }), 1)
    await roll(l, 4000)
    l.maintain(6000) // second batch is younger than the lag: only the first is cleanable, and it holds no duplicate
    expect((await data(l.read(0, 1 << 20, 0).records)).length).toBe(2)
    l.maintain(9001)
    expect(await data(l.read(0, 1 << 20, 0).records)).toEqual([[1, 'a', '2']])
  })

  it('leaves every key at its latest value, at its original offset, whatever the history (property)', async () => {
    const op = fc.record({ key: fc.constantFrom('a', 'b', 'c', 'd'), value: fc.option(fc.constantFrom('1', '2', '3'), { nil: null }) })
    await fc.assert(fc.asyncProperty(fc.array(fc.array(op, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 12 }), fc.boolean(), async (batches, gzip) => {
      const l = compacted({ 'delete.retention.ms': '1000000' })
      const latest = new Map<string, [number, string | null]>()
      let offset = 0
      for (const ops of batches) {
        l.append(await batch({ compression: gzip ? 1 : 0, records: ops.map((o) => ({ key: o.key, value: o.value, timestamp: 1000 })) }), 1)
        for (const o of ops) latest.set(o.key, [offset++, o.value])
      }
      await roll(l)
      const before = await data(l.read(0, 1 << 24, 0).records)
      l.compact(5000)
      const records = l.read(0, 1 << 24, 0).records
      expect(splitBatches(records!).errorCode).toBe(0)
      const after = await data(records)
      // exactly one record per key, the latest, at the offset it was written at (tombstones kept: horizon not passed)
      expect(after).toEqual([...latest.entries()].map(([k, [o, v]]) => [o, k, v] as const).sort((x, y) => x[0] - y[0]))
      expect(after.every((r) => before.some((b) => b[0] === r[0] && b[1] === r[1] && b[2] === r[2]))).toBe(true)
      expect(l.logEndOffset).toBe(offset + 1)
    }), { numRuns: 60 })
  })
})
