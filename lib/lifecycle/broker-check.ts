import net from 'node:net'
import tls from 'node:tls'
import type { ISocketFactory } from 'kafkajs'

/** No address of `brokers` answered a Kafka request within `timeoutMs`; `reasons` per address. */
export class BrokersUnreachableError extends Error {
  override readonly name = 'BrokersUnreachableError'
  constructor(readonly brokers: string[], readonly timeoutMs: number, readonly reasons: Record<string, string>) {
    super(
      `No Kafka broker answered within ${timeoutMs} ms: ${brokers.map(b => `${b} (${reasons[b] ?? 'no answer'})`).join(', ')}. ` +
        'Check the brokers setting and that the cluster is up; kafka.connectionTimeout sets this wait.',
    )
  }
}

/** How long start() waits for a first broker answer when kafka.connectionTimeout is not set. */
export const DEFAULT_BROKER_CHECK_TIMEOUT_MS = 10_000

export interface BrokerCheckOptions {
  timeoutMs: number
  clientId: string
  ssl?: tls.ConnectionOptions | boolean
  socketFactory?: ISocketFactory
}

/** kafkajs's own default socket factory, so the check connects as the clients will. */
const defaultSocketFactory: ISocketFactory = ({ host, port, ssl, onConnect }) =>
  ssl
    ? tls.connect({ host, port, ...(net.isIP(host) ? {} : { servername: host }), ...(typeof ssl === 'object' ? ssl : {}) }, onConnect)
    : net.connect({ host, port }, onConnect)

/** An ApiVersions v0 request: every Kafka broker answers it, before any authentication. */
function apiVersionsRequest(clientId: string): Buffer {
  const id = Buffer.from(clientId)
  const body = Buffer.alloc(2 + 2 + 4 + 2 + id.length)
  body.writeInt16BE(18, 0)
  body.writeInt16BE(0, 2)
  body.writeInt32BE(1, 4)
  body.writeInt16BE(id.length, 8)
  id.copy(body, 10)
  const size = Buffer.alloc(4)
  size.writeInt32BE(body.length)
  return Buffer.concat([size, body])
}

function describeSocketError(err: NodeJS.ErrnoException): string {
  if (err.code === 'ECONNREFUSED') return 'connection refused'
  if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') return 'host not found'
  return err.code ? `${err.code}: ${err.message}` : err.message
}

/**
 * Resolves as soon as one broker answers an ApiVersions request; rejects with
 * BrokersUnreachableError, naming every address and why, once all failed or `timeoutMs` passed.
 * Without this a wrong address surfaces only after kafkajs's retries, as a generic error.
 */
export function checkBrokersAnswer(brokers: readonly string[], opts: BrokerCheckOptions): Promise<void> {
  const factory = opts.socketFactory ?? defaultSocketFactory
  const reasons: Record<string, string> = {}
  const sockets: net.Socket[] = []
  return new Promise<void>((resolve, reject) => {
    let settled = false
    const finish = (err: Error | null) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      for (const s of sockets) s.destroy()
      if (err) reject(err)
      else resolve()
    }
    const failOne = (broker: string, reason: string) => {
      reasons[broker] ??= reason
      if (Object.keys(reasons).length === brokers.length) finish(new BrokersUnreachableError([...brokers], opts.timeoutMs, reasons))
    }
    const connected = new Set<string>()
    const timer = setTimeout(() => {
      for (const b of brokers) reasons[b] ??= connected.has(b) ? 'accepted the connection but sent no answer' : 'no connection'
      finish(new BrokersUnreachableError([...brokers], opts.timeoutMs, reasons))
    }, opts.timeoutMs)
    for (const broker of brokers) {
      const sep = broker.lastIndexOf(':')
      const host = broker.slice(0, sep)
      const port = Number(broker.slice(sep + 1))
      let received = 0
      let socket: net.Socket | undefined
      try {
        socket = factory({
          host,
          port,
          ssl: (opts.ssl ?? false) as tls.ConnectionOptions,
          onConnect: () => {
            connected.add(broker)
            socket!.write(apiVersionsRequest(opts.clientId))
          },
        })
      } catch (err) {
        failOne(broker, (err as Error).message)
        continue
      }
      sockets.push(socket)
      socket.on('data', (chunk: Buffer) => {
        received += chunk.length
        if (received >= 8) finish(null)
      })
      socket.on('error', err => failOne(broker, describeSocketError(err)))
      socket.on('close', () => failOne(broker, connected.has(broker) ? 'closed the connection without answering' : 'no connection'))
    }
  })
}
