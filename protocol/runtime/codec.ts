// The generic encoder and decoder that the generated message modules call, driven by the
// schemas generated from Kafka's JSON message specs (see protocol/generate/generate.ts).
import { ProtocolDecodeError } from './errors.js'
import { Reader } from './reader.js'
import { Writer } from './writer.js'

export type Primitive =
  | 'bool' | 'int8' | 'int16' | 'uint16' | 'int32' | 'int64' | 'float64'
  | 'string' | 'bytes' | 'records' | 'uuid'

/** An inclusive version range; `[min, 0x7fff]` for "min+". */
export type VersionRange = readonly [number, number]

export interface FieldSchema {
  readonly name: string
  /** A primitive, or 'struct' with `fields`. */
  readonly type: Primitive | 'struct'
  readonly array: boolean
  readonly fields?: readonly FieldSchema[]
  readonly versions: VersionRange
  readonly nullable?: VersionRange
  readonly tag?: number
  readonly tagged?: VersionRange
  /** A field-level override of the message's flexible versions; null for "none". */
  readonly flexible?: VersionRange | null
  /** May be dropped silently when a version lacks the field. */
  readonly ignorable?: boolean
  /** Default of a scalar field; for arrays, null means the default is null, otherwise empty. */
  readonly default?: unknown
}

export interface MessageSchema {
  /** e.g. `MetadataRequest`. */
  readonly name: string
  /** The API name, e.g. `Metadata`; the header's name for headers. */
  readonly api: string
  readonly kind: 'request' | 'response' | 'header' | 'data'
  /** -1 for headers. */
  readonly apiKey: number
  readonly versions: VersionRange
  readonly flexible: VersionRange | null
  readonly fields: readonly FieldSchema[]
}

export class UnsupportedVersionError extends Error {
  constructor(message: string) { super(message); this.name = 'UnsupportedVersionError' }
}

const ZERO_UUID = Buffer.alloc(16)
const EMPTY = Buffer.alloc(0)

const inRange = (r: VersionRange | null | undefined, v: number): boolean => !!r && v >= r[0] && v <= r[1]

function isFlexible(field: FieldSchema, msgFlexible: boolean, v: number): boolean {
  if (field.flexible === undefined) return msgFlexible
  return inRange(field.flexible, v)
}

function isTagged(field: FieldSchema, v: number): boolean {
  return field.tag !== undefined && inRange(field.tagged, v)
}

/** The value a field takes when it is absent (tagged fields not sent, values not given). */
export function defaultValue(field: FieldSchema): unknown {
  if (field.array) return field.default === null ? null : []
  if (field.type === 'struct') return undefined
  if (field.default !== undefined) return field.default
  switch (field.type) {
    case 'bool': return false
    case 'string': return ''
    case 'uuid': return ZERO_UUID
    case 'bytes': return EMPTY
    case 'records': return null
    default: return 0
  }
}

function isDefault(field: FieldSchema, value: unknown): boolean {
  if (value === undefined) return true
  if (field.type === 'struct' && !field.array) return false
  const d = defaultValue(field)
  if (value === d) return true
  if (Array.isArray(value)) return Array.isArray(d) && value.length === 0
  if (Buffer.isBuffer(value) && Buffer.isBuffer(d)) return value.equals(d)
  return false
}

// ---- plans: what a struct holds at one version, worked out once ----

interface PlanField {
  readonly f: FieldSchema
  readonly name: string
  readonly flexible: boolean
  readonly nullable: boolean
  /** The plan of the struct type (struct fields only). */
  readonly sub: Plan | null
}

interface Plan {
  /** Fields written in order, at this version. */
  readonly regular: readonly PlanField[]
  /** Tagged fields at this version, by tag order; null when none. */
  readonly tagged: readonly PlanField[] | null
  /** Defaults of the tagged fields, filled in before the tagged section is read. */
  readonly taggedDefaults: readonly [string, FieldSchema][]
  /** Fields this version lacks, which encoding must not be given a value for. */
  readonly absent: readonly FieldSchema[]
  readonly flexible: boolean
}

const plans = new WeakMap<readonly FieldSchema[], Map<number, Plan>>()

