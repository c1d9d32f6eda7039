// Kafka Streams' ResponseJoinProcessorSupplierTest (responses answering an older value are dropped by
// hash) and SubscriptionSendProcessorSupplierTest (the instructions sent per update), one processor at
// a time with an in-memory context.
import { describe, expect, it } from 'vitest'
import { Serdes } from '../../../../topology/index.js'
import type { Serde } from '../../../../stores/serde.js'
import type { ValueGetterSupplier } from '../../../../topology/dsl/table-value-sources.js'
import type { Processor, ProcessorContext } from '../../../../topology/processor/processor.js'
import type { Record } from '../../../../topology/processor/record.js'
import { murmur3Hash128 } from '../../../../topology/joins/foreign-key/murmur3.js'
import { FkJoinPseudoTopics } from '../../../../topology/joins/foreign-key/pseudo-topics.js'
import { ResponseJoinProcessor } from '../../../../topology/joins/foreign-key/response-join-processor.js'
import { SubscriptionSendProcessor } from '../../../../topology/joins/foreign-key/subscription-send-processor.js'
import { Instruction } from '../../../../topology/joins/foreign-key/subscription-wrapper.js'

const S = Serdes.String() as Serde<string>

function fakeContext<K, V>(partition = 0) {
  const forwarded: Record<K, V>[] = []
  const ctx = {
    applicationId: 'app',
    taskId: `0_${partition}`,
    partition,
    forward: (r: Record<K, V>) => void forwarded.push(r),
    getStateStore: () => {
      throw new Error('no stores here')
    },
  } as unknown as ProcessorContext<K, V>
  return { ctx, forwarded }
}

function mapGetter(map: Map<string, string | null>): ValueGetterSupplier<string, string> {
  return {
    storeNames: [],
    get: () => (key) => {
      const v = map.get(key) ?? null
      return v === null ? null : { value: v, timestamp: -1 }
    },
  }
}

const JOINER = (v1: string | null, v2: string | null) => `(${v1},${v2})`
const hashOf = (s: string) => murmur3Hash128(Buffer.from(s, 'utf8'))

describe('ResponseJoinProcessor (ResponseJoinProcessorSupplierTest)', () => {
  async function run(leftJoin: boolean, lhs: string | null, hash: readonly [bigint, bigint] | null, foreignValue: string | null) {
    const values = new Map<string, string | null>([['lhs1', lhs]])
    const processor = new ResponseJoinProcessor<string, string, string, string>(mapGetter(values), S, new FkJoinPseudoTopics('X-topic'), JOINER, leftJoin)
    const { ctx, forwarded } = fakeContext<string, string | null>()
    processor.init(ctx)
    await processor.process({ key: 'lhs1', value: { originalValueHash: hash, foreignValue, version: 0, primaryPartition: 0 }, timestamp: 0, headers: {} })
    return forwarded.map((r) => [r.key, r.value, r.timestamp])
  }

  it('shouldNotForwardWhenHashDoesNotMatch', async () => {
    expect(await run(false, 'lhsValue', hashOf('oldLhsValue'), 'rhsValue')).toEqual([])
  })
  it('shouldIgnoreUpdateWhenLeftHasBecomeNull', async () => {
    expect(await run(false, null, hashOf('lhsValue'), 'rhsValue')).toEqual([])
  })
  it('shouldForwardWhenHashMatches', async () => {
    expect(await run(false, 'lhsValue', hashOf('lhsValue'), 'rhsValue')).toEqual([['lhs1', '(lhsValue,rhsValue)', 0]])
  })
  it('shouldEmitTombstoneForInnerJoinWhenRightIsNull', async () => {
    expect(await run(false, 'lhsValue', hashOf('lhsValue'), null)).toEqual([['lhs1', null, 0]])
  })
  it('shouldEmitResultForLeftJoinWhenRightIsNull', async () => {
    expect(await run(true, 'lhsValue', hashOf('lhsValue'), null)).toEqual([['lhs1', '(lhsValue,null)', 0]])
  })
  it('shouldEmitTombstoneForLeftJoinWhenRightIsNullAndLeftIsNull', async () => {
    expect(await run(true, null, null, null)).toEqual([['lhs1', null, 0]])
  })
  it('rejects a response of an unknown version, naming it', async () => {
    const processor = new ResponseJoinProcessor<string, string, string, string>(mapGetter(new Map()), S, new FkJoinPseudoTopics('X-topic'), JOINER, false)
    processor.init(fakeContext<string, string | null>().ctx)
    await expect(
      processor.process({ key: 'k', value: { originalValueHash: null, foreignValue: null, version: 1, primaryPartition: 0 }, timestamp: 0, headers: {} }),
    ).rejects.toMatchObject({ code: 'FK_JOIN_UNSUPPORTED_VERSION', wrapper: 'SubscriptionResponseWrapper' })
  })
})

