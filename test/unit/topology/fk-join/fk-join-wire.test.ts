// Kafka Streams' Murmur3Test (128-bit), SubscriptionWrapperSerdeTest, SubscriptionResponseWrapperSerdeTest
// and CombinedKeySchemaTest, plus the exact bytes of each wire format.
import { describe, expect, it } from 'vitest'
import { Serdes } from '../../../../topology/index.js'
import { CombinedKeySchema } from '../../../../topology/joins/foreign-key/combined-key.js'
import { murmur3Hash128 } from '../../../../topology/joins/foreign-key/murmur3.js'
import { SubscriptionResponseWrapperSerde } from '../../../../topology/joins/foreign-key/subscription-response-wrapper.js'
import { Instruction, SubscriptionWrapperSerde, type SubscriptionWrapper } from '../../../../topology/joins/foreign-key/subscription-wrapper.js'
import type { Serde } from '../../../../stores/serde.js'

const S = Serdes.String() as Serde<string>
const I = Serdes.Integer() as Serde<number>
const hashedValue = murmur3Hash128(Buffer.from([0xff, 0xaa, 0x00, 0x19]))

describe('Murmur3 128 (Murmur3Test)', () => {
  it('testMurmur3_128: Java long[] results for seed 123', () => {
    const cases: [Buffer, [bigint, bigint]][] = [
      [Buffer.from('21'), [5857341059704281894n, -5288187638297930763n]],
      [Buffer.from('foobar'), [-351361463397418609n, 8959716011862540668n]],
      [Buffer.from('a-little-bit-long-string'), [8836256500583638442n, -198172363548498523n]],
      [Buffer.from('a-little-bit-longer-string'), [1838346159335108511n, 8794688210320490705n]],
      [Buffer.from('lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8'), [-4024021876037397259n, -1482317706335141238n]],
      [Buffer.from([0x61, 0x62, 0x63]), [1489494923063836066n, -5440978547625122829n]],
    ]
    for (const [bytes, expected] of cases) expect(murmur3Hash128(bytes, 123)).toEqual(expected)
  })
})

describe('SubscriptionWrapperSerde (SubscriptionWrapperSerdeTest)', () => {
  const serde = new SubscriptionWrapperSerde<string>(S, () => 'pkTopic')
  const roundTrip = (w: SubscriptionWrapper<string>) => serde.deserialize('t', serde.serialize('t', w))!

  it('shouldSerdeV0Test', () => {
    const w = { hash: hashedValue, instruction: Instruction.DELETE_KEY_AND_PROPAGATE, primaryKey: 'originalKey', version: 0, primaryPartition: null }
    expect(roundTrip(w)).toEqual(w)
  })

  it('shouldSerdeV1Test', () => {
    const w = { hash: hashedValue, instruction: Instruction.DELETE_KEY_AND_PROPAGATE, primaryKey: 'originalKey', version: 1, primaryPartition: 10 }
    expect(roundTrip(w)).toEqual(w)
  })

  it('shouldSerdeNullHashV0Test', () => {
    const w = { hash: null, instruction: Instruction.PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE, primaryKey: 'originalKey', version: 0, primaryPartition: null }
    expect(roundTrip(w)).toEqual(w)
  })

  it('shouldSerdeNullHashV1Test', () => {
    const w = { hash: null, instruction: Instruction.PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE, primaryKey: 'originalKey', version: 1, primaryPartition: 10 }
    expect(roundTrip(w)).toEqual(w)
  })

  it('shouldSerdeNullPrimaryPartitionOnV0Test', () => {
    const w = { hash: hashedValue, instruction: Instruction.PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE, primaryKey: 'originalKey', version: 0, primaryPartition: null }
    expect(roundTrip(w).primaryPartition).toBeNull()
  })

  it('shouldThrowExceptionOnNullPrimaryPartitionV1Test', () => {
    const w = { hash: hashedValue, instruction: Instruction.PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE, primaryKey: 'originalKey', version: 1, primaryPartition: null }
    expect(() => serde.serialize('t', w)).toThrow(/primary partition/)
  })

  it('shouldThrowExceptionOnUnsupportedVersionTest', () => {
    const w = { hash: null, instruction: Instruction.PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE, primaryKey: 'originalKey', version: 2, primaryPartition: 10 }
    expect(() => serde.serialize('t', w)).toThrow(/version 2/)
  })

  it("writes Kafka Streams' bytes: {hash-null bit|version}{instruction}{hash}{pk}{partition}", () => {
    const withHash = serde.serialize('t', { hash: [1n, -2n], instruction: Instruction.PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE, primaryKey: 'pk', version: 1, primaryPartition: 3 })!
    expect(withHash.toString('hex')).toBe('0102' + '0000000000000001' + 'fffffffffffffffe' + Buffer.from('pk').toString('hex') + '00000003')
    const noHash = serde.serialize('t', { hash: null, instruction: Instruction.DELETE_KEY_NO_PROPAGATE, primaryKey: 'pk', version: 0, primaryPartition: null })!
    expect(noHash.toString('hex')).toBe('8000' + Buffer.from('pk').toString('hex'))
  })

  it('serializes the primary key under the -pk pseudo-topic', () => {
    const topics: string[] = []
    const spy: Serde<string> = { serialize: (t, d) => (topics.push(t), S.serialize(t, d)), deserialize: (t, d) => (topics.push(t), S.deserialize(t, d)) }
    const s = new SubscriptionWrapperSerde<string>(spy, () => 'app-X-topic-pk')
    s.deserialize('real', s.serialize('real', { hash: null, instruction: 0, primaryKey: 'k', version: 1, primaryPartition: 0 }))
    expect(topics).toEqual(['app-X-topic-pk', 'app-X-topic-pk'])
  })

  it('refuses an unknown instruction byte', () => {
    expect(() => serde.deserialize('t', Buffer.from('8109' + '00000000', 'hex'))).toThrow(/Unknown instruction byte value = 9/)
  })
})

