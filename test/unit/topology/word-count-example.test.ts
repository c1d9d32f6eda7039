import { describe, expect, it } from 'vitest'
import { buildWordCountTopology } from '../../../examples/word-count.js'
import { KeyValue, Serdes, TopologyTestDriver } from '../../../topology/index.js'

describe('examples/word-count.ts', () => {
  it("counts words; the driver commits after every record, repartitioned ones included, as Kafka Streams does", async () => {
    const driver = new TopologyTestDriver(buildWordCountTopology({ input: 'lines', output: 'counts-out', store: 'wc' }))
    try {
      const lines = driver.createInputTopic('lines', Serdes.String(), Serdes.String())
      await lines.pipeInput(null, 'Hello world', 1)
      await lines.pipeInput(null, 'hello hello', 2)
      expect(driver.createOutputTopic('counts-out', Serdes.String(), Serdes.Long()).readKeyValuesToList()).toEqual([
        KeyValue.pair('hello', 1),
        KeyValue.pair('world', 1),
        KeyValue.pair('hello', 2),
        KeyValue.pair('hello', 3),
      ])
      expect(await driver.getKeyValueStore('wc').get('hello')).toBe(3)
    } finally {
      await driver.close()
    }
  })
})
