// Byte-for-byte cross-check of the generated codecs against the broker's hand-written field
// tables, at every version the broker supports: encode with one, decode with the other.
import { describe, expect, it } from 'vitest'
import { APIS, decodeMessage, encodeMessage, encodeRequest, decodeRequest, encodeResponse, decodeResponse, type FieldSchema } from '../../../protocol/index.js'
import * as brokerFrames from '../../../broker/protocol/messages.js'
import { ALL_APIS } from '../../../broker/protocol/apis/index.js'
import { readStruct, writeStruct } from '../../../broker/protocol/codec.js'
import { Reader as BrokerReader } from '../../../broker/protocol/reader.js'
import { Writer as BrokerWriter } from '../../../broker/protocol/writer.js'
import type { Field as BrokerField } from '../../../broker/protocol/schema.js'
import { makeValue } from './values.js'

/** Tagged fields go in only where the broker's table has the same field with the same tag. */
function brokerKnows(fields: readonly BrokerField[], path: string): BrokerField | undefined {
  const [head, ...rest] = path.split('.')
  const f = fields.find((x) => x.name === head)
  if (!f || rest.length === 0) return f
  return typeof f.type === 'string' ? undefined : brokerKnows(f.type, rest.join('.'))
}

const filterFor = (broker: readonly BrokerField[]) => (f: FieldSchema, path: string): boolean => {
  if (f.tag === undefined) return true
  return brokerKnows(broker, path)?.tag === f.tag
}

const REQUIRED = ['Metadata', 'ApiVersions', 'FindCoordinator', 'JoinGroup', 'OffsetCommit']

describe('generated codecs agree with the broker codec byte for byte', () => {
  it('covers every API the broker implements, including the five it must', () => {
    expect(REQUIRED.every((n) => ALL_APIS.some((b) => b.name === n))).toBe(true)
    expect(ALL_APIS.length).toBe(APIS.filter((a) => a.name !== 'SaslAuthenticate').length)
  })

  it('the broker supports nothing beyond the generated version ranges', () => {
    for (const b of ALL_APIS) {
      const g = APIS.find((a) => a.key === b.key)!
      expect(g.name).toBe(b.name)
      expect(b.maxVersion).toBeLessThanOrEqual(g.maxVersion)
      expect(b.flexibleFrom).toBe(g.flexibleFrom <= b.maxVersion ? g.flexibleFrom : b.flexibleFrom)
    }
  })

  for (const b of ALL_APIS) {
    const g = APIS.find((a) => a.key === b.key)!
    describe(b.name, () => {
      for (const kind of ['request', 'response'] as const) {
        // Versions Kafka 4.0 removed (KIP-896) are no longer in the specs.
        for (let v = Math.max(b.minVersion, g.minVersion); v <= b.maxVersion; v++) {
          it(`${kind} v${v}`, () => {
            const gen = g[kind]
            const broker = b[kind]
            const flexible = v >= b.flexibleFrom
            const value = makeValue(gen.fields, v, 3, filterFor(broker))
            const ours = encodeMessage(gen, value, v)
            // ours -> broker
            const r = new BrokerReader(ours)
            expect(readStruct(r, broker, v, flexible)).toEqual(value)
            expect(r.pos).toBe(ours.length)
            // broker -> ours, and the bytes are the same
            const w = new BrokerWriter()
            writeStruct(w, broker, value, v, flexible)
            const theirs = w.toBuffer()
            expect(theirs.equals(ours)).toBe(true)
            expect(decodeMessage(gen, theirs, v)).toEqual(value)
          })
        }
      }
    })
  }
})

describe('whole frames with headers agree with the broker', () => {
  for (const b of ALL_APIS.filter((x) => REQUIRED.includes(x.name))) {
    const g = APIS.find((a) => a.key === b.key)!
    for (let v = b.minVersion; v <= b.maxVersion; v++) {
      it(`${b.name} v${v} request and response frames`, () => {
        const req = makeValue(g.request.fields, v, 2, filterFor(b.request))
        const ours = encodeRequest({ requestApiKey: b.key, requestApiVersion: v, correlationId: 77, clientId: 'client-1' }, req)
        const theirs = brokerFrames.encodeRequest(b, v, 77, 'client-1', req)
        expect(theirs.subarray(4).equals(ours)).toBe(true)
        expect(brokerFrames.decodeRequest(ours, b).body).toEqual(req)
        expect(decodeRequest(ours).body).toEqual(req)

        const resp = makeValue(g.response.fields, v, 4, filterFor(b.response))
        const oursResp = encodeResponse(b.key, v, { correlationId: 78 }, resp)
        const theirsResp = Buffer.concat(brokerFrames.encodeResponse(b, v, 78, resp))
        expect(theirsResp.subarray(4).equals(oursResp)).toBe(true)
        expect(brokerFrames.decodeResponse(oursResp, b, v)).toEqual({ correlationId: 78, body: resp })
        expect(decodeResponse(b.key, v, oursResp)).toEqual({ header: { correlationId: 78 }, body: resp })
      })
    }
  }
})
