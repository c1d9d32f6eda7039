// kstreams' own client (lib/clients/lean), through the runtime's client interfaces.
import { LeanClients } from '../../lib/clients/lean/index.js'
import type { GroupAssignor, OutgoingRecord } from '../../lib/clients/types.js'
import { checkConsumed, keyOf, VALUE, type ClientDriver } from './driver.js'

/** One member takes every partition of its topics. */
const wholeTopics: GroupAssignor = {
  name: 'range',
  version: 0,
  subscriptionUserData: () => null,
  assign: (members, counts) => members.map((m, i) => ({
    memberId: m.memberId,
    partitions: i > 0 ? [] : m.topics.map(topic => ({ topic, partitions: Array.from({ length: counts.get(topic) ?? 0 }, (_, p) => p) })),
    userData: null,
  })),
}

export async function kstreamsDriver(brokers: string[]): Promise<ClientDriver> {
  const clients = new LeanClients({ brokers, clientId: 'bench-b9-kstreams' })
  return {
    async produce(topic, n, batch, onProgress) {
      const producer = clients.producer()
      await producer.connect()
      for (let from = 0; from < n; from += batch) {
        const to = Math.min(n, from + batch)
        const records = new Array<OutgoingRecord>(to - from)
        const timestamp = Date.now()
        for (let i = from; i < to; i++) records[i - from] = { key: keyOf(i), value: VALUE, timestamp, partition: -1 }
        await producer.send(topic, records)
        onProgress(to)
      }
      await producer.disconnect()
    },
    async consume(topic, n, onProgress) {
      const consumer = clients.groupConsumer({ groupId: `${topic}-reader`, assigner: wholeTopics, sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, heartbeatIntervalMs: 1000, maxWaitTimeMs: 100 })
      await consumer.connect()
      await consumer.subscribe([topic], true)
      let seen = 0
      let bytes = 0
      await new Promise<void>((resolve, reject) => {
        void consumer.run({
          onAssigned: () => {},
          onRecords: (_t, _p, records) => {
            for (const r of records) bytes += r.value?.length ?? 0
            seen += records.length
            onProgress(seen)
            if (seen >= n) resolve()
          },
          onRebalanceStarted: () => {},
          onCrash: reject,
        })
      })
      await consumer.disconnect()
      checkConsumed('kstreams', seen, bytes, n)
    },
    async close() {},
  }
}
