// An in-process Confluent Schema Registry (the REST subset Avro clients use), for tests, demos and
// development. State lives in memory and ends with stop().
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { RegistryError, badRequest } from './errors.js'
import { route } from './routes.js'
import { SchemaStore } from './store.js'

export interface EmbeddedSchemaRegistryOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number
  /** Interface to bind; loopback by default. */
  host?: string
}

const MAX_BODY_BYTES = 16 * 1024 * 1024
const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json'

export class EmbeddedSchemaRegistry {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  readonly url: string
  private readonly server: Server
  private stopped: Promise<void> | null = null

  private constructor(server: Server, url: string) {
    this.server = server
    this.url = url
  }

  static async start(options: EmbeddedSchemaRegistryOptions = {}): Promise<EmbeddedSchemaRegistry> {
    const port = options.port ?? 0
    const host = options.host ?? '127.0.0.1'
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new RangeError(`EmbeddedSchemaRegistry: port must be an integer in [0, 65535], got ${port}`)
    }
    const store = new SchemaStore()
    const server = createServer((req, res) => void handle(store, req, res))
    // Clients keep connections alive; let stop() close idle ones immediately.
    server.keepAliveTimeout = 1000
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, host, () => {
        server.off('error', reject)
        resolve()
      })
    })
    const address = server.address() as AddressInfo
    const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address
    return new EmbeddedSchemaRegistry(server, `http://${shownHost}:${address.port}`)
  }

  /** Stops accepting requests and closes open connections. Safe to call twice. */
  stop(): Promise<void> {
    this.stopped ??= new Promise<void>((resolve, reject) => {
      this.server.close((err) => (err ? reject(err) : resolve()))
      this.server.closeAllConnections()
    })
    return this.stopped
  }
}

async function handle(store: SchemaStore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let status: number
  let body: unknown
  try {
    const url = new URL(req.url ?? '/', 'http://registry')
    const segments = url.pathname
      .split('/')
      .filter((s) => s.length > 0)
      .map(decodeSegment)
    const raw = await readBody(req)
    let parsed: unknown = null
    if (raw.length > 0) {
      try {
        parsed = JSON.parse(raw)
      } catch (err) {
        throw badRequest(`request body is not valid JSON: ${(err as Error).message}`)
      }
    }
    const response = route(store, { method: req.method ?? 'GET', segments, query: url.searchParams, body: parsed })
    status = response.status
    body = response.body
  } catch (err) {
    const e = err instanceof RegistryError ? err : new RegistryError(50001, `Error in the backend data store: ${(err as Error).message}`)
    status = e.httpStatus
    body = e.toJSON()
  }
  const text = JSON.stringify(body)
  res.writeHead(status, { 'Content-Type': CONTENT_TYPE, 'Content-Length': Buffer.byteLength(text) })
  res.end(text)
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    throw badRequest(`malformed URL path segment '${segment}'`)
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) {
        reject(badRequest(`request body exceeds ${MAX_BODY_BYTES} bytes`))
        req.destroy()
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}