describe('SubscriptionSendProcessor (SubscriptionSendProcessorSupplierTest)', () => {
  // LeftValue(foreignKey): the value is the foreign key itself, or null for "no foreign key"
  type LeftValue = { fk: string | null }
  const valueSerde: Serde<LeftValue> = {
    serialize: (_t, v) => (v === null ? null : Buffer.from(JSON.stringify(v))),
    deserialize: (_t, b) => (b === null ? null : JSON.parse(b.toString())),
  }
  const hash = (v: LeftValue) => murmur3Hash128(valueSerde.serialize('', v)!)
  const pk = 'pk'
  const fk1 = 'fk1'
  const fk2 = 'fk2'

  async function send(leftJoin: boolean, newValue: LeftValue | null, oldValue: LeftValue | null) {
    const p: Processor<string, { newValue: LeftValue | null; oldValue: LeftValue | null }, string | null, unknown> = new SubscriptionSendProcessor<string, LeftValue, string>(
      (v) => v.fk,
      S,
      valueSerde,
      new FkJoinPseudoTopics('X-topic'),
      leftJoin,
    )
    const { ctx, forwarded } = fakeContext<string | null, any>(0)
    p.init!(ctx)
    await p.process({ key: pk, value: { newValue, oldValue }, timestamp: 0, headers: {} })
    return forwarded.map((r) => [r.key, r.value.hash, r.value.instruction, r.value.primaryKey, r.value.primaryPartition])
  }

  const v = (fk: string | null): LeftValue => ({ fk })

  it('leftJoinShouldPropagateNewPrimaryKeyWithNonNullFK', async () => {
    expect(await send(true, v(fk1), null)).toEqual([[fk1, hash(v(fk1)), Instruction.PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE, pk, 0]])
  })
  it('leftJoinShouldPropagateNewPrimaryKeyWithNullFK', async () => {
    expect(await send(true, v(null), null)).toEqual([[null, hash(v(null)), Instruction.PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE, pk, 0]])
  })
  it('leftJoinShouldPropagateChangeOfFKFromNonNullToNonNullValue', async () => {
    const out = await send(true, v(fk2), v(fk1))
    expect(out).toHaveLength(2)
    expect(out[0]).toEqual([fk1, hash(v(fk2)), Instruction.DELETE_KEY_AND_PROPAGATE, pk, 0])
    expect(out[1]).toEqual([fk2, hash(v(fk2)), Instruction.PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE, pk, 0])
  })
  it('leftJoinShouldPropagateNewRecordOfUnchangedFK', async () => {
    expect(await send(true, v(fk1), v(fk1))).toEqual([[fk1, hash(v(fk1)), Instruction.PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE, pk, 0]])
  })
  it('leftJoinShouldPropagateChangeOfFKFromNonNullToNullValue', async () => {
    const out = await send(true, v(null), v(fk1))
    expect(out[0]).toEqual([fk1, hash(v(null)), Instruction.DELETE_KEY_AND_PROPAGATE, pk, 0])
  })
  it('leftJoinShouldPropagateChangeFromNullFKToNonNullFKValue', async () => {
    expect(await send(true, v(fk1), v(null))).toEqual([[fk1, hash(v(fk1)), Instruction.PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE, pk, 0]])
  })
  it('leftJoinShouldPropagateChangeFromNullFKToNullFKValue', async () => {
    expect(await send(true, v(null), v(null))).toEqual([[null, hash(v(null)), Instruction.PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE, pk, 0]])
  })
  it('leftJoinShouldPropagateDeletionOfAPrimaryKey', async () => {
    const out = await send(true, null, v(fk1))
    expect(out[0]).toEqual([fk1, null, Instruction.DELETE_KEY_AND_PROPAGATE, pk, 0])
  })
  it('leftJoinShouldPropagateDeletionOfAPrimaryKeyThatHadNullFK', async () => {
    expect(await send(true, null, v(null))).toEqual([[null, null, Instruction.PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE, pk, 0]])
  })
  it('leftJoinShouldPropagateNothingWhenOldAndNewLeftValueIsNull', async () => {
    expect(await send(true, null, null)).toEqual([])
  })
  it('innerJoinShouldPropagateNewPrimaryKey', async () => {
    expect(await send(false, v(fk1), null)).toEqual([[fk1, hash(v(fk1)), Instruction.PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE, pk, 0]])
  })
  it('innerJoinShouldNotPropagateNewPrimaryKeyWithNullFK', async () => {
    expect(await send(false, v(null), null)).toEqual([])
  })
  it('innerJoinShouldDeleteOldAndPropagateNewFK', async () => {
    expect(await send(false, v(fk2), v(fk1))).toEqual([
      [fk1, hash(v(fk2)), Instruction.DELETE_KEY_NO_PROPAGATE, pk, 0],
      [fk2, hash(v(fk2)), Instruction.PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE, pk, 0],
    ])
  })
  it('innerJoinShouldPropagateNothingWhenOldAndNewFKIsNull', async () => {
    expect(await send(false, v(null), v(null))).toEqual([])
  })
  it('innerJoinShouldPropagateDeletionOfPrimaryKey', async () => {
    expect(await send(false, null, v(fk1))).toEqual([[fk1, null, Instruction.DELETE_KEY_AND_PROPAGATE, pk, 0]])
  })
  it('innerJoinShouldPropagateNothingWhenOldAndNewLeftValueIsNull', async () => {
    expect(await send(false, null, null)).toEqual([])
  })
  it('carries the task partition as the primary partition (where the response goes back)', async () => {
    const p = new SubscriptionSendProcessor<string, LeftValue, string>((x) => x.fk, S, valueSerde, new FkJoinPseudoTopics('X-topic'), false)
    const { ctx, forwarded } = fakeContext<string | null, any>(7)
    p.init(ctx)
    await p.process({ key: pk, value: { newValue: v(fk1), oldValue: null }, timestamp: 0, headers: {} })
    expect(forwarded[0].value.primaryPartition).toBe(7)
  })
  it('KIP-1104: the extractor also gets the primary key', async () => {
    const seen: [unknown, unknown][] = []
    const p = new SubscriptionSendProcessor<string, LeftValue, string>((value, key) => (seen.push([value, key]), `${key}-${value.fk}`), S, valueSerde, new FkJoinPseudoTopics('X-topic'), false)
    const { ctx, forwarded } = fakeContext<string | null, any>(0)
    p.init(ctx)
    await p.process({ key: pk, value: { newValue: v(fk2), oldValue: v(fk1) }, timestamp: 0, headers: {} })
    expect(seen).toEqual([[v(fk1), pk], [v(fk2), pk]])
    expect(forwarded.map((r) => r.key)).toEqual(['pk-fk1', 'pk-fk2'])
  })
})
