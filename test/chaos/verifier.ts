// Compares what the outputs hold (read_committed) with what the input holds: lost and duplicated
// records in the copy, final aggregates per key against count and sum recomputed from the input,
// poison pills in the dead-letter topic, and problems of the input itself.
import { seqOf } from './input-producer.js'
import { offsetRanges } from './ranges.js'
import { readTopic } from './read-topic.js'
import { parseInput, parsePill, TOPICS, type Aggregate } from './topology.js'

export interface Verification {
  inputRecords: number
  inputPills: number
  /** Sequence numbers the producer sent but the input topic lacks, or holds more than once. */
  inputMissing: number
  inputDuplicated: number
  copyRecords: number
  lost: number
  duplicated: number
  aggregatesLow: number
  aggregatesHigh: number
  aggregatesMissing: number
  pillsInOutputs: number
  pillsInDlq: number
  pillsMissingFromDlq: number
  pillsDuplicatedInDlq: number
  /** Where in the input the lost and the duplicated records are: partition@offset ranges. */
  lostRanges: string[]
  duplicatedRanges: string[]
  /** Up to a few examples of each problem, with partitions and offsets. */
  examples: string[]
  complete: boolean
}

interface InputSeq {
  count: number
  partition: number
  offset: number
  key: string
}

export async function verify(brokers: string[], opts: { produced: number; deadLetter: boolean; exactlyOnce: boolean }): Promise<Verification> {
  const examples: string[] = []
  // A few of each kind of problem (the kind is the text before the colon).
  const perKind = new Map<string, number>()
  const example = (what: string) => {
    const kind = what.slice(0, what.indexOf(':'))
    const n = perKind.get(kind) ?? 0
    perKind.set(kind, n + 1)
    if (n < 8) examples.push(what)
  }
  const input = new Map<number, InputSeq>()
  const pills = new Map<number, InputSeq>()
  const expected = new Map<string, Aggregate>()
  let inputRecords = 0
  let inputPills = 0
  await readTopic(brokers, TOPICS.input, r => {
    const v = parseInput(r.value)
    const pill = v ? null : parsePill(r.value)
    const seq = v ? v.seq : pill
    if (seq === null) {
      example(`input: unparseable record at ${TOPICS.input}-${r.partition}@${r.offset}`)
      return
    }
    const into = v ? input : pills
    const e = into.get(seq)
    if (e) e.count++
    else into.set(seq, { count: 1, partition: r.partition, offset: r.offset, key: r.key })
    if (v) {
      inputRecords++
      const agg = expected.get(r.key) ?? { count: 0, sum: 0 }
      agg.count++
      agg.sum += v.amount
      expected.set(r.key, agg)
    } else inputPills++
  })
  let inputMissing = 0
  let inputDuplicated = 0
  for (let seq = 0; seq < opts.produced; seq++) {
    const e = input.get(seq) ?? pills.get(seq)
    if (!e) {
      inputMissing++
      example(`input: seq ${seq} was sent but is not in ${TOPICS.input}`)
    } else if (e.count > 1) {
      inputDuplicated += e.count - 1
      example(`input: seq ${seq} is in ${TOPICS.input} ${e.count} times (first at p${e.partition}@${e.offset})`)
    }
  }

  const copies = new Map<number, number>()
  let copyRecords = 0
  let pillsInOutputs = 0
  await readTopic(brokers, TOPICS.copy, r => {
    copyRecords++
    const v = parseInput(r.value)
    if (!v) {
      pillsInOutputs++
      example(`copy: a record that is not "seq,amount" at ${TOPICS.copy}-${r.partition}@${r.offset}: ${r.value.slice(0, 40)}`)
      return
    }
    copies.set(v.seq, (copies.get(v.seq) ?? 0) + 1)
  })
  let lost = 0
  let duplicated = 0
  const lostAt: InputSeq[] = []
  const duplicatedAt: InputSeq[] = []
  for (const [seq, e] of input) {
    const n = copies.get(seq) ?? 0
    if (n < e.count) {
      lost += e.count - n
      lostAt.push(e)
      example(`lost: seq ${seq} (key ${e.key}, input p${e.partition}@${e.offset}) is not in ${TOPICS.copy}`)
    } else if (n > e.count) {
      duplicated += n - e.count
      duplicatedAt.push(e)
      if (opts.exactlyOnce) example(`duplicated: seq ${seq} (key ${e.key}, input p${e.partition}@${e.offset}) is ${n} times in ${TOPICS.copy}`)
    }
  }
  for (const seq of copies.keys()) if (!input.has(seq)) example(`copy: seq ${seq} is in ${TOPICS.copy} but not in the input`)

  const finals = new Map<string, { agg: Aggregate; partition: number; offset: number }>()
  await readTopic(brokers, TOPICS.agg, r => {
    try {
      finals.set(r.key, { agg: JSON.parse(r.value) as Aggregate, partition: r.partition, offset: r.offset })
    } catch {
      example(`aggregate: unparseable value at ${TOPICS.agg}-${r.partition}@${r.offset}`)
    }
  })
  let aggregatesLow = 0
  let aggregatesHigh = 0
  let aggregatesMissing = 0
  for (const [key, want] of expected) {
    const got = finals.get(key)
    if (!got) {
      aggregatesMissing++
      example(`aggregate: key ${key} has no aggregate in ${TOPICS.agg} (expected count ${want.count})`)
    } else if (got.agg.count < want.count || got.agg.sum < want.sum) {
      aggregatesLow++
      // One update short: the missing amount names the record (see amountOf).
      const one = want.count - got.agg.count === 1 ? input.get(seqOf(key, want.sum - got.agg.sum)) : undefined
      const which = one ? `; missing: seq ${seqOf(key, want.sum - got.agg.sum)} at input p${one.partition}@${one.offset}` : ''
      example(`aggregate low: key ${key} count ${got.agg.count}/${want.count} sum ${got.agg.sum}/${want.sum} (last at p${got.partition}@${got.offset})${which}`)
    } else if (got.agg.count !== want.count || got.agg.sum !== want.sum) {
      aggregatesHigh++
      if (opts.exactlyOnce) example(`aggregate high: key ${key} count ${got.agg.count}/${want.count} sum ${got.agg.sum}/${want.sum} (last at p${got.partition}@${got.offset})`)
    }
  }

  let pillsInDlq = 0
  let pillsMissingFromDlq = 0
  let pillsDuplicatedInDlq = 0
  if (opts.deadLetter && pills.size > 0) {
    const dead = new Map<number, number>()
    await readTopic(brokers, TOPICS.dlq, r => {
      const seq = parsePill(r.value)
      if (seq === null) {
        example(`dlq: a record that is not a pill at ${TOPICS.dlq}-${r.partition}@${r.offset}`)
        return
      }
      pillsInDlq++
      dead.set(seq, (dead.get(seq) ?? 0) + 1)
    })
    for (const [seq, e] of pills) {
      const n = dead.get(seq) ?? 0
      if (n < e.count) {
        pillsMissingFromDlq += e.count - n
        example(`dlq: pill seq ${seq} (input p${e.partition}@${e.offset}) is not in ${TOPICS.dlq}`)
      } else if (n > e.count) {
        pillsDuplicatedInDlq += n - e.count
        if (opts.exactlyOnce) example(`dlq: pill seq ${seq} (input p${e.partition}@${e.offset}) is ${n} times in ${TOPICS.dlq}`)
      }
    }
  }
  const complete = lost === 0 && aggregatesLow === 0 && aggregatesMissing === 0 && pillsMissingFromDlq === 0
  return {
    inputRecords,
    inputPills,
    inputMissing,
    inputDuplicated,
    copyRecords,
    lost,
    duplicated,
    aggregatesLow,
    aggregatesHigh,
    aggregatesMissing,
    pillsInOutputs,
    pillsInDlq,
    pillsMissingFromDlq,
    pillsDuplicatedInDlq,
    lostRanges: offsetRanges(lostAt),
    duplicatedRanges: offsetRanges(duplicatedAt),
    examples,
    complete,
  }
}
