import type { ApiVersionsRequest, ApiVersionsResponse } from '../../../protocol/messages/api-versions.js'
import type { Handler } from '../context.js'
import { SERVED_APIS } from './index.js'

let apiKeys: ApiVersionsResponse['apiKeys'] | null = null

export function apiVersionsBody(errorCode: number): ApiVersionsResponse {
  // Built on first use: this module and the table of served APIs import each other.
  apiKeys ??= [...SERVED_APIS]
    .sort((a, b) => a.key - b.key)
    .map((a) => ({ apiKey: a.key, minVersion: a.minVersion, maxVersion: a.maxVersion }))
  return { errorCode, apiKeys, throttleTimeMs: 0 }
}

export const apiVersions: Handler<ApiVersionsRequest, ApiVersionsResponse> = () => apiVersionsBody(0)
