// The embedded registry's REST rules, checked over raw HTTP: error shapes, compatibility levels,
// deletion, configuration and schema references.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EmbeddedSchemaRegistry } from '../../../broker/registry/index.js'

const record = (name: string, fields: object[]) => JSON.stringify({ type: 'record', name, fields })
const base = record('Order', [{ name: 'id', type: 'string' }])
const withDefault = record('Order', [
  { name: 'id', type: 'string' },
  { name: 'qty', type: 'int', default: 1 },
])
const withRequired = record('Order', [
  { name: 'id', type: 'string' },
  { name: 'qty', type: 'int' },
])
const withoutId = record('Order', [{ name: 'qty', type: 'int', default: 1 }])
const idAsInt = record('Order', [{ name: 'id', type: 'int' }])
const withNote = record('Order', [
  { name: 'id', type: 'string' },
  { name: 'note', type: 'string', default: '' },
])

describe('EmbeddedSchemaRegistry REST rules', () => {
  let server: EmbeddedSchemaRegistry
  let subjectCounter = 0
  const fresh = () => `subject-${++subjectCounter}`

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(server.url + path, {
      method,
      headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    expect(res.headers.get('content-type')).toBe('application/vnd.schemaregistry.v1+json')
    return { status: res.status, body: (await res.json()) as any }
  }
  const register = (subject: string, schema: string, extra: object = {}) =>
    call('POST', `/subjects/${encodeURIComponent(subject)}/versions`, { schema, ...extra })
  const setLevel = (subject: string, compatibility: string) =>
    call('PUT', `/config/${subject}`, { compatibility })

  beforeAll(async () => {
    server = await EmbeddedSchemaRegistry.start({ port: 0 })
  })
  afterAll(async () => {
    await server.stop()
  })

  it('answers unknown subjects, versions and ids with Confluent error codes', async () => {
    expect(await call('GET', '/subjects/nope/versions')).toEqual({
      status: 404,
      body: { error_code: 40401, message: "Subject 'nope' not found." },
    })
    expect((await call('GET', '/schemas/ids/4242')).body).toEqual({ error_code: 40403, message: 'Schema 4242 not found' })
    const s = fresh()
    await register(s, base)
    expect((await call('GET', `/subjects/${s}/versions/7`)).body.error_code).toBe(40402)
    expect(await call('GET', `/subjects/${s}/versions/zero`)).toMatchObject({ status: 422, body: { error_code: 42202 } })
    expect((await call('POST', `/subjects/${s}`, { schema: withDefault })).body.error_code).toBe(40403)
    expect((await call('POST', '/subjects/nope', { schema: base })).body.error_code).toBe(40401)
    expect(await call('GET', '/no/such/route')).toMatchObject({ status: 404, body: { error_code: 404 } })
  })

  it('rejects invalid schemas and bodies with 422 / 400 naming the fault', async () => {
    const s = fresh()
    expect(await register(s, '{"type": "record", "name": "X"')).toMatchObject({
      status: 422,
      body: { error_code: 42201, message: expect.stringMatching(/^Invalid schema: not valid JSON/) },
    })
    expect((await register(s, JSON.stringify({ type: 'recrod', name: 'X', fields: [] }))).body).toMatchObject({
      error_code: 42201,
      message: expect.stringContaining('recrod'),
    })
    expect((await register(s, base, { schemaType: 'PROTOBUF' })).body).toMatchObject({
      error_code: 42201,
      message: expect.stringContaining('PROTOBUF'),
    })
    expect(await call('POST', `/subjects/${s}/versions`, { schemaa: base })).toMatchObject({
      status: 400,
      body: { message: expect.stringContaining('"schema"') },
    })
    const raw = await fetch(`${server.url}/subjects/${s}/versions`, { method: 'POST', body: '{oops' })
    expect(raw.status).toBe(400)
    expect(((await raw.json()) as any).message).toMatch(/not valid JSON/)
    expect((await call('GET', '/subjects')).body).not.toContain(s)
  })

  it('serves versions, latest, raw schemas and the subjects an id appears in', async () => {
    const s = fresh()
    const v1 = (await register(s, base)).body.id
    const v2 = (await register(s, withDefault)).body.id
    expect((await call('GET', `/subjects/${s}/versions/latest`)).body).toEqual({ subject: s, version: 2, id: v2, schema: withDefault })
    expect((await call('GET', `/subjects/${s}/versions/-1`)).body.version).toBe(2)
    expect((await call('GET', `/subjects/${s}/versions/1`)).body).toEqual({ subject: s, version: 1, id: v1, schema: base })
    expect((await call('GET', `/subjects/${s}/versions/1/schema`)).body).toEqual(JSON.parse(base))
    expect((await call('GET', `/schemas/ids/${v2}`)).body).toEqual({ schema: withDefault })
    expect((await call('GET', `/schemas/ids/${v2}/versions`)).body).toEqual([{ subject: s, version: 2 }])
    expect((await call('POST', `/subjects/${s}`, { schema: base })).body).toEqual({ subject: s, version: 1, id: v1, schema: base })
    expect((await call('GET', '/subjects')).body).toContain(s)
  })

  it('encodes subjects with slashes and spaces in the path', async () => {
    const s = 'ns/with space-value'
    const { id } = (await register(s, base)).body
    expect((await call('GET', `/subjects/${encodeURIComponent(s)}/versions/latest`)).body).toMatchObject({ subject: s, id })
  })

  it('defaults to BACKWARD globally and keeps subject levels separate', async () => {
    expect((await call('GET', '/config')).body).toEqual({ compatibilityLevel: 'BACKWARD' })
    const s = fresh()
    expect(await call('GET', `/config/${s}`)).toMatchObject({ status: 404, body: { error_code: 40408 } })
    expect((await call('GET', `/config/${s}?defaultToGlobal=true`)).body).toEqual({ compatibilityLevel: 'BACKWARD' })
    expect((await setLevel(s, 'full_transitive')).body).toEqual({ compatibility: 'FULL_TRANSITIVE' })
    expect((await call('GET', `/config/${s}`)).body).toEqual({ compatibilityLevel: 'FULL_TRANSITIVE' })
    expect(await setLevel(s, 'SIDEWAYS')).toMatchObject({ status: 422, body: { error_code: 42203 } })
    expect((await call('DELETE', `/config/${s}`)).body).toEqual({ compatibilityLevel: 'FULL_TRANSITIVE' })
    expect((await call('GET', `/config/${s}`)).status).toBe(404)
  })

  it('applies the global level when a subject has none', async () => {
    const s = fresh()
    await register(s, base)
    expect((await call('PUT', '/config', { compatibility: 'NONE' })).body).toEqual({ compatibility: 'NONE' })
    try {
      expect((await register(s, withRequired)).status).toBe(200)
    } finally {
      await call('PUT', '/config', { compatibility: 'BACKWARD' })
    }
    // Back under BACKWARD, a string field read as int is refused.
    expect((await register(s, idAsInt)).status).toBe(409)
  })

  it('BACKWARD: new readers must read old data; FORWARD: old readers must read new data', async () => {
    const backward = fresh()
    await register(backward, base)
    expect((await register(backward, withRequired)).status).toBe(409) // no default for qty
    expect((await register(backward, withDefault)).status).toBe(200)

    const forward = fresh()
    await setLevel(forward, 'FORWARD')
    await register(forward, base)
    // A new required field is fine forward: the old reader ignores it.
    expect((await register(forward, withRequired)).status).toBe(200)
    // Dropping qty (no default in the previous version) breaks the previous reader.
    expect((await register(forward, withNote)).status).toBe(409)
  })

  it('FULL needs both directions; NONE accepts anything', async () => {
    const full = fresh()
    await setLevel(full, 'FULL')
    await register(full, base)
    expect((await register(full, withRequired)).status).toBe(409)
    expect((await register(full, withDefault)).status).toBe(200)

    const none = fresh()
    await setLevel(none, 'NONE')
    await register(none, base)
    expect((await register(none, JSON.stringify('string'))).status).toBe(200)
    expect((await call('GET', `/subjects/${none}/versions`)).body).toEqual([1, 2])
  })

  it('transitive levels check every live version, plain levels only the latest', async () => {
    // v1 {id}; v2 {qty=1} drops id; v3 needs an id with no default, so it cannot read v2 data.
    const v1 = base
    const v2 = withoutId
    const v3 = record('Order', [{ name: 'qty', type: 'int' }, { name: 'id', type: 'string' }])
    const plain = fresh()
    await setLevel(plain, 'BACKWARD')
    await register(plain, v1)
    expect((await register(plain, v2)).status).toBe(200)
    expect((await register(plain, v3)).status).toBe(409)

    const v3b = record('Order', [{ name: 'id', type: 'string', default: '' }, { name: 'qty', type: 'int' }])
    // Reads v2 data (qty present, id defaulted) but not v1 data (no qty, no default).
    expect((await register(plain, v3b)).status).toBe(200)

    const transitive = fresh()
    await setLevel(transitive, 'BACKWARD_TRANSITIVE')
    await register(transitive, v1)
    await register(transitive, v2)
    const rejected = await register(transitive, v3b)
    expect(rejected.status).toBe(409)
    expect(rejected.body.message).toMatch(/oldSchemaVersion: 1/)
    expect(rejected.body.message).not.toMatch(/oldSchemaVersion: 2/)
  })

  it('soft-deletes, then permanently deletes, a subject', async () => {
    const s = fresh()
    const { id } = (await register(s, base)).body
    await register(s, withDefault)
    expect(await call('DELETE', `/subjects/${s}?permanent=true`)).toMatchObject({ status: 404, body: { error_code: 40405 } })
    expect((await call('DELETE', `/subjects/${s}`)).body).toEqual([1, 2])
    expect((await call('GET', `/subjects/${s}/versions`)).body.error_code).toBe(40401)
    expect((await call('GET', '/subjects')).body).not.toContain(s)
    expect((await call('GET', '/subjects?deleted=true')).body).toContain(s)
    expect((await call('DELETE', `/subjects/${s}`)).body.error_code).toBe(40404)
    // Ids stay resolvable: data written with them must still decode.
    expect((await call('GET', `/schemas/ids/${id}`)).body).toEqual({ schema: base })
    // Re-registering continues the version sequence and keeps the id.
    expect((await register(s, base)).body).toEqual({ id })
    expect((await call('GET', `/subjects/${s}/versions`)).body).toEqual([3])
    await call('DELETE', `/subjects/${s}`)
    expect((await call('DELETE', `/subjects/${s}?permanent=true`)).body).toEqual([1, 2, 3])
    expect((await call('GET', '/subjects?deleted=true')).body).not.toContain(s)
  })

  it('deletes single versions, soft then permanent', async () => {
    const s = fresh()
    await register(s, base)
    await register(s, withDefault)
    expect((await call('DELETE', `/subjects/${s}/versions/2?permanent=true`)).body.error_code).toBe(40407)
    expect((await call('DELETE', `/subjects/${s}/versions/latest`)).body).toBe(2)
    expect((await call('GET', `/subjects/${s}/versions`)).body).toEqual([1])
    expect((await call('GET', `/subjects/${s}/versions?deleted=true`)).body).toEqual([1, 2])
    expect((await call('DELETE', `/subjects/${s}/versions/2`)).body.error_code).toBe(40406)
    expect((await call('DELETE', `/subjects/${s}/versions/2?permanent=true`)).body).toBe(2)
    expect((await call('GET', `/subjects/${s}/versions/2`)).body.error_code).toBe(40402)
  })

  it('compatibility checks against a named version, and reject unknown subjects for them', async () => {
    const s = fresh()
    await register(s, base)
    await register(s, withDefault)
    const check = (version: string, schema: string) =>
      call('POST', `/compatibility/subjects/${s}/versions/${version}?verbose=true`, { schema })
    expect((await check('1', withRequired)).body.is_compatible).toBe(false)
    expect((await check('2', withRequired)).body.is_compatible).toBe(true)
    expect((await check('2', idAsInt)).body).toMatchObject({ is_compatible: false, messages: [expect.stringContaining('"int"')] })
    expect((await check('latest', withDefault)).body).toEqual({ is_compatible: true, messages: [] })
    expect((await check('9', base)).body.error_code).toBe(40402)
    expect((await call('POST', '/compatibility/subjects/unknown/versions/1', { schema: base })).body.error_code).toBe(40401)
    expect((await call('POST', '/compatibility/subjects/unknown/versions/latest', { schema: base })).body).toEqual({ is_compatible: true })
  })

  it('resolves schema references to named types registered under other subjects', async () => {
    const address = JSON.stringify({ type: 'record', name: 'Address', namespace: 'shop', fields: [{ name: 'city', type: 'string' }] })
    await register('shop.Address', address)
    const customer = JSON.stringify({ type: 'record', name: 'Customer', namespace: 'shop', fields: [{ name: 'home', type: 'shop.Address' }] })
    // Without the reference the name is unknown.
    expect((await register('customers-value', customer)).body.error_code).toBe(42201)
    const references = [{ name: 'shop.Address', subject: 'shop.Address', version: 1 }]
    const { id } = (await register('customers-value', customer, { references })).body
    expect((await call('GET', `/schemas/ids/${id}`)).body).toEqual({ schema: customer, references })
    expect((await call('POST', '/subjects/customers-value', { schema: customer, references })).body).toMatchObject({ id, version: 1 })
    const dangling = [{ name: 'shop.Address', subject: 'shop.Address', version: 5 }]
    expect((await register('customers-value', customer, { references: dangling })).body).toMatchObject({
      error_code: 42201,
      message: expect.stringContaining("subject 'shop.Address' version 5"),
    })
  })

  it('starts on a requested port, refuses a bad one, and stops idempotently', async () => {
    await expect(EmbeddedSchemaRegistry.start({ port: -1 })).rejects.toThrow(/port must be an integer/)
    const other = await EmbeddedSchemaRegistry.start()
    const port = Number(new URL(other.url).port)
    await other.stop()
    await other.stop()
    await expect(fetch(other.url + '/subjects')).rejects.toThrow()
    const again = await EmbeddedSchemaRegistry.start({ port })
    try {
      expect(again.url).toBe(`http://127.0.0.1:${port}`)
      // A fresh instance has fresh state.
      expect(await fetch(again.url + '/subjects').then((r) => r.json())).toEqual([])
    } finally {
      await again.stop()
    }
  })
})
