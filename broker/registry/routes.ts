// Maps the Confluent Schema Registry REST paths onto SchemaStore calls.
import { badRequest, routeNotFound } from './errors.js'
import type { SchemaRequest, SchemaStore } from './store.js'

export interface RegistryRequest {
  method: string
  /** path segments, already URL-decoded: /subjects/a%2Fb/versions → ['subjects', 'a/b', 'versions'] */
  segments: string[]
  query: URLSearchParams
  body: unknown
}

export interface RegistryResponse {
  status: number
  body: unknown
}

const ok = (body: unknown): RegistryResponse => ({ status: 200, body })

export function route(store: SchemaStore, req: RegistryRequest): RegistryResponse {
  const { method, segments: s, query } = req
  const flag = (name: string) => query.get(name) === 'true'
  const n = s.length
  const path = '/' + s.join('/')

  if (s[0] === 'subjects') {
    if (n === 1 && method === 'GET') return ok(store.listSubjects(flag('deleted')))
    const subject = s[1]!
    if (n === 2 && method === 'POST') return ok(store.lookup(subject, schemaBody(req)))
    if (n === 2 && method === 'DELETE') return ok(store.deleteSubject(subject, flag('permanent')))
    if (n === 3 && s[2] === 'versions') {
      if (method === 'GET') return ok(store.listVersions(subject, flag('deleted')))
      if (method === 'POST') return ok(store.register(subject, schemaBody(req)))
    }
    if (n === 4 && s[2] === 'versions') {
      if (method === 'GET') return ok(store.getVersion(subject, s[3]!))
      if (method === 'DELETE') return ok(store.deleteVersion(subject, s[3]!, flag('permanent')))
    }
    if (n === 5 && s[2] === 'versions' && s[4] === 'schema' && method === 'GET') {
      return ok(JSON.parse(store.getVersion(subject, s[3]!).schema))
    }
  }

  if (s[0] === 'schemas') {
    if (n === 2 && s[1] === 'types' && method === 'GET') return ok(['AVRO'])
    if (s[1] === 'ids' && n >= 3) {
      const id = parseId(s[2]!)
      if (n === 3 && method === 'GET') return ok(store.schemaById(id))
      if (n === 4 && s[3] === 'schema' && method === 'GET') return ok(JSON.parse(store.schemaById(id).schema))
      if (n === 4 && s[3] === 'versions' && method === 'GET') return ok(store.subjectVersionsOfId(id))
    }
  }

  if (s[0] === 'config') {
    if (n === 1 && method === 'GET') return ok({ compatibilityLevel: store.getGlobalLevel() })
    if (n === 1 && method === 'PUT') return ok({ compatibility: store.setGlobalLevel(configBody(req)) })
    const subject = s[1]!
    if (n === 2 && method === 'GET') return ok({ compatibilityLevel: store.getSubjectLevel(subject, flag('defaultToGlobal')) })
    if (n === 2 && method === 'PUT') return ok({ compatibility: store.setSubjectLevel(subject, configBody(req)) })
    if (n === 2 && method === 'DELETE') return ok({ compatibilityLevel: store.deleteSubjectLevel(subject) })
  }

  if (s[0] === 'compatibility' && s[1] === 'subjects' && s[3] === 'versions' && method === 'POST' && (n === 4 || n === 5)) {
    const errors = store.testCompatibility(s[2]!, s[4] ?? 'latest', schemaBody(req))
    const body: { is_compatible: boolean; messages?: string[] } = { is_compatible: errors.length === 0 }
    if (flag('verbose')) body.messages = errors
    return ok(body)
  }

  if (n === 0 && method === 'GET') return ok({})
  throw routeNotFound(method, path)
}

function schemaBody(req: RegistryRequest): SchemaRequest {
  const body = req.body as SchemaRequest | null
  if (body === null || typeof body !== 'object' || typeof body.schema !== 'string') {
    throw badRequest('request body must be a JSON object with a string field "schema"')
  }
  return body
}

function configBody(req: RegistryRequest): unknown {
  const body = req.body as { compatibility?: unknown } | null
  if (body === null || typeof body !== 'object' || !('compatibility' in body)) {
    throw badRequest('request body must be a JSON object with a field "compatibility"')
  }
  return body.compatibility
}

function parseId(text: string): number {
  if (!/^[0-9]+$/.test(text)) throw badRequest(`schema id must be a positive integer, got '${text}'`)
  return Number(text)
}
