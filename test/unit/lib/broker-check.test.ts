import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EmbeddedKafka } from '../../../broker/index.js'
import { BrokersUnreachableError, checkBrokersAnswer } from '../../../lib/lifecycle/broker-check.js'

/** A port that accepts connections and never answers (a wrong service, a stuck proxy). */
async function silentServer(): Promise<{ address: string; close(): Promise<void> }> {
  const sockets: net.Socket[] = []
  const server = net.createServer(s => void sockets.push(s))
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as net.AddressInfo
  return {
    address: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>(r => {
        for (const s of sockets) s.destroy()
        server.close(() => r())
      }),
  }
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<string> {
  const server = net.createServer()
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as net.AddressInfo
  await new Promise<void>(r => server.close(() => r()))
  return `127.0.0.1:${port}`
}

async function failure(p: Promise<unknown>): Promise<BrokersUnreachableError> {
  const e = await p.then(() => null, (err: unknown) => err)
  expect(e).toBeInstanceOf(BrokersUnreachableError)
  return e as BrokersUnreachableError
}

describe('broker check before start', () => {
  let kafka: EmbeddedKafka
  beforeAll(async () => {
    kafka = await EmbeddedKafka.start({ port: 0 })
  })
  afterAll(async () => {
    await kafka?.stop()
  })

  it('passes as soon as one broker answers, even when another address is wrong', async () => {
    const refused = await closedPort()
    await expect(checkBrokersAnswer([refused, ...kafka.brokers], { timeoutMs: 10_000, clientId: 'check' })).resolves.toBeUndefined()
  })

  it('names every address and why when none answers: refused at once, silent after the timeout', async () => {
    const refused = await closedPort()
    const silent = await silentServer()
    try {
      const e = await failure(checkBrokersAnswer([refused, silent.address], { timeoutMs: 300, clientId: 'check' }))
      expect(e.brokers).toEqual([refused, silent.address])
      expect(e.timeoutMs).toBe(300)
      expect(e.reasons).toEqual({ [refused]: 'connection refused', [silent.address]: 'accepted the connection but sent no answer' })
      expect(e.message).toContain(`No Kafka broker answered within 300 ms: ${refused} (connection refused), ${silent.address} (accepted the connection but sent no answer)`)
    } finally {
      await silent.close()
    }
  })

  it('a refused address alone fails without waiting for the timeout', async () => {
    const refused = await closedPort()
    // A 10-minute timeout: the test only finishes because every address failed at once.
    const e = await failure(checkBrokersAnswer([refused], { timeoutMs: 600_000, clientId: 'check' }))
    expect(e.reasons[refused]).toBe('connection refused')
  })
})
