// Kafka Streams' TableTableJoinIntegrationTest, the versioned cases, through TopologyTestDriver with
// the same inputs and expected outputs (AbstractJoinIntegrationTest's input; timestamps relative to
// a base time). Out-of-order updates of a versioned side change no join result; the result is kept
// in an unversioned, uncached store, checked at the end as checkQueryableStore does.
import { afterEach, describe, expect, it } from 'vitest'
import { Consumed, Materialized, Produced, Serdes, StreamsBuilder, TopologyTestDriver } from '../../../topology/index.js'
import type { KTable } from '../../../topology/index.js'
import { Stores } from '../../../stores/stores.js'

const L = Serdes.Long()
const S = Serdes.String()
const LEFT = 'inputTopicLeft' as const
const RIGHT = 'inputTopicRight' as const
const OUTPUT = 'outputTopic'
const STORE_NAME = 'table-table-join-integration-test-store'
const ANY_UNIQUE_KEY = 0
const BASE = 1_600_000_000_000
const FIVE_MINUTES = 5 * 60_000

let driver: TopologyTestDriver | null = null
afterEach(async () => {
  await driver?.close()
  driver = null
})

// AbstractJoinIntegrationTest.input: [topic, value, timestamp]
const input: [typeof LEFT | typeof RIGHT, string | null, number][] = [
  [LEFT, null, 1], [RIGHT, null, 2], [LEFT, 'A', 3], [RIGHT, 'a', 4], [LEFT, 'B', 5], [RIGHT, 'b', 6],
  [LEFT, null, 7], [RIGHT, null, 8], [LEFT, 'C', 9], [RIGHT, 'c', 10], [RIGHT, null, 11], [LEFT, null, 12],
  [RIGHT, null, 13],
  [RIGHT, 'd', 7], // out-of-order data with null as latest
  [LEFT, 'D', 6], [LEFT, null, 2], [RIGHT, null, 3], [RIGHT, 'e', 14], [LEFT, 'E', 15],
  [LEFT, null, 10], // out-of-order data with non-null as latest
  [RIGHT, null, 9], [LEFT, 'F', 4], [RIGHT, 'f', 3],
]

type Step = [string | null, number] | null
type Kind = 'join' | 'leftJoin' | 'outerJoin'

function topology(kind: Kind, leftVersioned: boolean, rightVersioned: boolean) {
  const builder = new StreamsBuilder()
  const side = (topic: string, name: string, versioned: boolean) =>
    builder.table(
      topic,
      Consumed.with(L, S),
      versioned
        ? Materialized.as<number, string>(Stores.persistentVersionedKeyValueStore(name, FIVE_MINUTES)).withLoggingDisabled()
        : Materialized.as<number, string>(name).withLoggingDisabled(),
    )
  const left = side(LEFT, 'left', leftVersioned)
  const right = side(RIGHT, 'right', rightVersioned)
  const materialized = Materialized.as<number, string>(STORE_NAME).withKeySerde(L).withValueSerde(S).withCachingDisabled().withLoggingDisabled()
  const joiner = (v1: string | null, v2: string | null) => `${v1}-${v2}`
  const joined: KTable<number, string> = (left[kind] as any)(right, joiner, materialized)
  joined.toStream().to(OUTPUT, Produced.with(L, S))
  return builder.build()
}

/** Pipes the input; with `perStep`, checks what each input record produced. Returns all output. */
async function pipeAll(kind: Kind, leftVersioned: boolean, rightVersioned: boolean, cacheEnabled: boolean, perStep?: Step[]) {
  driver = new TopologyTestDriver(topology(kind, leftVersioned, rightVersioned), cacheEnabled ? {} : { cacheMaxBytes: 0 })
  const topics = { [LEFT]: driver.createInputTopic(LEFT, L, S), [RIGHT]: driver.createInputTopic(RIGHT, L, S) }
  const out = driver.createOutputTopic(OUTPUT, L, S)
  const read = () => out.readRecordsToList().map((r) => [r.key, r.value, r.timestamp - BASE])
  const all: unknown[][] = []
  for (let i = 0; i < input.length; i++) {
    const [topic, value, ts] = input[i]
    await topics[topic].pipeInput(ANY_UNIQUE_KEY, value, BASE + ts)
    const got = read()
    all.push(...got)
    if (perStep) expect({ step: i, got }).toEqual({ step: i, got: perStep[i] === null ? [] : [[ANY_UNIQUE_KEY, ...perStep[i]!]] })
  }
  return all
}

/** runTestWithDriver with one expectation per input record (caching disabled), then checkQueryableStore. */
async function runPerStep(kind: Kind, leftVersioned: boolean, rightVersioned: boolean, expected: Step[], cacheEnabled = false) {
  expect(expected).toHaveLength(input.length)
  await pipeAll(kind, leftVersioned, rightVersioned, cacheEnabled, expected)
  const last = [...expected].reverse().find((e) => e !== null)!
  await checkQueryableStore(last)
}

/** runTestWithDriver with only the final result (caching enabled), then checkQueryableStore. */
async function runFinal(kind: Kind, leftVersioned: boolean, rightVersioned: boolean, final: [string, number]) {
  const all = await pipeAll(kind, leftVersioned, rightVersioned, true)
  expect(all[all.length - 1]).toEqual([ANY_UNIQUE_KEY, ...final])
  await checkQueryableStore(final)
}

