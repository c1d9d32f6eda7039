import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { StreamsState } from '../lifecycle/streams-state.js'

/** What the probes read: a KafkaStreams instance. */
export interface ProbedApp {
  readonly state: StreamsState
  isReady(): boolean
  isAlive(): boolean
}

export interface ProbeServerOptions {
  /** Port to listen on; 0 picks a free one (read it from `port`). */
  port: number
  /** Address to bind; default all interfaces, as Kubernetes probes come from the node. */
  host?: string
}

export interface ProbeServer {
  /** The port it listens on. */
  readonly port: number
  close(): Promise<void>
}

/**
 * A tiny HTTP server for Kubernetes probes: `GET /ready` and `GET /live` answer 200 or 503 with
 * `{"state":...}`. It does not keep the process alive by itself (the socket is unref'd).
 */
export async function startProbeServer(app: ProbedApp, opts: ProbeServerOptions): Promise<ProbeServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]
    const check = path === '/ready' ? app.isReady() : path === '/live' ? app.isAlive() : null
    if (check === null || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: try /ready or /live\n')
      return
    }
    res.writeHead(check ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' })
    res.end(req.method === 'HEAD' ? undefined : `${JSON.stringify({ state: app.state })}\n`)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  server.unref()
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>(resolve => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
