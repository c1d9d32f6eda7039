// The Kafka client the runtime suites run on: KSTREAMS_CLIENT=kstreams runs them on kstreams' own
// client (exactly_once_v2 then has one transactional producer per stream thread), unset or
// `kafkajs` on the kafkajs adapter. Child processes inherit the variable.
import type { KafkaClientChoice } from '../../lib/config/types.js'

export function testClient(): { client?: KafkaClientChoice } {
  const chosen = process.env.KSTREAMS_CLIENT
  if (chosen === undefined || chosen === '') return {}
  if (chosen !== 'kstreams' && chosen !== 'kafkajs') throw new Error(`KSTREAMS_CLIENT must be 'kstreams' or 'kafkajs', got '${chosen}'`)
  return { client: chosen }
}
