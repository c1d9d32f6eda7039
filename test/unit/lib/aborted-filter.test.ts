import { describe, expect, it } from 'vitest'
import { filterAbortedInPlace } from '../../../lib/clients/kafkajs/aborted-filter.js'

interface Msg { offset: string; key: Buffer; isControlRecord?: boolean; batchContext: { producerId: string; inTransaction: boolean } }
const data = (offset: number, pid: string): Msg => ({ offset: String(offset), key: Buffer.from('k'), batchContext: { producerId: pid, inTransaction: true } })
const marker = (offset: number, pid: string, abort: boolean): Msg => ({
  offset: String(offset), key: Buffer.from([0, 0, 0, abort ? 0 : 1]), isControlRecord: true, batchContext: { producerId: pid, inTransaction: true },
})

describe('read_committed filtering of aborted transactions', () => {
  it('drops every aborted record when the broker lists aborted transactions in marker order', () => {
    // B starts first (offset 0), A at 1; A aborts first, so the broker lists [A, B].
    const messages = [data(0, 'B'), data(1, 'A'), data(2, 'B'), marker(3, 'A', true), data(4, 'C'), marker(5, 'B', true), data(6, 'A'), marker(7, 'A', false)]
    const partition = { abortedTransactions: [{ producerId: 'A', firstOffset: '1' }, { producerId: 'B', firstOffset: '0' }], messages }
    filterAbortedInPlace(partition)
    const visible = messages.filter(m => !m.isControlRecord).map(m => m.offset)
    expect(visible).toEqual(['4', '6']) // C's record and A's later committed one
    expect(partition.abortedTransactions).toEqual([])
  })

  it('registers several aborted transactions that began before the fetch offset at once', () => {
    const messages = [data(10, 'A'), data(11, 'B'), marker(12, 'A', true), marker(13, 'B', true), data(14, 'A')]
    filterAbortedInPlace({ abortedTransactions: [{ producerId: 'A', firstOffset: 2 }, { producerId: 'B', firstOffset: 5 }], messages })
    expect(messages.filter(m => !m.isControlRecord).map(m => m.offset)).toEqual(['14'])
  })
})
