// @kafkats/client 0.12, the B9 reference.
import { KafkaClient } from '@kafkats/client'
import { checkConsumed, keyOf, VALUE, type ClientDriver } from './driver.js'

export async function kafkatsDriver(brokers: string[]): Promise<ClientDriver> {
  const client = new KafkaClient({ clientId: 'bench-b9-kafkats', brokers, logLevel: 'error' })
  await client.connect()
  return {
    async produce(topic, n, batch, onProgress) {
      const producer = client.producer({ lingerMs: 0, acks: 'all' })
      for (let from = 0; from < n; from += batch) {
        const to = Math.min(n, from + batch)
        const messages = new Array(to - from)
        for (let i = from; i < to; i++) messages[i - from] = { key: keyOf(i), value: VALUE }
        await producer.send(topic, messages)
        onProgress(to)
      }
      await producer.disconnect()
    },
    async consume(topic, n, onProgress) {
      const consumer = client.consumer({ groupId: `${topic}-reader`, autoOffsetReset: 'earliest', maxWaitMs: 100 })
      let seen = 0
      let bytes = 0
      await new Promise<void>((resolve, reject) => {
        consumer.runBatch(topic, async messages => {
          for (const m of messages) bytes += m.value?.length ?? 0
          seen += messages.length
          onProgress(seen)
          if (seen >= n) {
            consumer.stop()
            resolve()
          }
        }).catch(reject)
      })
      checkConsumed('@kafkats/client', seen, bytes, n)
    },
    async close() {
      await client.disconnect()
    },
  }
}
