import { ALL_APIS } from '../../protocol/apis/index.js'
import type { Handler } from '../context.js'

const API_KEYS = [...ALL_APIS]
  .sort((a, b) => a.key - b.key)
  .map((a) => ({ apiKey: a.key, minVersion: a.minVersion, maxVersion: a.maxVersion }))

export function apiVersionsBody(errorCode: number) {
  return { errorCode, apiKeys: API_KEYS, throttleTimeMs: 0 }
}

export const apiVersions: Handler = () => apiVersionsBody(0)