function planFor(fields: readonly FieldSchema[], v: number, flexible: boolean): Plan {
  let byVersion = plans.get(fields)
  if (byVersion === undefined) { byVersion = new Map(); plans.set(fields, byVersion) }
  const key = flexible ? -1 - v : v
  let plan = byVersion.get(key)
  if (plan !== undefined) return plan
  const regular: PlanField[] = []
  const tagged: PlanField[] = []
  const absent: FieldSchema[] = []
  for (const f of fields) {
    if (!inRange(f.versions, v)) { absent.push(f); continue }
    const pf: PlanField = {
      f, name: f.name, flexible: isFlexible(f, flexible, v), nullable: inRange(f.nullable, v),
      sub: f.type === 'struct' ? planFor(f.fields!, v, flexible) : null,
    }
    if (flexible && isTagged(f, v)) tagged.push(pf)
    else if (!isTagged(f, v)) regular.push(pf)
  }
  tagged.sort((a, b) => a.f.tag! - b.f.tag!)
  plan = {
    regular, tagged: tagged.length > 0 ? tagged : null,
    taggedDefaults: tagged.map((t) => [t.name, t.f] as [string, FieldSchema]).filter(([, f]) => defaultValue(f) !== undefined),
    absent, flexible,
  }
  byVersion.set(key, plan)
  return plan
}

// ---- decoding ----

function readPrimitive(r: Reader, type: Primitive, flexible: boolean): unknown {
  switch (type) {
    case 'bool': return r.bool()
    case 'int8': return r.int8()
    case 'int16': return r.int16()
    case 'uint16': return r.uint16()
    case 'int32': return r.int32()
    case 'int64': return r.int64()
    case 'float64': return r.float64()
    case 'uuid': return r.uuid()
    case 'string': return flexible ? r.compactString() : r.string()
    case 'bytes':
    case 'records': return flexible ? r.compactBytes() : r.bytes()
  }
}

const notNullable = (): never => { throw new ProtocolDecodeError('null in a field that is not nullable at this version') }

function readValue(r: Reader, pf: PlanField): unknown {
  const f = pf.f
  if (f.array) {
    const n = pf.flexible ? r.compactArrayLength() : r.arrayLength()
    if (n < 0) return pf.nullable ? null : notNullable()
    const out = new Array(n)
    if (pf.sub !== null) for (let i = 0; i < n; i++) out[i] = readPlan(r, pf.sub)
    else for (let i = 0; i < n; i++) out[i] = readPrimitive(r, f.type as Primitive, pf.flexible)
    return out
  }
  if (pf.sub !== null) {
    if (pf.nullable && r.int8() < 0) return null
    return readPlan(r, pf.sub)
  }
  const value = readPrimitive(r, f.type as Primitive, pf.flexible)
  return value === null && !pf.nullable ? notNullable() : value
}

function readPlan(r: Reader, plan: Plan): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  const regular = plan.regular
  let i = 0
  let inTagged = false
  let current: PlanField | undefined
  try {
    for (; i < regular.length; i++) out[regular[i]!.name] = readValue(r, regular[i]!)
    if (plan.flexible) {
      inTagged = true
      for (const [name, f] of plan.taggedDefaults) out[name] = defaultValue(f)
      const count = r.uvarint()
      let last = -1
      for (let k = 0; k < count; k++) {
        const tag = r.uvarint()
        if (tag <= last) throw new ProtocolDecodeError(`tagged fields out of order: tag ${tag} after ${last}`)
        last = tag
        const size = r.uvarint()
        current = plan.tagged?.find((t) => t.f.tag === tag)
        if (current === undefined) { r.skip(size); continue }
        const end = r.pos + size
        if (end > r.end) throw new ProtocolDecodeError(`buffer truncated: tagged field of ${size} bytes, ${r.end - r.pos} left`)
        const sub = new Reader(r.buf, r.pos, end)
        out[current.name] = readValue(sub, current)
        if (sub.pos !== end) throw new ProtocolDecodeError(`tagged field is ${size} bytes but its value took ${sub.pos - r.pos}`)
        r.pos = end
        current = undefined
      }
    }
  } catch (err) {
    if (err instanceof ProtocolDecodeError) {
      if (!inTagged) err.path.unshift(regular[i]!.name)
      else err.path.unshift(current !== undefined ? current.name : '_taggedFields')
    }
    throw err
  }
  return out
}