async function checkQueryableStore([value, ts]: [string | null, number]) {
  const entries = []
  for await (const kv of driver!.getTimestampedKeyValueStore<number, string>(STORE_NAME).all()) entries.push(kv)
  expect(entries).toEqual([{ key: ANY_UNIQUE_KEY, value: { value, timestamp: BASE + ts } }])
}

const _ = null
// both sides versioned: the same with and without caching (versioned stores have none)
const INNER_BOTH: Step[] = [_, _, _, ['A-a', 4], ['B-a', 5], ['B-b', 6], [null, 7], _, _, ['C-c', 10], [null, 11], _, _, _, _, _, _, _, ['E-e', 15], _, _, _, _]
const LEFT_BOTH: Step[] = [
  _, _, ['A-null', 3], ['A-a', 4], ['B-a', 5], ['B-b', 6], [null, 7], _, ['C-null', 9], ['C-c', 10], ['C-null', 11], [null, 12],
  _, _, _, _, _, _, ['E-e', 15], _, _, _, _,
]
const OUTER_BOTH: Step[] = [
  _, _, ['A-null', 3], ['A-a', 4], ['B-a', 5], ['B-b', 6], ['null-b', 7], [null, 8], ['C-null', 9], ['C-c', 10], ['C-null', 11], [null, 12],
  _, _, _, _, _, ['null-e', 14], ['E-e', 15], _, _, _, _,
]
const INNER_LEFT_ONLY: Step[] = [
  _, _, _, ['A-a', 4], ['B-a', 5], ['B-b', 6], [null, 7], _, _, ['C-c', 10], [null, 11], _, _, _, _, _, _, _, ['E-e', 15], _, [null, 15], _, ['E-f', 15],
]
const LEFT_LEFT_ONLY: Step[] = [
  _, _, ['A-null', 3], ['A-a', 4], ['B-a', 5], ['B-b', 6], [null, 7], _, ['C-null', 9], ['C-c', 10], ['C-null', 11], [null, 12],
  _, _, _, _, _, _, ['E-e', 15], _, ['E-null', 15], _, ['E-f', 15],
]
const OUTER_LEFT_ONLY: Step[] = [
  _, _, ['A-null', 3], ['A-a', 4], ['B-a', 5], ['B-b', 6], ['null-b', 7], [null, 8], ['C-null', 9], ['C-c', 10], ['C-null', 11], [null, 12],
  _, ['null-d', 7], _, _, [null, 3], ['null-e', 14], ['E-e', 15], _, ['E-null', 15], _, ['E-f', 15],
]
const INNER_RIGHT_ONLY: Step[] = [
  _, _, _, ['A-a', 4], ['B-a', 5], ['B-b', 6], [null, 7], _, _, ['C-c', 10], [null, 11], _, _, _, _, _, _, _, ['E-e', 15], [null, 14], _, ['F-e', 14], _,
]
const LEFT_RIGHT_ONLY: Step[] = [
  _, _, ['A-null', 3], ['A-a', 4], ['B-a', 5], ['B-b', 6], [null, 7], _, ['C-null', 9], ['C-c', 10], ['C-null', 11], [null, 12],
  _, _, ['D-null', 6], [null, 2], _, _, ['E-e', 15], [null, 14], _, ['F-e', 14], _,
]
const OUTER_RIGHT_ONLY: Step[] = [
  _, _, ['A-null', 3], ['A-a', 4], ['B-a', 5], ['B-b', 6], ['null-b', 7], [null, 8], ['C-null', 9], ['C-c', 10], ['C-null', 11], [null, 12],
  _, _, ['D-null', 6], [null, 2], _, ['null-e', 14], ['E-e', 15], ['null-e', 14], _, ['F-e', 14], _,
]

describe('TableTableJoinIntegrationTest (versioned)', () => {
  for (const cacheEnabled of [true, false]) {
    it(`testInnerWithVersionedStores (cache ${cacheEnabled})`, () => runPerStep('join', true, true, INNER_BOTH, cacheEnabled))
    it(`testLeftWithVersionedStores (cache ${cacheEnabled})`, () => runPerStep('leftJoin', true, true, LEFT_BOTH, cacheEnabled))
    it(`testOuterWithVersionedStores (cache ${cacheEnabled})`, () => runPerStep('outerJoin', true, true, OUTER_BOTH, cacheEnabled))
  }
  it('testInnerWithLeftVersionedOnly (cache false)', () => runPerStep('join', true, false, INNER_LEFT_ONLY))
  it('testLeftWithLeftVersionedOnly (cache false)', () => runPerStep('leftJoin', true, false, LEFT_LEFT_ONLY))
  it('testOuterWithLeftVersionedOnly (cache false)', () => runPerStep('outerJoin', true, false, OUTER_LEFT_ONLY))
  it('testInnerWithRightVersionedOnly (cache false)', () => runPerStep('join', false, true, INNER_RIGHT_ONLY))
  it('testLeftWithRightVersionedOnly (cache false)', () => runPerStep('leftJoin', false, true, LEFT_RIGHT_ONLY))
  it('testOuterWithRightVersionedOnly (cache false)', () => runPerStep('outerJoin', false, true, OUTER_RIGHT_ONLY))
  for (const kind of ['join', 'leftJoin', 'outerJoin'] as Kind[]) {
    it(`${kind} with the left side versioned only (cache true): the final result`, () => runFinal(kind, true, false, ['E-f', 15]))
    it(`${kind} with the right side versioned only (cache true): the final result`, () => runFinal(kind, false, true, ['F-e', 14]))
  }
})
