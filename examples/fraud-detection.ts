// Fraud detection with windowed aggregation, run under the TopologyTestDriver (no broker needed):
//
//   npx tsx examples/fraud-detection.ts
//
// Card payments arrive on `payments` (key: card id, value: amount in cents). A card making more than
// three payments within one minute is suspicious. Counts per card and minute are final only once the
// window closes (one minute plus 10 s of grace for late payments), so alerts come from
// `suppress(untilWindowCloses)`: one alert per card and window, never a retraction. Alerts are
// enriched with the card holder from the `cards` table; payments arriving after the grace period
// go to `late-payments` instead of vanishing.
import {
  Consumed,
  KeyValue,
  Materialized,
  Produced,
  Serdes,
  StreamsBuilder,
  Suppressed,
  TimeWindows,
  TopologyTestDriver,
  type Windowed,
} from '../lib/index.js'

const MINUTE = 60_000
const S = Serdes.String()
const L = Serdes.Long()

export function fraudTopology() {
  const builder = new StreamsBuilder()
  const holders = builder.table('cards', Consumed.with(S, S))

  builder
    .stream('payments', Consumed.with(S, L))
    .groupByKey()
    .windowedBy(TimeWindows.ofSizeAndGrace(MINUTE, 10_000))
    .withLateRecords((late) => late.to('late-payments', Produced.with(S, L)))
    .count(Materialized.as<string, number>('payments-per-minute'))
    .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()))
    .toStream()
    .filter((_window: Windowed<string>, count) => count !== null && count > 3)
    .map((window, count) => KeyValue.pair(window.key, `${count} payments in the minute from ${new Date(window.window.start).toISOString()}`))
    .leftJoin(holders, (alert, holder) => `${holder ?? 'unknown holder'}: ${alert}`)
    .to('fraud-alerts', Produced.with(S, S))

  return builder.build()
}

async function main(): Promise<void> {
  const driver = new TopologyTestDriver(fraudTopology(), { applicationId: 'fraud-detection' })
  try {
    const cards = driver.createInputTopic('cards', S, S)
    const payments = driver.createInputTopic('payments', S, L)
    const t0 = Date.UTC(2026, 0, 1, 12, 0, 0)
    await cards.pipeInput('card-1', 'Ada Lovelace', t0)
    await cards.pipeInput('card-2', 'Alan Turing', t0)

    // card-1: five payments within the first minute, one of them out of order.
    for (const s of [1, 5, 20, 9, 40]) await payments.pipeInput('card-1', 1999, t0 + s * 1000)
    // card-2: two payments, well below the threshold.
    await payments.pipeInput('card-2', 500, t0 + 30_000)
    await payments.pipeInput('card-2', 700, t0 + 50_000)
    // Stream time passes 12:01:10: the first minute closes.
    await payments.pipeInput('card-2', 300, t0 + 71_000)
    // Too late for the first minute (grace ended): routed to late-payments.
    await payments.pipeInput('card-1', 9999, t0 + 59_000)

    for (const alert of driver.createOutputTopic('fraud-alerts', S, S).readKeyValuesToList()) {
      console.log(`ALERT ${alert.key} -> ${alert.value}`)
    }
    for (const late of driver.createOutputTopic('late-payments', S, L).readRecordsToList()) {
      console.log(`LATE  ${late.key} -> ${late.value} at ${new Date(late.timestamp).toISOString()}`)
    }
  } finally {
    await driver.close()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err: unknown) => {
    console.error(err)
    process.exitCode = 1
  })
}
