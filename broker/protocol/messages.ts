// Request and response framing: size prefix, headers, body.
// Request header v1 (non-flexible) / v2 (flexible: adds tagged fields); response header v0 / v1.
// ApiVersions responses always use header v0 so that a client can read the error whatever
// version it asked for.

import type { ApiSchema } from './schema.js'
import { readStruct, writeStruct, type Message } from './codec.js'
import { Reader } from './reader.js'
import { Writer } from './writer.js'

export interface RequestHeader {
  apiKey: number
  apiVersion: number
  correlationId: number
  clientId: string | null
}

const API_VERSIONS_KEY = 18

export function isFlexible(api: ApiSchema, version: number): boolean {
  return version >= api.flexibleFrom
}

/** Reads the fixed part of the header, the same in every version. */
export function readHeaderStart(r: Reader): RequestHeader {
  const apiKey = r.int16()
  const apiVersion = r.int16()
  const correlationId = r.int32()
  const clientId = r.string()
  return { apiKey, apiVersion, correlationId, clientId }
}

/** Reads the rest of a known request: header tagged fields (flexible versions) and the body. */
export function readRequestBody(r: Reader, api: ApiSchema, version: number): Message {
  const flexible = isFlexible(api, version)
  if (flexible) readStruct(r, [], version, true)
  const body = readStruct(r, api.request, version, flexible)
  return body
}

export function decodeRequest(frame: Buffer, api: ApiSchema): { header: RequestHeader; body: Message } {
  const r = new Reader(frame)
  const header = readHeaderStart(r)
  const body = readRequestBody(r, api, header.apiVersion)
  return { header, body }
}

/** Size-prefixed response frame as chunks, ready for the socket. */
export function encodeResponse(api: ApiSchema, version: number, correlationId: number, body: Message): Buffer[] {
  const w = new Writer(256)
  w.int32(0) // size, patched below
  w.int32(correlationId)
  const flexible = isFlexible(api, version)
  if (flexible && api.key !== API_VERSIONS_KEY) w.uvarint(0)
  writeStruct(w, api.response, body, version, flexible)
  const size = w.length - 4
  const chunks = w.finish()
  chunks[0]!.writeInt32BE(size, 0)
  return chunks
}

/** Size-prefixed request frame (used by tests and tools speaking to the broker). */
export function encodeRequest(api: ApiSchema, version: number, correlationId: number, clientId: string | null, body: Message): Buffer {
  const w = new Writer(256)
  w.int32(0)
  w.int16(api.key).int16(version).int32(correlationId).string(clientId)
  const flexible = isFlexible(api, version)
  if (flexible) w.uvarint(0)
  writeStruct(w, api.request, body, version, flexible)
  const buf = w.toBuffer()
  buf.writeInt32BE(buf.length - 4, 0)
  return buf
}

/** Decodes a response frame body (after the size prefix). */
export function decodeResponse(frame: Buffer, api: ApiSchema, version: number): { correlationId: number; body: Message } {
  const r = new Reader(frame)
  const correlationId = r.int32()
  const flexible = isFlexible(api, version)
  if (flexible && api.key !== API_VERSIONS_KEY) readStruct(r, [], version, true)
  return { correlationId, body: readStruct(r, api.response, version, flexible) }
}

/** Decodes a request body without a header (for codec tests against other encoders). */
export function decodeRequestBodyOnly(body: Buffer, api: ApiSchema, version: number): Message {
  return readStruct(new Reader(body), api.request, version, isFlexible(api, version))
}

export function encodeResponseBodyOnly(api: ApiSchema, version: number, body: Message): Buffer {
  const w = new Writer(256)
  writeStruct(w, api.response, body, version, isFlexible(api, version))
  return w.toBuffer()
}
