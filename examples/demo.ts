// The main job (`npm start`): an embedded broker and a produce/consume round trip through kafkajs.
import { Kafka, logLevel, Partitioners } from 'kafkajs'
import { EmbeddedKafka } from '../broker/index.js'

async function main(): Promise<void> {
  const broker = await EmbeddedKafka.start({ port: 0 })
  console.log(`embedded broker listening on ${broker.brokers.join(', ')}`)
  const kafka = new Kafka({ clientId: 'kstreams-demo', brokers: broker.brokers, logLevel: logLevel.NOTHING })
  const admin = kafka.admin()
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner })
  const consumer = kafka.consumer({ groupId: 'kstreams-demo' })
  try {
    await admin.connect()
    await admin.createTopics({ topics: [{ topic: 'greetings', numPartitions: 2 }], waitForLeaders: true })
    console.log('created topic "greetings" with 2 partitions')
    await producer.connect()
    const words = ['hello', 'streams', 'from', 'node']
    await producer.send({ topic: 'greetings', messages: words.map((w, i) => ({ key: String(i), value: w })) })
    console.log(`produced ${words.length} records: ${words.join(' ')}`)
    await consumer.connect()
    await consumer.subscribe({ topics: ['greetings'], fromBeginning: true })
    const seen: string[] = []
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for the records to come back')), 30_000)
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            seen.push(message.value!.toString())
            console.log(`  consumed p${partition} offset ${message.offset}: ${message.key} → ${message.value}`)
            if (seen.length === words.length) {
              clearTimeout(timer)
              resolve()
            }
          },
        })
        .catch(reject)
    })
    console.log(`round trip complete: ${seen.length} records back`)
  } finally {
    await consumer.disconnect().catch(() => {})
    await producer.disconnect().catch(() => {})
    await admin.disconnect().catch(() => {})
    await broker.stop()
  }
}

main().then(
  () => process.exit(0),
  err => {
    console.error(err)
    process.exit(1)
  },
)
