import { describe, expect, it } from 'vitest'
import { PartitionLog } from '../../../broker/log/partition-log.js'
import { topicSettings } from '../../../broker/log/topic-config.js'
import { ErrorCode } from '../../../protocol/errors.js'
import { batch, readable } from './log-test-batches.js'

const log = () => new PartitionLog('t', 0, topicSettings({}))
const send = (l: PartitionLog, n: number, pid: number, epoch: number, seq: number) =>
  batch({ records: Array.from({ length: n }, (_, i) => ({ key: `k${seq + i}`, value: `v${seq + i}` })), producerId: pid, producerEpoch: epoch, firstSequence: seq })
    .then((b) => l.append(b, 1))

describe('idempotent producers', () => {
  it('acknowledges a duplicate of any of the last 5 batches with its original offset, appending nothing', async () => {
    const l = log()
    const offsets: number[] = []
    for (let i = 0; i < 6; i++) offsets.push((await send(l, 2, 1, 0, i * 2)).baseOffset)
    expect(offsets).toEqual([0, 2, 4, 6, 8, 10])
    // batches 1..5 are cached; a retry of any returns its offset
    for (let i = 1; i < 6; i++) expect(await send(l, 2, 1, 0, i * 2)).toMatchObject({ errorCode: 0, baseOffset: offsets[i] })
    expect(l.logEndOffset).toBe(12)
    // the oldest is no longer cached: its retry is out of order, as in Kafka
    expect((await send(l, 2, 1, 0, 0)).errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER)
    expect((await readable(l.read(0, 1 << 20, 0).records)).length).toBe(12)
  })

  it('rejects a sequence gap with OUT_OF_ORDER_SEQUENCE_NUMBER and then accepts the next in order', async () => {
    const l = log()
    await send(l, 3, 9, 0, 0)
    const gap = await send(l, 1, 9, 0, 5)
    expect(gap.errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER)
    expect(gap.errorMessage).toMatch(/sequence 5/)
    expect(await send(l, 1, 9, 0, 3)).toMatchObject({ errorCode: 0, baseOffset: 3 })
  })

  it('fences older epochs and requires a new epoch to start at sequence 0', async () => {
    const l = log()
    await send(l, 2, 4, 1, 0)
    expect((await send(l, 1, 4, 0, 2)).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH)
    expect((await send(l, 1, 4, 2, 5)).errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER)
    expect(await send(l, 1, 4, 2, 0)).toMatchObject({ errorCode: 0, baseOffset: 2 })
    expect((await send(l, 1, 4, 1, 2)).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH)
  })

  it('accepts an unknown producer at any sequence, as Kafka does since KIP-360', async () => {
    const l = log()
    expect(await send(l, 1, 77, 0, 12)).toMatchObject({ errorCode: 0, baseOffset: 0 })
    expect((await send(l, 1, 77, 0, 14)).errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER)
    expect((await send(l, 1, 77, 0, 13)).errorCode).toBe(0)
  })

  it('keeps producers apart and refuses several batches from one producer in one request', async () => {
    const l = log()
    await send(l, 1, 1, 0, 0)
    await send(l, 1, 2, 0, 0)
    expect(await send(l, 1, 1, 0, 1)).toMatchObject({ errorCode: 0, baseOffset: 2 })
    const two = Buffer.concat([
      await batch({ records: [{ key: 'a', value: 'b' }], producerId: 3, firstSequence: 0 }),
      await batch({ records: [{ key: 'a', value: 'b' }], producerId: 3, firstSequence: 1 }),
    ])
    expect(l.append(two, 1).errorCode).toBe(ErrorCode.INVALID_RECORD)
  })

  it('forgets producers whose data was deleted, then accepts them at any sequence', async () => {
    const l = log()
    await send(l, 2, 5, 0, 0)
    await send(l, 2, 6, 0, 0)
    l.deleteRecordsBefore(2)
    expect((await send(l, 1, 5, 0, 40)).errorCode).toBe(0)
    expect((await send(l, 1, 6, 0, 40)).errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER)
  })
})
