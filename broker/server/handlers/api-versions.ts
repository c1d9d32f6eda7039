import type { ApiVersionsRequest, ApiVersionsResponse } from '../../../protocol/messages/api-versions.js'
import type { Handler } from '../context.js'

/** An API's advertised version range. */
export interface VersionRange {
  key: number
  minVersion: number
  maxVersion: number
}

/** The ApiVersions answer for the served APIs, by key. */
export function apiVersionsBody(errorCode: number, apis: readonly VersionRange[]): ApiVersionsResponse {
  const apiKeys = [...apis].sort((a, b) => a.key - b.key).map((a) => ({ apiKey: a.key, minVersion: a.minVersion, maxVersion: a.maxVersion }))
  return { errorCode, apiKeys, throttleTimeMs: 0 }
}

/** The ApiVersions handler; `apis` is read at the first request (the table it serves includes this handler). */
export function apiVersionsHandler(apis: () => readonly VersionRange[]): Handler<ApiVersionsRequest, ApiVersionsResponse> {
  let body: ApiVersionsResponse | null = null
  return () => (body ??= apiVersionsBody(0, apis()))
}
