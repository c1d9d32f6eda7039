import { AssignerProtocol } from 'kafkajs'
import { describe, expect, it } from 'vitest'
import { decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription } from '../../../../lib/clients/lean/group/consumer-protocol.js'

describe('consumer protocol', () => {
  it('round-trips subscriptions and assignments, and kafkajs reads them', () => {
    const sub = encodeSubscription(['a', 'b'], Buffer.from('user'))
    expect(decodeSubscription(sub)).toMatchObject({ topics: ['a', 'b'], userData: Buffer.from('user') })
    expect(AssignerProtocol.MemberMetadata.decode(sub)).toMatchObject({ topics: ['a', 'b'], userData: Buffer.from('user') })
    const asg = encodeAssignment([{ topic: 'a', partitions: [0, 2] }], Buffer.from('info'))
    expect(decodeAssignment(asg)).toEqual({ assignedPartitions: [{ topic: 'a', partitions: [0, 2] }], userData: Buffer.from('info') })
    expect(AssignerProtocol.MemberAssignment.decode(asg)).toMatchObject({ assignment: { a: [0, 2] }, userData: Buffer.from('info') })
  })

  it('reads what kafkajs writes, and a newer version with fields it does not know', () => {
    const fromKafkajs = AssignerProtocol.MemberAssignment.encode({ version: 1, assignment: { t: [1] }, userData: Buffer.from('x') })
    expect(decodeAssignment(fromKafkajs)).toEqual({ assignedPartitions: [{ topic: 't', partitions: [1] }], userData: Buffer.from('x') })
    const v9 = Buffer.concat([encodeSubscription(['t'], null), Buffer.from([0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0xff, 1, 2, 3])])
    v9.writeInt16BE(9, 0)
    expect(decodeSubscription(v9).topics).toEqual(['t'])
    expect(decodeAssignment(Buffer.alloc(0)).assignedPartitions).toEqual([])
  })
})
