// The embedded registry as @kafkajs/confluent-schema-registry sees it, over real HTTP. With
// SCHEMA_REGISTRY_URL set, the same expectations run against that (real) registry instead, which
// keeps the embedded one honest; subjects then get a per-run suffix.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry'
import type { AvroConfluentSchema, RawAvroSchema } from '@kafkajs/confluent-schema-registry/dist/@types.js'
import { EmbeddedSchemaRegistry } from '../../../broker/registry/index.js'

const userV1 = {
  type: 'record',
  name: 'User',
  namespace: 'com.example',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'age', type: 'int' },
  ],
}
// Adds a field with a default: a new reader can fill it in for old data (BACKWARD-compatible).
const userV2 = {
  ...userV1,
  fields: [...userV1.fields, { name: 'email', type: ['null', 'string'], default: null }],
}
// Adds a field without a default: a new reader has nothing to fill it with for old data.
const userV3Incompatible = {
  ...userV1,
  fields: [...userV2.fields, { name: 'country', type: 'string' }],
}

const avro = (schema: object): AvroConfluentSchema => ({ type: SchemaType.AVRO, schema: JSON.stringify(schema) })

const externalUrl = process.env.SCHEMA_REGISTRY_URL
const run = externalUrl ? `-${Date.now().toString(36)}` : ''
const subject = (name: string) => `${name}${run}`

describe('EmbeddedSchemaRegistry through @kafkajs/confluent-schema-registry', () => {
  let embedded: EmbeddedSchemaRegistry | null = null
  let server: { url: string }
  let registry: SchemaRegistry

  beforeAll(async () => {
    embedded = externalUrl ? null : await EmbeddedSchemaRegistry.start({ port: 0 })
    server = embedded ?? { url: externalUrl!.replace(/\/$/, '') }
    registry = new SchemaRegistry({ host: server.url, retry: { retries: 0 } })
  })
  afterAll(async () => {
    await embedded?.stop()
  })

  it.runIf(!externalUrl)('listens on loopback with a free port', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(server.url).not.toMatch(/:0$/)
  })

  it('gives the same schema the same id, in its subject and in another', async () => {
    const first = await registry.register(avro(userV1), { subject: subject('users-value') })
    const again = await registry.register(avro(userV1), { subject: subject('users-value') })
    // Whitespace is not part of a schema's identity.
    const spaced = await registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(userV1, null, 2) } as AvroConfluentSchema,
      { subject: subject('users-value') },
    )
    const elsewhere = await registry.register(avro(userV1), { subject: subject('people-value') })
    expect(first.id).toBeGreaterThan(0)
    expect(again.id).toBe(first.id)
    expect(spaced.id).toBe(first.id)
    expect(elsewhere.id).toBe(first.id)
    const versions = await fetch(`${server.url}/subjects/${subject('users-value')}/versions`).then((r) => r.json())
    expect(versions).toEqual([1])
  })

  it('round-trips records through the Confluent wire format', async () => {
    const { id } = await registry.register(avro(userV1), { subject: subject('users-value') })
    const encoded = await registry.encode(id, { id: 'u1', age: 42 })
    expect(encoded[0]).toBe(0) // magic byte
    expect(encoded.readInt32BE(1)).toBe(id)
    // A fresh client has no cache: decoding must fetch the schema by id from the server.
    const fresh = new SchemaRegistry({ host: server.url, retry: { retries: 0 } })
    expect(await fresh.decode(encoded)).toEqual({ id: 'u1', age: 42 })
    const served = (await fresh.getSchema(id)) as unknown as { name?: string }
    expect(served.name).toBe('com.example.User')
  })

  it('versions a subject as compatible schemas evolve, and finds ids by version and by schema', async () => {
    const v1 = await registry.register(avro(userV1), { subject: subject('evolving-value') })
    const v2 = await registry.register(avro(userV2), { subject: subject('evolving-value') })
    expect(v2.id).not.toBe(v1.id)
    expect(await registry.getLatestSchemaId(subject('evolving-value'))).toBe(v2.id)
    expect(await registry.getRegistryId(subject('evolving-value'), 1)).toBe(v1.id)
    expect(await registry.getRegistryId(subject('evolving-value'), 2)).toBe(v2.id)
    expect(await registry.getRegistryIdBySchema(subject('evolving-value'), avro(userV2))).toBe(v2.id)
    const versions = await fetch(`${server.url}/subjects/${subject('evolving-value')}/versions`).then((r) => r.json())
    expect(versions).toEqual([1, 2])

    // Old data read with the new schema gets the new field's default.
    const old = await registry.encode(v1.id, { id: 'u2', age: 7 })
    const asV2 = await registry.decode(old, { [SchemaType.AVRO]: { readerSchema: userV2 as RawAvroSchema } })
    expect(asV2).toEqual({ id: 'u2', age: 7, email: null })
  })

  it('rejects a BACKWARD-incompatible schema with a clear 409 error and registers nothing', async () => {
    await registry.register(avro(userV1), { subject: subject('strict-value') })
    const attempt = registry.register(avro(userV3Incompatible), { subject: subject('strict-value') })
    await expect(attempt).rejects.toMatchObject({ status: 409 })
    await expect(attempt).rejects.toThrow(/incompatible with an earlier schema for subject "strict-value[^"]*".*country/)
    const versions = await fetch(`${server.url}/subjects/${subject('strict-value')}/versions`).then((r) => r.json())
    expect(versions).toEqual([1])
  })

  it('sets the subject compatibility the client asks for on first registration and enforces it', async () => {
    await registry.register(avro(userV1), { subject: subject('full-value'), compatibility: COMPATIBILITY.FULL })
    const config = await fetch(`${server.url}/config/${subject('full-value')}`).then((r) => r.json())
    expect(config).toEqual({ compatibilityLevel: 'FULL' })
    // userV2 adds an optional field: readable both ways, so FULL accepts it.
    await registry.register(avro(userV2), { subject: subject('full-value'), compatibility: COMPATIBILITY.FULL })
    // The client refuses to register when its expected level differs from the subject's.
    await expect(registry.register(avro(userV2), { subject: subject('full-value') })).rejects.toThrow(
      /Compatibility does not match the configuration \(BACKWARD != FULL\)/,
    )
  })

  it('checks compatibility without registering', async () => {
    await registry.register(avro(userV1), { subject: subject('check-value') })
    const res = await fetch(`${server.url}/compatibility/subjects/${subject('check-value')}/versions/latest`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ schema: JSON.stringify(userV3Incompatible) }),
    })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ is_compatible: false })
    const good = await fetch(`${server.url}/compatibility/subjects/${subject('check-value')}/versions/1?verbose=true`, {
      method: 'POST',
      body: JSON.stringify({ schema: JSON.stringify(userV2) }),
    }).then((r) => r.json())
    expect(good).toEqual({ is_compatible: true, messages: [] })
  })

  it('reports unknown ids as Confluent does', async () => {
    const fresh = new SchemaRegistry({ host: server.url, retry: { retries: 0 } })
    const bogus = Buffer.from([0, 0, 0, 0x7f, 0xff, 2])
    await expect(fresh.decode(bogus)).rejects.toMatchObject({ status: 404 })
    await expect(fresh.getLatestSchemaId('no-such-subject')).rejects.toThrow(/Subject 'no-such-subject' not found/)
  })
})
