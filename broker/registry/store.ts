// The registry's state and rules, free of HTTP: schemas by global id, subjects as lists of
// versions, compatibility configuration. Every method either answers or throws a RegistryError.
import type avro from 'avsc'
import { parseAvro } from './avro.js'
import { compatibilityErrors, parseCompatibilityLevel, type CompatibilityLevel } from './compatibility.js'
import {
  badRequest,
  incompatibleSchema,
  invalidSchema,
  invalidVersion,
  schemaNotFound,
  subjectCompatibilityNotConfigured,
  subjectNotFound,
  subjectNotSoftDeleted,
  subjectSoftDeleted,
  versionNotFound,
  versionNotSoftDeleted,
  versionSoftDeleted,
} from './errors.js'

export interface SchemaReference {
  name: string
  subject: string
  version: number
}

/** The body of register, lookup and compatibility requests. */
export interface SchemaRequest {
  schema: string
  schemaType?: string
  references?: SchemaReference[]
}

interface StoredSchema {
  readonly id: number
  readonly text: string
  readonly references: SchemaReference[]
  readonly type: avro.Type
}

interface SubjectVersion {
  readonly version: number
  readonly schemaId: number
  deleted: boolean
}

export interface SubjectVersionView {
  subject: string
  version: number
  id: number
  schema: string
  references?: SchemaReference[]
}

const MAX_VERSION = 2 ** 31 - 1

export class SchemaStore {
  private readonly schemas = new Map<number, StoredSchema>()
  /** identity (schema text + references) → id, so equal schemas share one id across subjects */
  private readonly idsByIdentity = new Map<string, number>()
  private readonly subjects = new Map<string, SubjectVersion[]>()
  private readonly subjectLevels = new Map<string, CompatibilityLevel>()
  private globalLevel: CompatibilityLevel = 'BACKWARD'
  private nextId = 1

  register(subject: string, request: SchemaRequest): { id: number } {
    const { parsed, references, identity } = this.parseRequest(request)
    const versions = this.subjects.get(subject) ?? []
    const live = versions.filter((v) => !v.deleted)
    const existing = live.find((v) => this.schema(v.schemaId).identityKey === identity)
    if (existing) return { id: existing.schemaId }

    const errors = compatibilityErrors(
      this.effectiveLevel(subject),
      parsed.type,
      live.map((v) => ({ version: v.version, type: this.schema(v.schemaId).stored.type })),
    )
    if (errors.length > 0) throw incompatibleSchema(subject, errors)

    let id = this.idsByIdentity.get(identity)
    if (id === undefined) {
      id = this.nextId++
      this.idsByIdentity.set(identity, id)
      this.schemas.set(id, { id, text: parsed.canonical, references, type: parsed.type })
    }
    const version = versions.reduce((max, v) => Math.max(max, v.version), 0) + 1
    versions.push({ version, schemaId: id, deleted: false })
    this.subjects.set(subject, versions)
    return { id }
  }

  /** POST /subjects/{subject}: the live version of `subject` holding this schema. */
  lookup(subject: string, request: SchemaRequest): SubjectVersionView {
    const live = this.liveVersions(subject)
    const { identity } = this.parseRequest(request)
    const found = live.find((v) => this.schema(v.schemaId).identityKey === identity)
    if (!found) throw schemaNotFound(`Schema not found in subject '${subject}'`)
    return this.view(subject, found)
  }

  schemaById(id: number): { schema: string; references?: SchemaReference[] } {
    const stored = this.schemas.get(id)
    if (!stored) throw schemaNotFound(`Schema ${id} not found`)
    return stored.references.length > 0 ? { schema: stored.text, references: stored.references } : { schema: stored.text }
  }

  subjectVersionsOfId(id: number): { subject: string; version: number }[] {
    if (!this.schemas.has(id)) throw schemaNotFound(`Schema ${id} not found`)
    const out: { subject: string; version: number }[] = []
    for (const [subject, versions] of this.subjects) {
      for (const v of versions) if (v.schemaId === id && !v.deleted) out.push({ subject, version: v.version })
    }
    return out
  }

