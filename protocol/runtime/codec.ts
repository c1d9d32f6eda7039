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
  readonly kind: 'request' | 'response' | 'header'
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

function readValue(r: Reader, field: FieldSchema, v: number, msgFlexible: boolean): unknown {
  const flexible = isFlexible(field, msgFlexible, v)
  let value: unknown
  if (field.array) {
    const n = flexible ? r.compactArrayLength() : r.arrayLength()
    if (n < 0) value = null
    else {
      const out = new Array(n)
      if (field.type === 'struct') for (let i = 0; i < n; i++) out[i] = readStruct(r, field.fields!, v, msgFlexible)
      else for (let i = 0; i < n; i++) out[i] = readPrimitive(r, field.type, flexible)
      value = out
    }
  } else if (field.type === 'struct') {
    if (inRange(field.nullable, v)) {
      const present = r.int8()
      if (present < 0) return null
    }
    return readStruct(r, field.fields!, v, msgFlexible)
  } else value = readPrimitive(r, field.type, flexible)
  if (value === null && !inRange(field.nullable, v)) throw new ProtocolDecodeError('null in a field that is not nullable at this version')
  return value
}

export function readStruct(r: Reader, fields: readonly FieldSchema[], v: number, flexible: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  let field: FieldSchema | undefined
  let taggedHere = false
  let inTagged = false
  try {
    for (field of fields) {
      if (!inRange(field.versions, v)) continue
      if (isTagged(field, v)) {
        taggedHere = true
        const d = defaultValue(field)
        if (d !== undefined) out[field.name] = d
        continue
      }
      out[field.name] = readValue(r, field, v, flexible)
    }
    field = undefined
    if (flexible) {
      inTagged = true
      const count = r.uvarint()
      let last = -1
      for (let i = 0; i < count; i++) {
        const tag = r.uvarint()
        if (tag <= last) throw new ProtocolDecodeError(`tagged fields out of order: tag ${tag} after ${last}`)
        last = tag
        const size = r.uvarint()
        field = taggedHere ? fields.find((f) => f.tag === tag && inRange(f.versions, v) && isTagged(f, v)) : undefined
        if (field === undefined) { r.skip(size); continue }
        const end = r.pos + size
        if (end > r.end) throw new ProtocolDecodeError(`buffer truncated: tagged field of ${size} bytes, ${r.end - r.pos} left`)
        const sub = new Reader(r.buf, r.pos, end)
        out[field.name] = readValue(sub, field, v, flexible)
        if (sub.pos !== end) throw new ProtocolDecodeError(`tagged field is ${size} bytes but its value took ${sub.pos - r.pos}`)
        r.pos = end
        field = undefined
      }
    }
  } catch (err) {
    if (err instanceof ProtocolDecodeError) {
      if (field !== undefined) err.path.unshift(field.name)
      else if (inTagged) err.path.unshift('_taggedFields')
    }
    throw err
  }
  return out
}

function checkVersion(schema: MessageSchema, v: number): void {
  if (!Number.isInteger(v) || v < schema.versions[0] || v > schema.versions[1]) {
    throw new UnsupportedVersionError(`${schema.name} has no version ${v} (versions ${schema.versions[0]}-${schema.versions[1]})`)
  }
}

const describe = (schema: MessageSchema, v: number): string =>
  `${schema.kind === 'header' ? schema.name : `${schema.api} ${schema.kind}`} v${v}`

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
    case 'bytes':
    case 'records':
      if (value !== null && !(value instanceof Uint8Array)) fail(ctx, path, 'must be a Buffer')
      if (flexible) w.compactBytes(value); else w.bytes(value)
  }
}

function writeValue(w: Writer, field: FieldSchema, value: any, v: number, msgFlexible: boolean, ctx: string, path: string): void {
  if (value === undefined) value = defaultValue(field)
  if (value === null && !inRange(field.nullable, v)) fail(ctx, path, `is not nullable at version ${v}`)
  const flexible = isFlexible(field, msgFlexible, v)
  if (field.array) {
    if (value === null) { if (flexible) w.uvarint(0); else w.int32(-1); return }
    if (!Array.isArray(value)) fail(ctx, path, 'must be an array')
    if (flexible) w.uvarint(value.length + 1); else w.int32(value.length)
    if (field.type === 'struct') for (let i = 0; i < value.length; i++) writeStruct(w, field.fields!, value[i], v, msgFlexible, ctx, path)
    else for (let i = 0; i < value.length; i++) writePrimitive(w, field.type, value[i], flexible, ctx, path)
    return
  }
  if (field.type === 'struct') {
    if (inRange(field.nullable, v)) {
      if (value === null) { w.int8(-1); return }
      w.int8(1)
    }
    writeStruct(w, field.fields!, value ?? {}, v, msgFlexible, ctx, path)
    return
  }
  writePrimitive(w, field.type, value, flexible, ctx, path)
}

export function writeStruct(w: Writer, fields: readonly FieldSchema[], value: any, v: number, flexible: boolean, ctx: string, prefix = ''): void {
  if (value === null || typeof value !== 'object') fail(ctx, prefix || '(message)', 'must be an object')
  let tagged: FieldSchema[] | null = null
  for (const field of fields) {
    const x = value[field.name]
    if (!inRange(field.versions, v)) {
      if (!field.ignorable && x !== undefined && !isDefault(field, x)) {
        throw new UnsupportedVersionError(`${ctx}: field ${prefix}${field.name} cannot be sent at version ${v}`)
      }
      continue
    }
    if (isTagged(field, v)) {
      if (x !== undefined && !isDefault(field, x)) (tagged ??= []).push(field)
      continue
    }
    writeValue(w, field, x, v, flexible, ctx, prefix + field.name)
  }
  if (!flexible) return
  if (tagged === null) { w.uvarint(0); return }
  tagged.sort((a, b) => a.tag! - b.tag!)
  w.uvarint(tagged.length)
  for (const field of tagged) {
    const sub = new Writer(64)
    writeValue(sub, field, value[field.name], v, true, ctx, prefix + field.name)
    w.uvarint(field.tag!)
    w.uvarint(sub.pos)
    w.raw(sub.toBuffer())
  }
}

/** Appends one message to a writer (e.g. after a header). */
export function writeMessage(schema: MessageSchema, w: Writer, value: object, v: number): void {
  checkVersion(schema, v)
  writeStruct(w, schema.fields, value, v, inRange(schema.flexible, v), `${describe(schema, v)}`)
}

export function encodeMessage(schema: MessageSchema, value: object, v: number): Buffer {
  const w = new Writer()
  writeMessage(schema, w, value, v)
  return w.toBuffer()
}

export function isFlexibleVersion(schema: MessageSchema, v: number): boolean {
  return inRange(schema.flexible, v)
}
