// A stored batch must not keep the (possibly much larger) receive buffer it arrived in alive: small
// batches are copied into their own memory at append, large ones stay zero-copy slices.
import { describe, expect, it } from 'vitest'
import { COPY_BATCHES_BELOW_BYTES, PartitionLog } from '../../../broker/log/partition-log.js'
import { topicSettings } from '../../../broker/log/topic-config.js'
import { batch, readable } from './log-test-batches.js'

const RECEIVE_BUFFER = 64 * 1024

/** The batch placed in the middle of a large buffer, as a socket read holding other requests would. */
function inLargeBuffer(b: Buffer): Buffer {
  const big = Buffer.alloc(RECEIVE_BUFFER)
  b.copy(big, 1000)
  return big.subarray(1000, 1000 + b.length)
}

describe('PartitionLog batch storage', () => {
  it('copies a small batch out of its receive buffer and reads it back intact', async () => {
    const l = new PartitionLog('t', 0, topicSettings({}))
    const small = await batch({ records: [{ key: 'k', value: 'small' }] })
    expect(small.length).toBeLessThan(COPY_BATCHES_BELOW_BYTES)
    const arrived = inLargeBuffer(small)
    expect(l.append(arrived, 1).errorCode).toBe(0)
    const stored = l.read(0, 1 << 20, 0).records!
    expect(stored.buffer).not.toBe(arrived.buffer)
    expect(stored.buffer.byteLength).toBe(small.length) // nothing else is held
    expect(await readable(stored)).toEqual([[0, 'k', 'small']])
  })

  it('keeps a large batch as a slice of the buffer it arrived in', async () => {
    const l = new PartitionLog('t', 0, topicSettings({}))
    const records = Array.from({ length: 200 }, (_, i) => ({ key: `k${i}`, value: 'x'.repeat(50) }))
    const large = await batch({ records })
    expect(large.length).toBeGreaterThanOrEqual(COPY_BATCHES_BELOW_BYTES)
    const arrived = inLargeBuffer(large)
    l.append(arrived, 1)
    const stored = l.read(0, 1 << 20, 0).records!
    expect(stored.buffer).toBe(arrived.buffer)
    expect((await readable(stored)).length).toBe(200)
  })

  it('copies each small batch of a multi-batch request separately, at their offsets', async () => {
    const l = new PartitionLog('t', 0, topicSettings({}))
    const a = await batch({ records: [{ key: 'a', value: '1' }, { key: 'b', value: '2' }] })
    const b = await batch({ records: [{ key: 'c', value: '3' }] })
    const arrived = inLargeBuffer(Buffer.concat([a, b]))
    expect(l.append(arrived, 1).baseOffset).toBe(0)
    expect(l.read(2, 1 << 20, 0).records!.buffer.byteLength).toBe(b.length)
    expect(await readable(l.read(0, 1 << 20, 0).records)).toEqual([[0, 'a', '1'], [1, 'b', '2'], [2, 'c', '3']])
  })

  it('reads hand back the stored batches by reference; `records` joins them only when asked', async () => {
    const l = new PartitionLog('t', 0, topicSettings({}))
    const a = await batch({ records: [{ key: 'a', value: '1' }] })
    const b = await batch({ records: [{ key: 'b', value: '2' }] })
    l.append(a, 1)
    l.append(b, 1)
    const first = l.read(0, 1 << 20, 0)
    const second = l.read(0, 1 << 20, 0)
    expect(first.chunks).toHaveLength(2)
    expect(first.chunks[0]).toBe(second.chunks[0]) // the same stored buffer, not a copy
    expect(first.chunks[1]).toBe(second.chunks[1])
    expect(first.size).toBe(a.length + b.length)
    expect(first.records!.length).toBe(first.size)
    expect(await readable(first.records)).toEqual([[0, 'a', '1'], [1, 'b', '2']])
  })
})
