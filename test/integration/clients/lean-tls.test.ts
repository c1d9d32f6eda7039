import { connect as netConnect } from 'node:net'
import { createServer, type Server } from 'node:tls'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EmbeddedKafka } from '../../../broker/index.js'
import { Api } from '../../../lib/clients/lean/net/apis.js'
import { BrokerConnection } from '../../../lib/clients/lean/net/connection.js'
import { BrokerNetworkError } from '../../../lib/clients/lean/errors.js'

// A self-signed certificate for localhost, made for this test only (EC P-256, valid for a century).
const KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgliAOBrFS/ePzTYRe
ZB3qf6/MxZ+8xLlt0SO5whfw6+KhRANCAATVNZsJnJsrXPLQ7A+czKrOayXWkvmf
dHKme0DyuH4sw13C9H90JmLVUO28G65eRg6dFBvf6CoY3FX2bdH9SNI4
-----END PRIVATE KEY-----`
const CERT = `-----BEGIN CERTIFICATE-----
MIIBlTCCATugAwIBAgIUC/Hyy+1KYk16xvnttRNVjSljV68wCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTIwNjA5MDYwNFoYDzIxMjYxMTEy
MDkwNjA0WjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAATVNZsJnJsrXPLQ7A+czKrOayXWkvmfdHKme0DyuH4sw13C9H90JmLV
UO28G65eRg6dFBvf6CoY3FX2bdH9SNI4o2kwZzAdBgNVHQ4EFgQUE7Mc0ZuAbotB
3fO7csXFIekCjbwwHwYDVR0jBBgwFoAUE7Mc0ZuAbotB3fO7csXFIekCjbwwDwYD
VR0TAQH/BAUwAwEB/zAUBgNVHREEDTALgglsb2NhbGhvc3QwCgYIKoZIzj0EAwID
SAAwRQIhAIfiH9xRV+YyGo04Z7HXgGpsmoM+Zv2gBiJdQQ7muTQIAiAzRqVIB0O6
7x12MONISgVlj3Ubb2K+AMXtRmADd/rBsw==
-----END CERTIFICATE-----`

/** TLS in front of the embedded broker's plaintext port. */
describe('lean client: TLS', () => {
  let kafka: EmbeddedKafka
  let proxy: Server
  let port = 0

  beforeAll(async () => {
    kafka = await EmbeddedKafka.start({ port: 0 })
    proxy = createServer({ key: KEY, cert: CERT }, tls => {
      const plain = netConnect(kafka.port, '127.0.0.1')
      tls.pipe(plain).pipe(tls)
      tls.on('error', () => plain.destroy())
      plain.on('error', () => tls.destroy())
    })
    await new Promise<void>(resolve => proxy.listen(0, '127.0.0.1', resolve))
    port = (proxy.address() as { port: number }).port
  })
  afterAll(async () => {
    await new Promise(resolve => proxy.close(resolve))
    await kafka.stop()
  })

  it('speaks to a broker over TLS', async () => {
    const conn = new BrokerConnection('127.0.0.1', port, { clientId: 'tls', ssl: { ca: CERT, servername: 'localhost' } })
    const res = await conn.request(Api.Metadata, { topics: [] })
    expect(res.brokers.map(b => b.port)).toEqual([kafka.port])
    conn.close()
  })

  it('refuses a certificate it does not trust, naming the broker', async () => {
    const conn = new BrokerConnection('127.0.0.1', port, { clientId: 'tls', ssl: { servername: 'localhost' }, connectionTimeoutMs: 2000 })
    const err = await conn.connect().catch(e => e)
    expect(err).toBeInstanceOf(BrokerNetworkError)
    expect(err.failure).toBe('tls')
    expect(err.message).toContain(`Cannot connect to broker 127.0.0.1:${port}`)
  })
})
