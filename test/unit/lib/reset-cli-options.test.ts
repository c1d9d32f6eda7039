import { describe, expect, it } from 'vitest'
import * as kstreams from '../../../lib/index.js'
import { parseBrokerList } from '../../../lib/tools/broker-address.js'
import { UsageError } from '../../../lib/tools/cli-errors.js'
import { didYouMean } from '../../../lib/tools/did-you-mean.js'
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

  it('checks each broker is host:port with a port from 1 to 65535', () => {
    expect(parseBrokerList('localhost:9092, [::1]:9093')).toEqual(['localhost:9092', '[::1]:9093'])
    expect(() => parseBrokerList('localhost')).toThrow('--brokers: "localhost" is not host:port (for example localhost:9092)')
    expect(() => parseBrokerList(':9092')).toThrow('":9092" is not host:port')
    expect(() => parseBrokerList('a:9092,b:70000')).toThrow('"b:70000" has port "70000"; a port is a number from 1 to 65535')
    expect(() => resetKafkaConfig({ brokers: 'localhost' }, {})).toThrow(UsageError)
  })
})

describe('did you mean', () => {
  it('suggests a close known word, or nothing when none is close', () => {
    const flags = ['--application-id', '--brokers', '--input-topics', '--dry-run']
    expect(didYouMean('--broker', flags)).toBe('--brokers')
    expect(didYouMean('--dryrun', flags)).toBe('--dry-run')
    expect(didYouMean('--aplication-id', flags)).toBe('--application-id')
    expect(didYouMean('--verbose', flags)).toBeNull()
    expect(didYouMean('rest', ['broker', 'describe', 'reset'])).toBe('reset')
    expect(didYouMean('descirbe', ['broker', 'describe', 'reset'])).toBe('describe')
  })
})