describe('SubscriptionResponseWrapperSerde (SubscriptionResponseWrapperSerdeTest)', () => {
  const serde = new SubscriptionResponseWrapperSerde<string>(S)
  const hash = murmur3Hash128(Buffer.from([0x01, 0x9a, 0xff, 0x00]))
  const roundTrip = (originalValueHash: readonly [bigint, bigint] | null, foreignValue: string | null) =>
    serde.deserialize('t', serde.serialize('t', { originalValueHash, foreignValue, version: 0, primaryPartition: 1 }))!

  it('ShouldSerdeWithNonNullsTest', () => {
    expect(roundTrip(hash, 'foreignValue')).toEqual({ originalValueHash: hash, foreignValue: 'foreignValue', version: 0, primaryPartition: null })
  })
  it('shouldSerdeWithNullForeignValueTest', () => {
    expect(roundTrip(hash, null)).toEqual({ originalValueHash: hash, foreignValue: null, version: 0, primaryPartition: null })
  })
  it('shouldSerdeWithNullHashTest', () => {
    expect(roundTrip(null, 'foreignValue')).toEqual({ originalValueHash: null, foreignValue: 'foreignValue', version: 0, primaryPartition: null })
  })
  it('shouldSerdeWithNullsTest', () => {
    expect(roundTrip(null, null)).toEqual({ originalValueHash: null, foreignValue: null, version: 0, primaryPartition: null })
  })
  it('shouldThrowExceptionWithBadVersionTest', () => {
    expect(() => serde.serialize('t', { originalValueHash: null, foreignValue: 'x', version: -1, primaryPartition: 1 })).toThrow(/negative/)
  })
  it("writes Kafka Streams' bytes: {hash-null bit|version}{hash}{value}", () => {
    expect(serde.serialize('t', { originalValueHash: [1n, 2n], foreignValue: 'v', version: 0, primaryPartition: 7 })!.toString('hex')).toBe(
      '00' + '0000000000000001' + '0000000000000002' + '76',
    )
    expect(serde.serialize('t', { originalValueHash: null, foreignValue: null, version: 0, primaryPartition: 7 })!.toString('hex')).toBe('80')
  })
})

describe('CombinedKeySchema (CombinedKeySchemaTest)', () => {
  const cks = new CombinedKeySchema<string, number>(S, I, () => 'fkTopic', () => 'pkTopic')

  it('nonNullPrimaryKeySerdeTest', () => {
    expect(cks.fromBytes(cks.toBytes('foreignKey', -999))).toEqual({ foreignKey: 'foreignKey', primaryKey: -999 })
  })
  it('nullPrimaryKeySerdeTest', () => {
    expect(() => cks.toBytes('foreignKey', null as unknown as number)).toThrow()
  })
  it('nullForeignKeySerdeTest', () => {
    expect(() => cks.toBytes(null as unknown as string, 10)).toThrow()
  })
  it('prefixKeySerdeTest', () => {
    const fk = Buffer.from('someForeignKey')
    expect(cks.prefixBytes('someForeignKey')).toEqual(Buffer.concat([Buffer.from([0, 0, 0, fk.length]), fk]))
  })
  it('nullPrefixKeySerdeTest', () => {
    expect(() => cks.prefixBytes(null as unknown as string)).toThrow()
  })
  it('the full key is {4-byte FK length}{FK}{PK}', () => {
    expect(cks.toBytes('fk', 1).toString('hex')).toBe('00000002' + '666b' + '00000001')
  })
})