  listSubjects(includeDeleted = false): string[] {
    const out: string[] = []
    for (const [subject, versions] of this.subjects) {
      if (includeDeleted || versions.some((v) => !v.deleted)) out.push(subject)
    }
    return out.sort()
  }

  /** Live versions; with `includeDeleted`, soft-deleted ones too (as `?deleted=true`). */
  listVersions(subject: string, includeDeleted = false): number[] {
    if (!includeDeleted) return this.liveVersions(subject).map((v) => v.version)
    const all = this.subjects.get(subject) ?? []
    if (all.length === 0) throw subjectNotFound(subject)
    return all.map((v) => v.version)
  }

  getVersion(subject: string, versionSpec: string): SubjectVersionView {
    const live = this.liveVersions(subject)
    const version = parseVersion(versionSpec)
    const found = version === 'latest' ? live[live.length - 1] : live.find((v) => v.version === version)
    if (!found) throw versionNotFound(subject, versionSpec)
    return this.view(subject, found)
  }

  /** Soft delete marks every version deleted; permanent delete requires a soft delete first. */
  deleteSubject(subject: string, permanent: boolean): number[] {
    const versions = this.subjects.get(subject)
    if (!versions || versions.length === 0) throw subjectNotFound(subject)
    const live = versions.filter((v) => !v.deleted)
    if (permanent) {
      if (live.length > 0) throw subjectNotSoftDeleted(subject)
      this.subjects.delete(subject)
      this.subjectLevels.delete(subject)
      return versions.map((v) => v.version)
    }
    if (live.length === 0) throw subjectSoftDeleted(subject)
    for (const v of live) v.deleted = true
    return live.map((v) => v.version)
  }

  deleteVersion(subject: string, versionSpec: string, permanent: boolean): number {
    const versions = this.subjects.get(subject)
    if (!versions || versions.length === 0) throw subjectNotFound(subject)
    const spec = parseVersion(versionSpec)
    const found =
      spec === 'latest'
        ? versions.filter((v) => !v.deleted).pop()
        : versions.find((v) => v.version === spec)
    if (!found) throw versionNotFound(subject, versionSpec)
    if (permanent) {
      if (!found.deleted) throw versionNotSoftDeleted(subject, found.version)
      versions.splice(versions.indexOf(found), 1)
      if (versions.length === 0) this.subjects.delete(subject)
    } else {
      if (found.deleted) throw versionSoftDeleted(subject, found.version)
      found.deleted = true
    }
    return found.version
  }

  /**
   * POST /compatibility/subjects/{subject}/versions/{version}: checks `request` against that one
   * version, or against what the subject's level names when `version` is "latest" (all live
   * versions for *_TRANSITIVE). A subject with no versions accepts anything.
   */
  testCompatibility(subject: string, versionSpec: string, request: SchemaRequest): string[] {
    const { parsed } = this.parseRequest(request)
    const spec = parseVersion(versionSpec)
    const level = this.effectiveLevel(subject)
    const live = this.subjects.get(subject)?.filter((v) => !v.deleted) ?? []
    let against = live
    if (spec !== 'latest') {
      if (live.length === 0) throw subjectNotFound(subject)
      const found = live.find((v) => v.version === spec)
      if (!found) throw versionNotFound(subject, versionSpec)
      against = [found]
    }
    return compatibilityErrors(
      level,
      parsed.type,
      against.map((v) => ({ version: v.version, type: this.schema(v.schemaId).stored.type })),
    )
  }

  getGlobalLevel(): CompatibilityLevel {
    return this.globalLevel
  }

  setGlobalLevel(level: unknown): CompatibilityLevel {
    this.globalLevel = parseCompatibilityLevel(level)
    return this.globalLevel
  }

  getSubjectLevel(subject: string, defaultToGlobal: boolean): CompatibilityLevel {
    const level = this.subjectLevels.get(subject)
    if (level) return level
    if (defaultToGlobal) return this.globalLevel
    throw subjectCompatibilityNotConfigured(subject)
  }

