// A kafkajs consumer in its own process, for tests that need a group member to die without
// leaving the group (the parent kills it with SIGKILL). Prints "assigned <json>" on each join.
// argv: brokers groupId topic

import { Kafka, logLevel } from 'kafkajs'

const [brokers, groupId, topic] = process.argv.slice(2)
if (!brokers || !groupId || !topic) {
  console.error('usage: kafkajs-member <brokers> <groupId> <topic>')
  process.exit(2)
}
const consumer = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING, clientId: 'doomed-member' })
  .consumer({ groupId, sessionTimeout: 6000, heartbeatInterval: 500 })
consumer.on(consumer.events.GROUP_JOIN, (e) => {
  console.log('assigned ' + JSON.stringify(e.payload.memberAssignment[topic] ?? []))
})
await consumer.connect()
await consumer.subscribe({ topic, fromBeginning: true })
await consumer.run({ eachMessage: async () => {} })
