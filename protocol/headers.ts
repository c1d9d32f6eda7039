// Which header version goes with which API version, and whole-frame helpers.
import { APIS, type ApiInfo } from './messages/index.js'
import { RequestHeaderSchema, ResponseHeaderSchema, type RequestHeader, type ResponseHeader } from './messages/headers.js'
import { readMessage, writeMessage, UnsupportedVersionError } from './runtime/codec.js'
import { Reader } from './runtime/reader.js'
import { Writer } from './runtime/writer.js'

const byKey = new Map<number, ApiInfo>(APIS.map((a) => [a.key, a]))

export function apiInfo(key: number): ApiInfo {
  const api = byKey.get(key)
  if (!api) throw new UnsupportedVersionError(`unknown API key ${key}`)
  return api
}

/** Request header v2 for flexible versions, v1 otherwise (v0 is only ControlledShutdown v0). */
export function requestHeaderVersion(apiKey: number, version: number): number {
  return version >= apiInfo(apiKey).flexibleFrom ? 2 : 1
}

/** Response header v1 for flexible versions, v0 otherwise; ApiVersions always answers with v0. */
export function responseHeaderVersion(apiKey: number, version: number): number {
  if (apiKey === 18) return 0
  return version >= apiInfo(apiKey).flexibleFrom ? 1 : 0
}

/** Encodes a request header followed by the request body (without the 4-byte size prefix). */
export function encodeRequest(header: RequestHeader, body: object): Buffer {
  const api = apiInfo(header.requestApiKey)
  const w = new Writer()
  writeMessage(RequestHeaderSchema, w, header, requestHeaderVersion(api.key, header.requestApiVersion))
  writeMessage(api.request, w, body, header.requestApiVersion)
  return w.toBuffer()
}

/** Decodes a request frame (without the size prefix): its header, then its body. */
export function decodeRequest(frame: Buffer): { header: RequestHeader; body: Record<string, unknown> } {
  const r = new Reader(frame)
  const key = r.int16()
  const version = r.int16()
  r.pos = 0
  const api = apiInfo(key)
  const header = readMessage(RequestHeaderSchema, r, requestHeaderVersion(key, version)) as unknown as RequestHeader
  const body = readMessage(api.request, r, version)
  return { header, body }
}

export function encodeResponse(apiKey: number, version: number, header: ResponseHeader, body: object): Buffer {
  const api = apiInfo(apiKey)
  const w = new Writer()
  writeMessage(ResponseHeaderSchema, w, header, responseHeaderVersion(apiKey, version))
  writeMessage(api.response, w, body, version)
  return w.toBuffer()
}

export function decodeResponse(apiKey: number, version: number, frame: Buffer): { header: ResponseHeader; body: Record<string, unknown> } {
  const api = apiInfo(apiKey)
  const r = new Reader(frame)
  const header = readMessage(ResponseHeaderSchema, r, responseHeaderVersion(apiKey, version)) as unknown as ResponseHeader
  const body = readMessage(api.response, r, version)
  return { header, body }
}
