import { afterEach, describe, expect, it } from 'vitest'
import { Consumed, Grouped, KeyValue, Produced, Serdes, StreamsBuilder, TopologyTestDriver } from '../../../topology/index.js'

const S = Serdes.String()
const L = Serdes.Long()
let driver: TopologyTestDriver | null = null
afterEach(async () => {
  await driver?.close()
  driver = null
})

describe('a table-table join feeding a KGroupedTable', () => {
  it('sends old join results, so downstream counts move rows between groups and drop deleted ones', async () => {
    const b = new StreamsBuilder()
    const regions = b.table('regions', Consumed.with(S, S))
    const plans = b.table('plans', Consumed.with(S, S))
    regions
      .join(plans, (region, plan) => `${region}/${plan}`)
      .groupBy((_user, v) => KeyValue.pair(v, v), Grouped.with(S, S))
      .count()
      .toStream()
      .to('per-group', Produced.with(S, L))
    driver = new TopologyTestDriver(b.build())
    const r = driver.createInputTopic('regions', S, S)
    const p = driver.createInputTopic('plans', S, S)
    await r.pipeInput('u1', 'eu', 1)
    await p.pipeInput('u1', 'pro', 2) // eu/pro = 1
    await r.pipeInput('u2', 'eu', 3)
    await p.pipeInput('u2', 'pro', 4) // eu/pro = 2
    await r.pipeInput('u1', 'us', 5) // u1 moves: eu/pro = 1, us/pro = 1
    await p.pipeInput('u2', null, 6) // u2's result disappears: eu/pro = 0
    const counts = driver.createOutputTopic('per-group', S, L).readKeyValuesToList()
    expect(counts.map((kv) => `${kv.key}=${kv.value}`)).toEqual(['eu/pro=1', 'eu/pro=2', 'eu/pro=1', 'us/pro=1', 'eu/pro=0'])
  })
})
