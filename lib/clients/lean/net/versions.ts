import { APIS } from '../../../../protocol/messages/index.js'
import { KafkaResponseError } from '../errors.js'
import { Api, CLIENT_MAX_VERSION, CLIENT_MIN_VERSION, type ApiKey, type RequestSender } from './apis.js'

/** The version to speak of each API both sides support; absent when there is none. */
export type BrokerVersions = ReadonlyMap<number, number>

const SPEC = new Map(APIS.map(a => [a.key, a]))
const API_VERSIONS_MAX = 3

/** The versions this client can speak of an API: its spec's stable range, capped where the client's semantics stop. */
export function clientRange(key: ApiKey): [number, number] | null {
  const spec = SPEC.get(key)
  if (!spec) return null
  return [Math.max(spec.minVersion, CLIENT_MIN_VERSION[key] ?? 0), Math.min(spec.maxStableVersion, CLIENT_MAX_VERSION[key])]
}

/** The highest version both support of each API. */
export function pickVersions(broker: readonly { apiKey: number; minVersion: number; maxVersion: number }[]): Map<number, number> {
  const out = new Map<number, number>()
  for (const b of broker) {
    if (!(b.apiKey in CLIENT_MAX_VERSION)) continue
    const range = clientRange(b.apiKey as ApiKey)
    if (!range) continue
    const v = Math.min(range[1], b.maxVersion)
    if (v >= range[0] && v >= b.minVersion) out.set(b.apiKey, v)
  }
  return out
}

/** ApiVersions, first thing on a new connection; a broker that does not speak v3 is asked again at the version it names. */
export async function negotiate(conn: RequestSender, timeoutMs: number): Promise<BrokerVersions> {
  let version = API_VERSIONS_MAX
  for (let attempt = 0; attempt < 2; attempt++) {
    const res = await conn.send(Api.ApiVersions, version, { clientSoftwareName: 'kstreams', clientSoftwareVersion: '1' }, timeoutMs)
    if (res.errorCode === 35 && attempt === 0) {
      const own = res.apiKeys.find(k => k.apiKey === Api.ApiVersions)
      version = Math.min(API_VERSIONS_MAX, own?.maxVersion ?? 0)
      continue
    }
    if (res.errorCode !== 0) throw new KafkaResponseError(res.errorCode, conn.address, `ApiVersions v${version}`)
    return pickVersions(res.apiKeys)
  }
  throw new KafkaResponseError(35, conn.address, 'ApiVersions')
}