export function readStruct(r: Reader, fields: readonly FieldSchema[], v: number, flexible: boolean): Record<string, unknown> {
  return readPlan(r, planFor(fields, v, flexible))
}

function checkVersion(schema: MessageSchema, v: number): void {
  if (!Number.isInteger(v) || v < schema.versions[0] || v > schema.versions[1]) {
    throw new UnsupportedVersionError(`${schema.name} has no version ${v} (versions ${schema.versions[0]}-${schema.versions[1]})`)
  }
}

const describe = (schema: MessageSchema, v: number): string =>
  `${schema.kind === 'header' || schema.kind === 'data' ? schema.name : `${schema.api} ${schema.kind}`} v${v}`

/** Reads one message at the reader's position, advancing it. */
export function readMessage(schema: MessageSchema, r: Reader, v: number): Record<string, unknown> {
  checkVersion(schema, v)
  try {
    return readStruct(r, schema.fields, v, inRange(schema.flexible, v))
  } catch (err) {
    if (err instanceof ProtocolDecodeError) { err.what = describe(schema, v); err.describe() }
    throw err
  }
}

/** Decodes a whole buffer (or the part from `offset`); bytes left over are an error. */
export function decodeMessage(schema: MessageSchema, buf: Buffer, v: number, offset = 0): Record<string, unknown> {
  const r = new Reader(buf, offset)
  const out = readMessage(schema, r, v)
  if (r.pos !== r.end) {
    const err = new ProtocolDecodeError(`${r.end - r.pos} bytes left over after the message`)
    err.what = describe(schema, v)
    throw err.describe()
  }
  return out
}

// ---- encoding ----

function fail(schema: string, path: string, why: string): never {
  throw new TypeError(`${schema}: field ${path} ${why}`)
}

function writePrimitive(w: Writer, type: Primitive, value: any, flexible: boolean, ctx: string, path: string): void {
  switch (type) {
    case 'bool': w.bool(!!value); return
    case 'int8': w.int8(value); return
    case 'int16': w.int16(value); return
    case 'uint16': w.uint16(value); return
    case 'int32': w.int32(value); return
    case 'int64': w.int64(value); return
    case 'float64': w.float64(value); return
    case 'uuid':
      if (!(value instanceof Uint8Array) || value.length !== 16) fail(ctx, path, 'must be a 16-byte uuid')
      w.raw(value); return
    case 'string':
      if (value !== null && typeof value !== 'string') fail(ctx, path, 'must be a string')
      if (flexible) w.compactString(value); else w.string(value)
      return
    case 'records':
      if (Array.isArray(value)) { writeRecordChunks(w, value, flexible); return }
      if (value !== null && value instanceof Buffer && value.length >= 1024) {
        if (flexible) w.uvarint(value.length + 1); else w.int32(value.length)
        w.chunk(value)
        return
      }
      if (value !== null && !(value instanceof Uint8Array)) fail(ctx, path, 'must be a Buffer')
      if (flexible) w.compactBytes(value); else w.bytes(value)
      return
    case 'bytes':
      if (value !== null && !(value instanceof Uint8Array)) fail(ctx, path, 'must be a Buffer')
      if (flexible) w.compactBytes(value); else w.bytes(value)
  }
}

function writeRecordChunks(w: Writer, chunks: readonly Buffer[], flexible: boolean): void {
  let n = 0
  for (let i = 0; i < chunks.length; i++) n += chunks[i]!.length
  if (flexible) w.uvarint(n + 1); else w.int32(n)
  for (let i = 0; i < chunks.length; i++) w.chunk(chunks[i]!)
}

/**
 * A `records` value made of several buffers written back to back (record batches as a log
 * stores them), sent without joining them. For encoding only: the codec writes each buffer by
 * reference; the result is typed as the Buffer the field holds but is not one when there are
 * several chunks.
 */
