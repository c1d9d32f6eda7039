import { BrokerNetworkError, KafkaResponseError } from '../../errors.js'
import { Api, type RequestSender } from '../apis.js'
import type { SaslOptions } from '../options.js'
import { ScramExchange } from './scram.js'

const MECHANISM: Record<SaslOptions['mechanism'], string> = {
  plain: 'PLAIN',
  'scram-sha-256': 'SCRAM-SHA-256',
  'scram-sha-512': 'SCRAM-SHA-512',
}

/** SaslHandshake v1, then the mechanism's exchange in SaslAuthenticate requests (KIP-152). */
export async function authenticate(conn: RequestSender, sasl: SaslOptions, timeoutMs: number): Promise<void> {
  const mechanism = MECHANISM[sasl.mechanism]
  const handshake = await conn.send(Api.SaslHandshake, conn.versionOf(Api.SaslHandshake), { mechanism }, timeoutMs)
  if (handshake.errorCode !== 0) {
    throw new KafkaResponseError(handshake.errorCode, conn.address, 'SaslHandshake', `mechanism ${mechanism}`, `the broker enables ${handshake.mechanisms.join(', ') || 'no mechanism'}`)
  }
  const version = conn.versionOf(Api.SaslAuthenticate)
  const exchange = async (bytes: Buffer): Promise<Buffer> => {
    const res = await conn.send(Api.SaslAuthenticate, version, { authBytes: bytes }, timeoutMs)
    if (res.errorCode !== 0) throw new KafkaResponseError(res.errorCode, conn.address, 'SaslAuthenticate', `user ${sasl.username} (${mechanism})`, res.errorMessage)
    return res.authBytes
  }
  try {
    if (sasl.mechanism === 'plain') {
      await exchange(Buffer.from(`\u0000${sasl.username}\u0000${sasl.password}`, 'utf8'))
      return
    }
    const scram = new ScramExchange(sasl.mechanism === 'scram-sha-256' ? 'sha256' : 'sha512', sasl.username, sasl.password)
    const serverFirst = await exchange(Buffer.from(scram.clientFirst(), 'utf8'))
    const serverFinal = await exchange(Buffer.from(scram.clientFinal(serverFirst.toString('utf8')), 'utf8'))
    scram.verifyServerFinal(serverFinal.toString('utf8'))
  } catch (err) {
    if (err instanceof KafkaResponseError || err instanceof BrokerNetworkError) throw err
    throw new BrokerNetworkError('sasl', conn.address, `SASL ${mechanism} authentication with broker ${conn.address} failed: ${(err as Error).message}`, { cause: err })
  }
}
