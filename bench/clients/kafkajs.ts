// kafkajs 2.2.4, the client the runtime stood on first.
import { Kafka, logLevel, Partitioners } from 'kafkajs'
import { checkConsumed, keyOf, VALUE, type ClientDriver } from './driver.js'

export async function kafkajsDriver(brokers: string[]): Promise<ClientDriver> {
  const kafka = new Kafka({ clientId: 'bench-b9-kafkajs', brokers, logLevel: logLevel.NOTHING })
  return {
    async produce(topic, n, batch, onProgress) {
      const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner })
      await producer.connect()
      for (let from = 0; from < n; from += batch) {
        const to = Math.min(n, from + batch)
        const messages = new Array(to - from)
        for (let i = from; i < to; i++) messages[i - from] = { key: keyOf(i), value: VALUE }
        await producer.send({ topic, acks: -1, messages })
        onProgress(to)
      }
      await producer.disconnect()
    },
    async consume(topic, n, onProgress) {
      const consumer = kafka.consumer({ groupId: `${topic}-reader`, maxWaitTimeInMs: 100 })
      await consumer.connect()
      await consumer.subscribe({ topic, fromBeginning: true })
      let seen = 0
      let bytes = 0
      await new Promise<void>((resolve, reject) => {
        consumer.run({
          eachBatch: async ({ batch }) => {
            for (const m of batch.messages) bytes += m.value?.length ?? 0
            seen += batch.messages.length
            onProgress(seen)
            if (seen >= n) resolve()
          },
        }).catch(reject)
      })
      await consumer.disconnect()
      checkConsumed('kafkajs', seen, bytes, n)
    },
    async close() {},
  }
}
