import { describe, expect, it } from 'vitest'
import {
  APIS, ProtocolDecodeError, RequestHeaderSchema, ResponseHeaderSchema, decodeMessage, encodeMessage,
  encodeRequest, decodeRequest, encodeResponse, decodeResponse, requestHeaderVersion, responseHeaderVersion,
  type FieldSchema, type MessageSchema,
  ConsumerProtocolSubscriptionSchema, ConsumerProtocolAssignmentSchema, encodeConsumerProtocolSubscription, decodeConsumerProtocolAssignment,
} from '../../../protocol/index.js'
import { makeValue } from './values.js'

const BROKER_APIS = [
  'Produce', 'Fetch', 'ListOffsets', 'Metadata', 'OffsetCommit', 'OffsetFetch', 'FindCoordinator', 'JoinGroup',
  'Heartbeat', 'LeaveGroup', 'SyncGroup', 'DescribeGroups', 'ListGroups', 'SaslHandshake', 'ApiVersions',
  'CreateTopics', 'DeleteTopics', 'DeleteRecords', 'InitProducerId', 'AddPartitionsToTxn', 'AddOffsetsToTxn',
  'EndTxn', 'TxnOffsetCommit', 'DescribeConfigs', 'AlterConfigs', 'CreatePartitions', 'DeleteGroups',
]
/** Generated for the client only. */
const CLIENT_ONLY_APIS = ['SaslAuthenticate']

function versions(s: MessageSchema): number[] {
  const out: number[] = []
  for (let v = s.versions[0]; v <= s.versions[1]; v++) out.push(v)
  return out
}

function countFields(fields: readonly FieldSchema[], v: number): number {
  let n = 0
  for (const f of fields) {
    if (v < f.versions[0] || v > f.versions[1]) continue
    n += 1 + (f.fields ? countFields(f.fields, v) : 0)
  }
  return n
}

describe('generated protocol messages', () => {
  it('cover every API the broker implements, and SaslAuthenticate', () => {
    expect(APIS.map((a) => a.name).sort()).toEqual([...BROKER_APIS, ...CLIENT_ONLY_APIS].sort())
  })

  for (const api of APIS) {
    describe(api.name, () => {
      for (const schema of [api.request, api.response]) {
        for (const v of versions(schema)) {
          it(`${schema.kind} v${v} round-trips non-default values of all ${countFields(schema.fields, v)} fields`, () => {
            const value = makeValue(schema.fields, v)
            const bytes = encodeMessage(schema, value, v)
            expect(decodeMessage(schema, bytes, v)).toEqual(value)
          })
          it(`${schema.kind} v${v} round-trips nulls in nullable fields and negative numbers`, () => {
            const value = makeValue(schema.fields, v, 5, () => true, '', { nulls: true, negative: true })
            // A tagged field whose default is null is not written, and reads back as null: the same value.
            expect(decodeMessage(schema, encodeMessage(schema, value, v), v)).toEqual(value)
          })
        }
      }
    })
  }
})

