import { describe, expect, it } from 'vitest'
import * as kstreams from '../../../lib/index.js'
import { resetKafkaConfig } from '../../../lib/tools/reset-cli-options.js'

describe('kstreams reset connection flags', () => {
  it('builds plain, TLS and SASL client configs', () => {
    expect(resetKafkaConfig({ brokers: 'a:9092, b:9093' }, {})).toEqual({ clientId: 'kstreams-reset', brokers: ['a:9092', 'b:9093'] })
    expect(resetKafkaConfig({ brokers: 'a:9092', ssl: true }, {}).ssl).toBe(true)
    const sasl = resetKafkaConfig({ brokers: 'a:9092', ssl: true, 'sasl-mechanism': 'SCRAM-SHA-512', 'sasl-username': 'u', 'sasl-password': 'p' }, {})
    expect(sasl.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'u', password: 'p' })
  })

  it('takes the password from KSTREAMS_SASL_PASSWORD when the flag is absent', () => {
    const c = resetKafkaConfig({ brokers: 'a:9092', 'sasl-mechanism': 'plain', 'sasl-username': 'u' }, { KSTREAMS_SASL_PASSWORD: 'from-env' })
    expect(c.sasl).toEqual({ mechanism: 'plain', username: 'u', password: 'from-env' })
  })

  it('names the flag at fault', () => {
    expect(() => resetKafkaConfig({}, {})).toThrow('Missing --brokers')
    expect(() => resetKafkaConfig({ brokers: 'a:1', 'sasl-mechanism': 'gssapi', 'sasl-username': 'u' }, {})).toThrow(
      '--sasl-mechanism: expected one of plain, scram-sha-256, scram-sha-512, got "gssapi"',
    )
    expect(() => resetKafkaConfig({ brokers: 'a:1', 'sasl-mechanism': 'plain', 'sasl-password': 'p' }, {})).toThrow('needs --sasl-username')
    expect(() => resetKafkaConfig({ brokers: 'a:1', 'sasl-mechanism': 'plain', 'sasl-username': 'u' }, {})).toThrow('KSTREAMS_SASL_PASSWORD')
    expect(() => resetKafkaConfig({ brokers: 'a:1', 'sasl-username': 'u' }, {})).toThrow('need --sasl-mechanism')
  })

  it('resetApplication is part of the public entry', () => {
    expect(kstreams.resetApplication).toBeTypeOf('function')
  })
})