  setSubjectLevel(subject: string, level: unknown): CompatibilityLevel {
    const parsed = parseCompatibilityLevel(level)
    this.subjectLevels.set(subject, parsed)
    return parsed
  }

  deleteSubjectLevel(subject: string): CompatibilityLevel {
    const level = this.subjectLevels.get(subject)
    if (!level) throw subjectNotFound(subject)
    this.subjectLevels.delete(subject)
    return level
  }

  private effectiveLevel(subject: string): CompatibilityLevel {
    return this.subjectLevels.get(subject) ?? this.globalLevel
  }

  private liveVersions(subject: string): SubjectVersion[] {
    const live = this.subjects.get(subject)?.filter((v) => !v.deleted) ?? []
    if (live.length === 0) throw subjectNotFound(subject)
    return live
  }

  private schema(id: number): { stored: StoredSchema; identityKey: string } {
    const stored = this.schemas.get(id)
    if (!stored) throw new Error(`registry invariant broken: version points at unknown schema id ${id}`)
    return { stored, identityKey: identityOf(stored.text, stored.references) }
  }

  private view(subject: string, v: SubjectVersion): SubjectVersionView {
    const stored = this.schema(v.schemaId).stored
    const out: SubjectVersionView = { subject, version: v.version, id: stored.id, schema: stored.text }
    if (stored.references.length > 0) out.references = stored.references
    return out
  }

  /** Validates a request body and parses its schema with the schemas it references. */
  private parseRequest(request: SchemaRequest) {
    if (request === null || typeof request !== 'object' || typeof request.schema !== 'string') {
      throw badRequest('request body must be a JSON object with a string field "schema"')
    }
    const schemaType = request.schemaType ?? 'AVRO'
    if (schemaType !== 'AVRO') {
      throw invalidSchema(`schemaType ${JSON.stringify(schemaType)} is not supported by the embedded registry (only AVRO)`)
    }
    const references = validateReferences(request.references)
    const parsed = parseAvro(request.schema, this.referencedTexts(references, new Set()))
    return { parsed, references, identity: identityOf(parsed.canonical, references) }
  }

  /** The texts of every schema `references` reaches, dependencies before dependants. */
  private referencedTexts(references: SchemaReference[], seen: Set<number>): string[] {
    const out: string[] = []
    for (const ref of references) {
      const version = this.subjects.get(ref.subject)?.find((v) => v.version === ref.version && !v.deleted)
      if (!version) {
        throw invalidSchema(`reference ${JSON.stringify(ref.name)} points at subject '${ref.subject}' version ${ref.version}, which does not exist`)
      }
      if (seen.has(version.schemaId)) continue
      seen.add(version.schemaId)
      const stored = this.schema(version.schemaId).stored
      out.push(...this.referencedTexts(stored.references, seen), stored.text)
    }
    return out
  }
}

function identityOf(text: string, references: SchemaReference[]): string {
  return references.length === 0 ? text : `${text}\u0000${JSON.stringify(references)}`
}

function validateReferences(value: unknown): SchemaReference[] {
  if (value === undefined || value === null) return []
  if (!Array.isArray(value)) throw badRequest('"references" must be an array')
  return value.map((ref: unknown, i) => {
    const r = ref as Partial<SchemaReference> | null
    if (!r || typeof r.name !== 'string' || typeof r.subject !== 'string' || !Number.isInteger(r.version)) {
      throw badRequest(`references[${i}] must be { name: string, subject: string, version: integer }`)
    }
    return { name: r.name, subject: r.subject, version: r.version as number }
  })
}

/** "latest", "-1" or an integer in [1, 2^31-1]. */
export function parseVersion(spec: string): number | 'latest' {
  if (spec === 'latest' || spec === '-1') return 'latest'
  if (!/^[0-9]+$/.test(spec)) throw invalidVersion(spec)
  const n = Number(spec)
  if (n < 1 || n > MAX_VERSION) throw invalidVersion(spec)
  return n
}