describe('headers', () => {
  for (const schema of [RequestHeaderSchema, ResponseHeaderSchema]) {
    for (const v of versions(schema)) {
      it(`${schema.name} v${v} round-trips`, () => {
        const value = makeValue(schema.fields, v)
        expect(decodeMessage(schema, encodeMessage(schema, value, v), v)).toEqual(value)
      })
    }
  }

  it('request header v1 keeps a two-byte client id; v2 adds tagged fields', () => {
    const v1 = encodeMessage(RequestHeaderSchema, { requestApiKey: 3, requestApiVersion: 8, correlationId: 7, clientId: 'ab' }, 1)
    expect([...v1]).toEqual([0, 3, 0, 8, 0, 0, 0, 7, 0, 2, 0x61, 0x62])
    const v2 = encodeMessage(RequestHeaderSchema, { requestApiKey: 3, requestApiVersion: 9, correlationId: 7, clientId: 'ab' }, 2)
    expect([...v2]).toEqual([0, 3, 0, 9, 0, 0, 0, 7, 0, 2, 0x61, 0x62, 0])
    const nullId = encodeMessage(RequestHeaderSchema, { requestApiKey: 3, requestApiVersion: 9, correlationId: 7, clientId: null }, 2)
    expect([...nullId.subarray(8, 10)]).toEqual([0xff, 0xff])
  })

  it('picks header versions from the API version', () => {
    expect(requestHeaderVersion(3, 8)).toBe(1)
    expect(requestHeaderVersion(3, 9)).toBe(2)
    expect(responseHeaderVersion(3, 8)).toBe(0)
    expect(responseHeaderVersion(3, 9)).toBe(1)
    expect(responseHeaderVersion(18, 3)).toBe(0)
  })

  it('frames requests and responses with their headers', () => {
    const body = { topics: [{ name: 't', topicId: Buffer.alloc(16, 1) }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: true }
    const frame = encodeRequest({ requestApiKey: 3, requestApiVersion: 12, correlationId: 42, clientId: 'c' }, body)
    const req = decodeRequest(frame)
    expect(req.header).toEqual({ requestApiKey: 3, requestApiVersion: 12, correlationId: 42, clientId: 'c' })
    expect(req.body).toEqual(body)
    const resp = encodeResponse(18, 3, { correlationId: 42 }, { errorCode: 0, apiKeys: [{ apiKey: 0, minVersion: 0, maxVersion: 9 }], throttleTimeMs: 0 })
    expect(resp.readInt32BE(0)).toBe(42)
    expect(resp[4]).toBe(0) // no tagged fields in a v0 response header: the error code follows directly
    expect(decodeResponse(18, 3, resp).body).toMatchObject({ errorCode: 0, apiKeys: [{ apiKey: 0, minVersion: 0, maxVersion: 9 }] })
  })
})

describe('tagged fields', () => {
  const api = APIS.find((a) => a.name === 'ApiVersions')!
  const strip = (fields: readonly FieldSchema[]): FieldSchema[] =>
    fields.filter((f) => f.tag === undefined).map((f) => (f.fields ? { ...f, fields: strip(f.fields) } : f))

  it('are skipped when the reader does not know them', () => {
    const schema = api.response
    const value = makeValue(schema.fields, 3)
    expect(value.supportedFeatures).toBeDefined()
    const bytes = encodeMessage(schema, value, 3)
    const reader = { ...schema, fields: strip(schema.fields) }
    const known = Object.fromEntries(Object.entries(value).filter(([k]) => schema.fields.find((f) => f.name === k)!.tag === undefined))
    expect(decodeMessage(reader, bytes, 3)).toEqual(known)
  })

  it('an unknown tag inside a nested struct is skipped', () => {
    const schema = APIS.find((a) => a.name === 'Metadata')!.request
    const topicField = schema.fields.find((f) => f.name === 'topics')!
    const extra: FieldSchema = { name: 'future', type: 'string', array: false, versions: [0, 0x7fff], tag: 99, tagged: [9, 0x7fff] }
    const writer = { ...schema, fields: schema.fields.map((f) => (f === topicField ? { ...f, fields: [...f.fields!, extra] } : f)) }
    const value = { topics: [{ topicId: Buffer.alloc(16, 2), name: 'a', future: 'from a newer client' }], allowAutoTopicCreation: true, includeTopicAuthorizedOperations: true }
    const decoded = decodeMessage(schema, encodeMessage(writer, value, 12), 12)
    expect(decoded).toEqual({ ...value, topics: [{ topicId: Buffer.alloc(16, 2), name: 'a' }] })
  })

  it('are not written when they hold their default, and read back as the default', () => {
    const schema = api.response
    const base = { errorCode: 0, apiKeys: [], throttleTimeMs: 0 }
    const bytes = encodeMessage(schema, { ...base, finalizedFeaturesEpoch: -1, zkMigrationReady: false }, 3)
    expect(bytes[bytes.length - 1]).toBe(0) // an empty tagged-field section
    expect(decodeMessage(schema, bytes, 3)).toMatchObject({ ...base, finalizedFeaturesEpoch: -1, zkMigrationReady: false })
  })
})

describe('truncated and bad input', () => {
  it('names the API, version and field', () => {
    const schema = APIS.find((a) => a.name === 'Metadata')!.response
    const bytes = encodeMessage(schema, makeValue(schema.fields, 12), 12)
    let err: unknown
    try { decodeMessage(schema, bytes.subarray(0, 20), 12) } catch (e) { err = e }
    expect(err).toBeInstanceOf(ProtocolDecodeError)
    expect((err as Error).message).toMatch(/^Metadata response v12: buffer truncated: .* \(reading field brokers\.port\)$/)
  })

  it('every API and version: every truncation throws a ProtocolDecodeError naming API, version and field', () => {
    let checked = 0
    for (const api of APIS) {
      for (const schema of [api.request, api.response]) {
        for (const v of versions(schema)) {
          const bytes = encodeMessage(schema, makeValue(schema.fields, v), v)
          const step = Math.max(1, Math.floor(bytes.length / 16))
          for (let len = 0; len < bytes.length; len += step) {
            let err: unknown
            try { decodeMessage(schema, bytes.subarray(0, len), v) } catch (e) { err = e }
            expect(err, `${schema.name} v${v} cut at ${len}`).toBeInstanceOf(ProtocolDecodeError)
            expect((err as Error).message).toMatch(new RegExp(`^${api.name} ${schema.kind} v${v}: .* \\(reading field \\S+\\)$`))
            checked++
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(1000)
  })

  it('rejects bytes left over, versions out of range, and null where not nullable', () => {
    const schema = APIS.find((a) => a.name === 'Heartbeat')!.request
    const bytes = encodeMessage(schema, { groupId: 'g', generationId: 1, memberId: 'm' }, 0)
    expect(() => decodeMessage(schema, Buffer.concat([bytes, Buffer.from([0])]), 0)).toThrow(/Heartbeat request v0: 1 bytes left over/)
    expect(() => encodeMessage(schema, {}, 99)).toThrow(/HeartbeatRequest has no version 99/)
    expect(() => encodeMessage(schema, { groupId: null }, 0)).toThrow(/groupId is not nullable at version 0/)
    expect(() => encodeMessage(schema, { groupInstanceId: 'x' }, 0)).toThrow(/groupInstanceId cannot be sent at version 0/)
  })
})

describe('consumer protocol data types', () => {
  for (const schema of [ConsumerProtocolSubscriptionSchema, ConsumerProtocolAssignmentSchema]) {
    for (const v of versions(schema)) {
      it(`${schema.name} v${v} round-trips`, () => {
        const value = makeValue(schema.fields, v)
        expect(decodeMessage(schema, encodeMessage(schema, value, v), v)).toEqual(value)
      })
    }
  }

  it('a subscription v1 has the layout of the Java consumer: topics, user data, owned partitions', () => {
    const bytes = encodeConsumerProtocolSubscription({ topics: ['t'], userData: Buffer.from([9]), ownedPartitions: [{ topic: 't', partitions: [2] }] }, 1)
    expect(bytes.toString('hex')).toBe('00000001' + '00017' + '4' + '00000001' + '09' + '00000001' + '00017' + '4' + '00000001' + '00000002')
    expect(decodeConsumerProtocolAssignment(Buffer.from('00000000' + 'ffffffff', 'hex'), 0)).toEqual({ assignedPartitions: [], userData: null })
  })
})