export function recordsOf(chunks: readonly Buffer[]): Buffer {
  if (chunks.length === 1) return chunks[0]!
  if (chunks.length === 0) return EMPTY
  return chunks as unknown as Buffer
}

/** How strictly encoding treats values the version cannot carry. */
export interface WriteOptions {
  /**
   * Leave out, instead of rejecting, non-default values of fields the version lacks. A broker
   * answering many versions builds one response and lets each version take the fields it has.
   */
  readonly omitAbsent?: boolean
}

function writeValue(w: Writer, pf: PlanField, value: any, v: number, ctx: string, path: string, lenient: boolean): void {
  const f = pf.f
  if (value === undefined) value = defaultValue(f)
  if (value === null && !pf.nullable) fail(ctx, path, `is not nullable at version ${v}`)
  if (f.array) {
    if (value === null) { if (pf.flexible) w.uvarint(0); else w.int32(-1); return }
    if (!Array.isArray(value)) fail(ctx, path, 'must be an array')
    if (pf.flexible) w.uvarint(value.length + 1); else w.int32(value.length)
    if (pf.sub !== null) for (let i = 0; i < value.length; i++) writePlan(w, pf.sub, value[i], v, ctx, path + '.', lenient)
    else for (let i = 0; i < value.length; i++) writePrimitive(w, f.type as Primitive, value[i], pf.flexible, ctx, path)
    return
  }
  if (pf.sub !== null) {
    if (pf.nullable) {
      if (value === null) { w.int8(-1); return }
      w.int8(1)
    }
    writePlan(w, pf.sub, value ?? {}, v, ctx, path + '.', lenient)
    return
  }
  writePrimitive(w, f.type as Primitive, value, pf.flexible, ctx, path)
}

function writePlan(w: Writer, plan: Plan, value: any, v: number, ctx: string, prefix: string, lenient: boolean): void {
  if (value === null || typeof value !== 'object') fail(ctx, prefix || '(message)', 'must be an object')
  if (!lenient) for (const f of plan.absent) {
    const x = value[f.name]
    if (x !== undefined && !f.ignorable && !isDefault(f, x)) {
      throw new UnsupportedVersionError(`${ctx}: field ${prefix}${f.name} cannot be sent at version ${v}`)
    }
  }
  const regular = plan.regular
  for (let i = 0; i < regular.length; i++) {
    const pf = regular[i]!
    writeValue(w, pf, value[pf.name], v, ctx, prefix + pf.name, lenient)
  }
  if (!plan.flexible) return
  const tagged = plan.tagged
  if (tagged === null) { w.uvarint(0); return }
  let count = 0
  for (const t of tagged) if (!isDefault(t.f, value[t.name])) count++
  w.uvarint(count)
  if (count === 0) return
  for (const t of tagged) {
    const x = value[t.name]
    if (isDefault(t.f, x)) continue
    const sub = new Writer(64)
    writeValue(sub, t, x, v, ctx, prefix + t.name, lenient)
    w.uvarint(t.f.tag!)
    w.uvarint(sub.length)
    w.raw(sub.toBuffer())
  }
}

export function writeStruct(w: Writer, fields: readonly FieldSchema[], value: any, v: number, flexible: boolean, ctx: string, prefix = '', opts?: WriteOptions): void {
  writePlan(w, planFor(fields, v, flexible), value, v, ctx, prefix, opts?.omitAbsent === true)
}

/** Appends one message to a writer (e.g. after a header). */
export function writeMessage(schema: MessageSchema, w: Writer, value: object, v: number, opts?: WriteOptions): void {
  checkVersion(schema, v)
  writeStruct(w, schema.fields, value, v, inRange(schema.flexible, v), describe(schema, v), '', opts)
}

export function encodeMessage(schema: MessageSchema, value: object, v: number, opts?: WriteOptions): Buffer {
  const w = new Writer()
  writeMessage(schema, w, value, v, opts)
  return w.toBuffer()
}

export function isFlexibleVersion(schema: MessageSchema, v: number): boolean {
  return inRange(schema.flexible, v)
}
