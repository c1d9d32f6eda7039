// One chaos application instance in its own process. Prints "STATE <name>" on each state change.
// Usage: app.ts <json InstanceConfig>
import { KafkaStreams } from '../../lib/kafka-streams.js'
import { chaosTopology, TOPICS } from './topology.js'
import { testClient } from '../integration/test-client.js'

export interface InstanceConfig {
  brokers: string[]
  applicationId: string
  stateDir: string
  guarantee: 'at_least_once' | 'exactly_once_v2'
  pillHandler: 'logAndContinue' | 'deadLetter'
  sessionTimeoutMs: number
}

const cfg = JSON.parse(process.argv[2]!) as InstanceConfig
const app = new KafkaStreams(chaosTopology(), { ...testClient(),
  applicationId: cfg.applicationId,
  brokers: cfg.brokers,
  stateDir: cfg.stateDir,
  processingGuarantee: cfg.guarantee,
  commitIntervalMs: 100,
  sessionTimeoutMs: cfg.sessionTimeoutMs,
  heartbeatIntervalMs: Math.floor(cfg.sessionTimeoutMs / 6),
  deserializationExceptionHandler: cfg.pillHandler === 'deadLetter' ? { deadLetterTopic: TOPICS.dlq } : 'logAndContinue',
  kafka: { logLevel: 0 },
})
app.on('stateChange', next => console.log(`STATE ${next}`))
// The harness holds our stdin open: when it goes away, even killed -9, so do we.
process.stdin.on('end', () => process.exit(1))
process.stdin.resume()
process.on('SIGTERM', () => {
  void app.close().then(() => process.exit(0))
})
await app.start()
