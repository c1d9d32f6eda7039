import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { installKafkajsReadCommittedFix } from '../../../lib/kafkajs.js'

const Broker = createRequire(import.meta.url)('kafkajs/src/broker/index.js') as { prototype: { fetch: unknown } }

describe('the process-wide kafkajs fix', () => {
  it('replaces Broker#fetch only when the application asks, and only once', () => {
    const original = Broker.prototype.fetch
    installKafkajsReadCommittedFix()
    const fixed = Broker.prototype.fetch
    expect(fixed).not.toBe(original)
    installKafkajsReadCommittedFix()
    expect(Broker.prototype.fetch).toBe(fixed)
  })
})
