import { describe, expect, it } from 'vitest'
import { Serdes, TopologyTestDriver } from '../../../topology/index.js'
import { fraudTopology } from '../../../examples/fraud-detection.js'

const S = Serdes.String()
const L = Serdes.Long()

describe('examples/fraud-detection', () => {
  it('alerts once per card and closed minute, and routes late payments aside', async () => {
    const driver = new TopologyTestDriver(fraudTopology(), { applicationId: 'fraud' })
    try {
      const t0 = 1_800_000_000_000 - (1_800_000_000_000 % 60_000)
      await driver.createInputTopic('cards', S, S).pipeInput('c1', 'Ada', t0)
      const payments = driver.createInputTopic('payments', S, L)
      for (const s of [1, 2, 3, 4]) await payments.pipeInput('c1', 10, t0 + s * 1000)
      await payments.pipeInput('c2', 10, t0 + 5000)
      const alerts = driver.createOutputTopic('fraud-alerts', S, S)
      expect(alerts.isEmpty()).toBe(true) // the minute is still open
      await payments.pipeInput('c2', 10, t0 + 70_000) // stream time passes end + grace
      await payments.pipeInput('c1', 10, t0 + 30_000) // late for the closed minute
      expect(alerts.readKeyValuesToList()).toEqual([{ key: 'c1', value: `Ada: 4 payments in the minute from ${new Date(t0).toISOString()}` }])
      expect(driver.createOutputTopic('late-payments', S, L).readKeyValuesToList()).toEqual([{ key: 'c1', value: 10 }])
    } finally {
      await driver.close()
    }
  })
})
