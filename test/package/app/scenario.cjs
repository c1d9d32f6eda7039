// The scenario both installed apps run, given the modules each loaded its own way (import or
// require): the embedded broker, a topology that uppercases values and counts them per key in a
// RocksDB store, under at_least_once; prints what lands on the output topics, one line each.
const { mkdtempSync, rmSync } = require('node:fs')
const { tmpdir } = require('node:os')
const { join } = require('node:path')

async function run(label, { kstreams, testing, broker: brokerModule, kafkajs }) {
  const { KafkaStreams, StreamsBuilder, Consumed, Produced, Materialized, Serdes, MissingDependencyError } = kstreams
  const { Kafka, logLevel } = kafkajs

  // One copy of each class across the entries.
  console.log(`testing-entry ${testing.TopologyTestDriver === kstreams.TopologyTestDriver}`)
  // Avro is an optional peer dependency, not installed here: a clear error naming the package.
  try {
    Serdes.Avro({ schema: { type: 'string' }, registryUrl: 'http://127.0.0.1:1' })
    console.log('avro loaded')
  } catch (err) {
    console.log(`avro ${err instanceof MissingDependencyError} ${err.code} ${err.packageName}`)
  }

  const broker = await brokerModule.EmbeddedKafka.start()
  const stateDir = mkdtempSync(join(tmpdir(), `kstreams-${label}-`))
  let app
  try {
    for (const topic of ['words', 'shouted', 'counts']) broker.createTopic(topic, 1)
    const builder = new StreamsBuilder()
    const words = builder.stream('words', Consumed.with(Serdes.String(), Serdes.String()))
    words.mapValues((v) => v.toUpperCase()).to('shouted', Produced.with(Serdes.String(), Serdes.String()))
    words.groupByKey().count(Materialized.as('counts')).toStream().to('counts', Produced.with(Serdes.String(), Serdes.Long()))
    app = new KafkaStreams(builder.build(), {
      applicationId: `pack-${label}`,
      brokers: broker.brokers,
      processingGuarantee: 'at_least_once',
      stateDir,
      commitIntervalMs: 100,
    })
    await app.start()

    const kafka = new Kafka({ clientId: label, brokers: broker.brokers, logLevel: logLevel.NOTHING })
    const producer = kafka.producer()
    await producer.connect()
    await producer.send({
      topic: 'words',
      messages: [{ key: 'a', value: 'hello' }, { key: 'b', value: 'world' }, { key: 'a', value: 'again' }],
    })
    await producer.disconnect()

    const shouted = []
    const counts = new Map()
    const consumer = kafka.consumer({ groupId: `${label}-reader` })
    await consumer.connect()
    await consumer.subscribe({ topics: ['shouted', 'counts'], fromBeginning: true })
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${label}: no output within 60 s (${shouted.length} shouted)`)), 60_000)
      consumer
        .run({
          eachMessage: async ({ topic, message }) => {
            const key = message.key.toString()
            if (topic === 'shouted') shouted.push(`${key}=${message.value.toString()}`)
            else counts.set(key, Number(message.value.readBigInt64BE(0)))
            if (shouted.length === 3 && counts.get('a') === 2 && counts.get('b') === 1) {
              clearTimeout(timer)
              resolve()
            }
          },
        })
        .catch(reject)
    })
    await consumer.disconnect()
    console.log(`shouted ${shouted.join(' ')}`)
    console.log(`counts ${[...counts].map(([k, v]) => `${k}=${v}`).sort().join(' ')}`)
  } finally {
    if (app) await app.close()
    await broker.stop()
    rmSync(stateDir, { recursive: true, force: true })
  }
  console.log(`${label} done`)
}

module.exports = { run }
