import { describe, expect, it } from 'vitest'
import { encodeRequest } from '../../../../protocol/headers.js'
import { encodeRecordBatch } from '../../../../protocol/records/index.js'
import { produceFrame } from '../../../../lib/clients/lean/producer/produce-frame.js'

describe('produceFrame', () => {
  const batch = (v: string) => encodeRecordBatch({ records: [{ key: null, value: Buffer.from(v), timestamp: 1 }] })
  const topics = new Map([
    ['tópico-a', [{ partition: 0, batch: batch('x') }, { partition: 3, batch: batch('yy') }]],
    ['b', [{ partition: 1, batch: batch('zzz') }]],
    ['a-topic-name-longer-than-any-fixed-room-a-frame-buffer-could-assume-for-it-' + 'x'.repeat(150), [{ partition: 2, batch: batch('w') }, { partition: 5, batch: batch('v') }]],
  ])

  for (const version of [3, 7, 8, 9, 11, 12]) {
    for (const txnId of [null, 'txn-ä']) {
      it(`writes the bytes of the generated codec at v${version} (transactional id ${txnId})`, () => {
        const chunks = produceFrame(version, 42, 'client-é', txnId, -1, 30000, topics)
        const frame = Buffer.concat(chunks)
        const expected = encodeRequest(
          { requestApiKey: 0, requestApiVersion: version, correlationId: 42, clientId: 'client-é' },
          { transactionalId: txnId, acks: -1, timeoutMs: 30000, topicData: [...topics].map(([name, ps]) => ({ name, partitionData: ps.map(p => ({ index: p.partition, records: p.batch })) })) },
        )
        expect(frame.readInt32BE(0)).toBe(frame.length - 4)
        expect(frame.subarray(4).equals(expected)).toBe(true)
        // The batches are written as given, not copied.
        expect(chunks).toContain(topics.get('b')![0]!.batch)
      })
    }
  }
})
