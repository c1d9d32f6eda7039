// The one generic encoder and decoder, driven by the field tables in apis/.

import type { Field, Primitive } from './schema.js'
import { Reader, ProtocolDecodeError } from './reader.js'
import { Writer } from './writer.js'

// Decoded messages are plain objects keyed by field name.
export type Message = Record<string, any>

const ZERO_UUID = Buffer.alloc(16)

function inVersion(field: Field, version: number): boolean {
  return version >= field.min && version <= field.max
}

function readPrimitive(r: Reader, type: Primitive, flexible: boolean): unknown {
  switch (type) {
    case 'bool': return r.bool()
    case 'int8': return r.int8()
    case 'int16': return r.int16()
    case 'int32': return r.int32()
    case 'int64': return r.int64()
    case 'float64': return r.float64()
    case 'uuid': return r.uuid()
    case 'string': return flexible ? r.compactString() : r.string()
    case 'bytes':
    case 'records': return flexible ? r.compactBytes() : r.bytes()
  }
}

function readValue(r: Reader, field: Field, version: number, flexible: boolean): unknown {
  const type = field.type
  if (field.array) {
    const n = flexible ? r.compactArrayLength() : r.arrayLength()
    if (n < 0) return null
    const out = new Array(n)
    if (typeof type === 'string') {
      for (let i = 0; i < n; i++) out[i] = readPrimitive(r, type, flexible)
    } else {
      for (let i = 0; i < n; i++) out[i] = readStruct(r, type, version, flexible)
    }
    return out
  }
  if (typeof type === 'string') return readPrimitive(r, type, flexible)
  return readStruct(r, type, version, flexible)
}

export function readStruct(r: Reader, fields: readonly Field[], version: number, flexible: boolean): Message {
  const out: Message = {}
  let tagged: Field[] | null = null
  for (const field of fields) {
    if (!inVersion(field, version)) continue
    if (field.tag !== undefined) {
      if (flexible) (tagged ??= []).push(field)
      continue
    }
    out[field.name] = readValue(r, field, version, flexible)
  }
  if (flexible) readTaggedFields(r, tagged, out, version)
  return out
}

function readTaggedFields(r: Reader, known: Field[] | null, out: Message, version: number): void {
  const count = r.uvarint()
  for (let i = 0; i < count; i++) {
    const tag = r.uvarint()
    const size = r.uvarint()
    const field = known?.find((f) => f.tag === tag)
    if (!field) { r.skip(size); continue }
    const end = r.pos + size
    if (end > r.end) throw new ProtocolDecodeError(`tagged field ${field.name} overruns the frame`)
    out[field.name] = readValue(new Reader(r.buf, r.pos, end), field, version, true)
    r.pos = end
  }
}

function writePrimitive(w: Writer, type: Primitive, v: any, flexible: boolean, name: string): void {
  switch (type) {
    case 'bool': w.bool(!!v); return
    case 'int8': w.int8(v ?? 0); return
    case 'int16': w.int16(v ?? 0); return
    case 'int32': w.int32(v ?? 0); return
    case 'int64': w.int64(v ?? 0); return
    case 'float64': w.float64(v ?? 0); return
    case 'uuid': w.raw(v ?? ZERO_UUID); return
    case 'string':
      if (v !== null && v !== undefined && typeof v !== 'string') throw new TypeError(`field ${name} must be a string`)
      if (flexible) w.compactString(v ?? null)
      else w.string(v ?? null)
      return
    case 'bytes':
    case 'records':
      w.bytes(v ?? null, flexible)
  }
}

function writeValue(w: Writer, field: Field, v: any, version: number, flexible: boolean): void {
  const type = field.type
  if (field.array) {
    if (v === null || v === undefined) {
      // Absent arrays are written empty; null only when explicitly asked for.
      if (v === null) { if (flexible) w.uvarint(0); else w.int32(-1) }
      else if (flexible) w.uvarint(1)
      else w.int32(0)
      return
    }
    if (flexible) w.uvarint(v.length + 1)
    else w.int32(v.length)
    if (typeof type === 'string') {
      for (let i = 0; i < v.length; i++) writePrimitive(w, type, v[i], flexible, field.name)
    } else {
      for (let i = 0; i < v.length; i++) writeStruct(w, type, v[i], version, flexible)
    }
    return
  }
  if (typeof type === 'string') writePrimitive(w, type, v, flexible, field.name)
  else writeStruct(w, type, v ?? {}, version, flexible)
}

export function writeStruct(w: Writer, fields: readonly Field[], value: Message, version: number, flexible: boolean): void {
  let tagged: Field[] | null = null
  for (const field of fields) {
    if (!inVersion(field, version)) continue
    if (field.tag !== undefined) {
      if (flexible && value[field.name] !== undefined && value[field.name] !== null) (tagged ??= []).push(field)
      continue
    }
    writeValue(w, field, value[field.name], version, flexible)
  }
  if (!flexible) return
  if (tagged === null) { w.uvarint(0); return }
  tagged.sort((a, b) => a.tag! - b.tag!)
  w.uvarint(tagged.length)
  for (const field of tagged) {
    const sub = new Writer(64)
    writeValue(sub, field, value[field.name], version, true)
    const bytes = sub.toBuffer()
    w.uvarint(field.tag!).uvarint(bytes.length).raw(bytes)
  }
}
